"""API of retrospectives: every role reads, leads and members record and edit, query counts hold."""

from datetime import date
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.permissions import FORBIDDEN, NOT_FOUND, OK, UNAUTHORIZED
from transformation.models import Programme, Retrospective

DATA = {
    "held_on": "2026-11-20",
    "went_well": "Quick Win nach sechs Wochen",
    "to_improve": "Datenlieferung",
    "decision": "scale",
    "decision_reason": "Nutzung über Ziel",
}


def make(programme, cycle=1):
    return Retrospective.objects.create(
        programme=programme,
        cycle=cycle,
        held_on=date(2026, 1, 1),
        went_well="a",
        to_improve="b",
        decision="adjust",
    )


def test_every_role_reads_only_the_retrospectives_of_its_programmes(api_as, world):
    mine, foreign = make(world.programme), make(world.other_programme)
    for role in ["stakeholder", "member", "lead", "org_admin"]:
        ids = [r["id"] for r in api_as(role).get(reverse("api:retrospective-list")).json()["results"]]
        assert ids == [mine.pk], role
        assert (
            api_as(role).get(reverse("api:retrospective-detail", args=[foreign.pk])).status_code == NOT_FOUND
        )
    assert api_as("anonymous").get(reverse("api:retrospective-list")).status_code == UNAUTHORIZED


def test_leads_and_members_record_one_for_the_current_cycle(api_as, world):
    Programme.objects.filter(pk=world.programme.pk).update(cycle=2)
    url = reverse("api:retrospective-list")
    expected = {"stakeholder": FORBIDDEN, "other_lead": HTTPStatus.BAD_REQUEST, "anonymous": UNAUTHORIZED}
    for role, status in expected.items():
        response = api_as(role).post(url, {**DATA, "programme": world.programme.pk}, format="json")
        assert response.status_code == status, role
    response = api_as("member").post(url, {**DATA, "programme": world.programme.pk}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["cycle"], body["decision"], body["programme"]) == (2, "scale", world.programme.pk)


def test_bad_input_gives_field_errors(api_as, world):
    response = api_as("lead").post(
        reverse("api:retrospective-list"),
        {**DATA, "programme": world.programme.pk, "decision": "maybe", "held_on": "gestern"},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) >= {"decision", "held_on"}
    assert not Retrospective.objects.exists()


def test_editing_keeps_programme_and_cycle(api_as, world):
    retro = make(world.programme)
    url = reverse("api:retrospective-detail", args=[retro.pk])
    assert api_as("stakeholder").patch(url, {"decision": "stop"}, format="json").status_code == FORBIDDEN
    response = api_as("lead").patch(
        url, {"decision": "stop", "programme": world.other_programme.pk}, format="json"
    )
    assert response.status_code == OK
    retro.refresh_from_db()
    assert (retro.decision, retro.programme_id) == ("stop", world.programme.pk)


@pytest.mark.parametrize("count", [1, 50])
def test_list_query_count(api_as, world, count, django_assert_max_num_queries):
    for i in range(count):
        make(world.programme, cycle=i + 1)
    client = api_as("lead")
    with django_assert_max_num_queries(5):
        assert len(client.get(reverse("api:retrospective-list")).json()["results"]) == count
