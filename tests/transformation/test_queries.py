"""The T list page and the business-case API cost the same number of queries with 1 and with 50 cases."""

from decimal import Decimal

import pytest
from django.urls import reverse

from transformation.models import BenefitLine, BusinessCase, CostLine, FundingLine

pytestmark = pytest.mark.django_db

MAX_QUERIES = {"page": 14, "api": 12}


def _fill(world, measure, n):
    for i in range(n):
        case = BusinessCase.objects.create(
            programme=world.programme,
            measure=measure if i % 2 else None,
            title=f"C{i}",
            price_basis_year=2026,
        )
        CostLine.objects.create(case=case, kind="investment", year=0, amount=Decimal("1000"), label="I")
        BenefitLine.objects.create(case=case, kind="savings", year=1, amount=Decimal("600"), label="B")
        BenefitLine.objects.create(case=case, kind="savings", year=2, amount=Decimal("600"), label="B")
        FundingLine.objects.create(case=case, year=0, amount=Decimal("100"), label="F")


@pytest.mark.parametrize("n", [1, 50])
def test_overview_page(client_as, world, measure, django_assert_max_num_queries, n):
    _fill(world, measure, n)
    client = client_as("member")
    url = reverse("programmes:transformation", kwargs=world.programme.url_kwargs)
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES["page"]):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cases"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_api_list(api_as, world, measure, django_assert_max_num_queries, n):
    _fill(world, measure, n)
    api = api_as("member")
    url = reverse("api:business-case-list")
    api.get(url)
    with django_assert_max_num_queries(MAX_QUERIES["api"]):
        response = api.get(url)
    assert response.status_code == 200


def test_rollup_is_computed_in_the_database(world, measure, django_assert_num_queries):
    from transformation import selectors

    _fill(world, measure, 3)
    with django_assert_num_queries(3):
        totals = selectors.programme_rollup(world.programme)
    assert totals["costs"] == Decimal("3000") and totals["benefits"] == Decimal("3600")


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize("name", ["plan", "timeline"])
def test_plan_and_timeline(client_as, world, measure, django_assert_max_num_queries, n, name):
    from datetime import date, timedelta

    from transformation import services
    from transformation.models import Milestone, RolloutStage

    services.measure_start_implementation(measure=measure)
    start = date(2026, 1, 1)
    previous = None
    for i in range(n):
        previous = Milestone.objects.create(
            measure=measure,
            title=f"M{i}",
            start=start + timedelta(days=i),
            due=start + timedelta(days=i + 10),
            quick_win=i % 3 == 0,
            status="blocked" if i % 5 == 0 else "planned",
            depends_on=previous,
        )
        RolloutStage.objects.create(measure=measure, name=f"S{i}", date=start + timedelta(days=i * 7))
    client = client_as("member")
    kwargs = {**world.programme.url_kwargs, **({"measure": measure.pk} if name == "plan" else {})}
    url = reverse(f"programmes:transformation:{name}", kwargs=kwargs)
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
