"""The journey map and the measure list cost the same number of queries with 1 and with 200 measures."""

import pytest
from django.urls import reverse

from concept import services
from concept.models import Measure
from evaluation import services as evaluation_services

pytestmark = pytest.mark.django_db

# Session, user, programme with role, stages/touchpoints/measures prefetches, findings; a little slack for base.html.
MAX_QUERIES = {"journey": 12, "measure_list": 8, "matrix": 6, "api": 10}


def _fill(world, stages, n):
    findings = [
        evaluation_services.finding_create(
            programme=world.programme, statement=f"F{i}", journey_stage=stages[i % 9].name
        )
        for i in range(min(n, 20))
    ]
    owner = world.user("member")
    for i in range(n):
        measure = Measure.objects.create(
            programme=world.programme, title=f"M{i}", impact=1 + i % 5, effort=1 + (i // 5) % 5, owner=owner
        )
        measure.stages.set([stages[i % 9], stages[(i + 1) % 9]])
        measure.findings.set(findings[i % len(findings) : i % len(findings) + 1])
        if i < 50:
            services.touchpoint_create(stage=stages[i % 9], name=f"T{i}", channel="online")


@pytest.mark.parametrize("n", [1, 200])
@pytest.mark.parametrize("name", ["journey", "measure_list", "matrix"])
def test_fixed_query_count(client_as, world, stages, django_assert_max_num_queries, n, name):
    _fill(world, stages, n)
    client = client_as("member")
    url = reverse(f"programmes:konzeption:{name}", kwargs=world.programme.url_kwargs)
    client.get(url)  # warm caches (session, content types)
    with django_assert_max_num_queries(MAX_QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200
    if name == "measure_list":
        assert len(response.context["measures"]) == n


@pytest.mark.parametrize("n", [1, 200])
def test_api_measure_list_queries(api_as, world, stages, django_assert_max_num_queries, n):
    _fill(world, stages, n)
    with django_assert_max_num_queries(MAX_QUERIES["api"]):
        response = api_as("member").get(reverse("api:measure-list"), {"programme": world.programme.pk})
    assert response.status_code == 200
