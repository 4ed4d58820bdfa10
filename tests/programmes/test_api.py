"""The REST API as an integrating system sees it: status codes, field errors, pagination, filters, tokens."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from programmes.models import Invitation, Phase, PhaseTransition, Programme, Role
from tests.programmes.factories import MembershipFactory, ProgrammeFactory, StakeholderFactory

pytestmark = pytest.mark.django_db


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


@pytest.fixture
def admin_api(api_as):
    return api_as("org_admin")


@pytest.fixture
def lead_api(api_as):
    return api_as("lead")


# --- Programmes ----------------------------------------------------------------------------------------


def test_create_a_programme(admin_api, world):
    response = admin_api.post(
        api("programme-list"),
        {
            "organisation": world.organisation.pk,
            "title": "Smarte Altstadt",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "budget": "50000.00",
            "target_groups": ["buerger"],
        },
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["slug"], body["phase"], body["cycle"], body["budget"]) == (
        "smarte-altstadt",
        "evaluation",
        1,
        "50000.00",
    )
    programme = Programme.objects.get(pk=body["id"])
    assert programme.memberships.get().user == world.user("org_admin")
    assert programme.memberships.get().role == Role.LEAD


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"slug": "digitale-innenstadt"}, "slug"),
        ({"start_date": "2026-06-01", "end_date": "2026-01-01"}, "end_date"),
        ({"budget": "-0.01"}, "budget"),
        ({"slug": "Kein Slug!"}, "slug"),
        ({"title": ""}, "title"),
    ],
)
def test_create_a_programme_with_bad_input_is_a_400_with_field_errors(admin_api, world, payload, field):
    before = Programme.objects.count()

    response = admin_api.post(
        api("programme-list"),
        {"organisation": world.organisation.pk, "title": "Noch ein Programm", **payload},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert Programme.objects.count() == before


def test_update_cannot_change_phase_or_cycle(lead_api, world):
    response = lead_api.patch(
        api("programme-detail", pk=world.programme.pk),
        {"title": "Neue Mitte", "phase": "transformation", "cycle": 9},
        format="json",
    )

    assert response.status_code == HTTPStatus.OK
    world.programme.refresh_from_db()
    assert (world.programme.title, world.programme.phase, world.programme.cycle) == (
        "Neue Mitte",
        "evaluation",
        1,
    )


def test_update_with_end_before_start_is_a_400(lead_api, world):
    Programme.objects.filter(pk=world.programme.pk).update(start_date="2026-06-01")

    response = lead_api.patch(
        api("programme-detail", pk=world.programme.pk), {"end_date": "2026-01-01"}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "end_date" in response.json()


def test_list_is_paginated(api_as, world):
    for _ in range(3):
        MembershipFactory(user=world.user("member"), role=Role.MEMBER)

    body = api_as("member").get(api("programme-list")).json()

    assert body["count"] == 4
    assert len(body["results"]) == 4
    assert {"next", "previous"} <= set(body)
    assert all(row["role"] == "member" for row in body["results"])


def test_list_filters_by_phase(api_as, world):
    user = world.user("member")
    MembershipFactory(user=user, programme=ProgrammeFactory(title="Im Konzept", phase=Phase.KONZEPTION))
    client = api_as("member")

    konzeption = client.get(api("programme-list"), {"phase": "konzeption"}).json()
    evaluation = client.get(api("programme-list"), {"phase": "evaluation"}).json()

    assert [row["title"] for row in konzeption["results"]] == ["Im Konzept"]
    assert [row["title"] for row in evaluation["results"]] == ["Digitale Innenstadt"]
    assert client.get(api("programme-list"), {"phase": "mond"}).status_code == HTTPStatus.BAD_REQUEST


def test_token_authentication(world):
    token = Token.objects.create(user=world.user("lead"))
    client = APIClient()

    response = client.get(api("programme-list"), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == HTTPStatus.OK
    assert [row["role"] for row in response.json()["results"]] == ["lead"]
    # A token needs no CSRF token for writes.
    response = client.patch(
        api("programme-detail", pk=world.programme.pk),
        {"summary": "per Token"},
        format="json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == HTTPStatus.OK


def test_session_writes_need_a_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.user("lead"))

    response = client.patch(api("programme-detail", pk=world.programme.pk), {"summary": "x"}, format="json")

    assert response.status_code == HTTPStatus.FORBIDDEN


# --- Transitions ---------------------------------------------------------------------------------------


def test_transition_endpoint_moves_the_programme(lead_api, world, no_gate_criteria):
    response = lead_api.post(
        api("programme-transition", pk=world.programme.pk), {"rationale": "Befragung fertig"}, format="json"
    )

    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["from_phase"], body["to_phase"], body["cycle"], body["overridden"]) == (
        "evaluation",
        "konzeption",
        1,
        False,
    )
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.KONZEPTION
    detail = lead_api.get(api("programme-detail", pk=world.programme.pk)).json()
    assert detail["phase"] == "konzeption"
    history = lead_api.get(api("programme-transitions", pk=world.programme.pk)).json()
    assert [row["rationale"] for row in history["results"]] == ["Befragung fertig"]


def test_transition_without_rationale_is_a_400(lead_api, world, no_gate_criteria):
    response = lead_api.post(api("programme-transition", pk=world.programme.pk), {}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "rationale" in response.json()

    response = lead_api.post(
        api("programme-transition", pk=world.programme.pk), {"rationale": "   "}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "rationale" in response.json()
    assert not PhaseTransition.objects.exists()


def test_transition_through_an_unmet_gate_needs_an_override(lead_api, world, failing_gate):
    url = api("programme-transition", pk=world.programme.pk)

    gate = lead_api.get(api("programme-gate", pk=world.programme.pk)).json()
    assert [(c["key"], c["met"]) for c in gate["criteria"]] == [(failing_gate, False)]

    response = lead_api.post(url, {"rationale": "weiter"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "override" in response.json()

    response = lead_api.post(url, {"rationale": "Ratsbeschluss", "override": True}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["overridden"] is True
    assert response.json()["criteria"][0]["key"] == failing_gate


# --- Members and invitations ---------------------------------------------------------------------------


def test_invite_by_api_sends_the_email(lead_api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_api.post(
            api("programme-invitation-list", programme_pk=world.programme.pk),
            {"email": "Rat@Example.org", "role": "stakeholder"},
            format="json",
        )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["email"] == "rat@example.org"
    assert response.json()["state"]
    assert "token" not in response.json()
    assert [m.to for m in mail.outbox] == [["rat@example.org"]]


def test_invite_with_an_unknown_role_is_a_400(lead_api, world):
    response = lead_api.post(
        api("programme-invitation-list", programme_pk=world.programme.pk),
        {"email": "x@example.org", "role": "buergermeisterin"},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "role" in response.json()
    assert not Invitation.objects.exists()


def test_invite_an_existing_member_is_a_400(lead_api, world):
    response = lead_api.post(
        api("programme-invitation-list", programme_pk=world.programme.pk),
        {"email": world.user("stakeholder").email, "role": "member"},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "email" in response.json()


def test_a_pending_duplicate_invitation_is_a_400(lead_api, world):
    url = api("programme-invitation-list", programme_pk=world.programme.pk)
    assert lead_api.post(url, {"email": "a@example.org", "role": "member"}, format="json").status_code == 201

    response = lead_api.post(url, {"email": "A@example.org", "role": "lead"}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "email" in response.json()


def test_the_last_lead_cannot_be_demoted_by_api(lead_api, world):
    lead = world.programme.memberships.get(user=world.user("lead"))
    url = api("programme-member-detail", programme_pk=world.programme.pk, pk=lead.pk)

    response = lead_api.patch(url, {"role": "member"}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "role" in response.json()
    assert lead_api.delete(url).status_code == HTTPStatus.BAD_REQUEST

    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_member_list_shows_roles(api_as, world):
    body = api_as("stakeholder").get(api("programme-member-list", programme_pk=world.programme.pk)).json()

    assert body["count"] == 3
    assert sorted(row["role"] for row in body["results"]) == ["lead", "member", "stakeholder"]


# --- Stakeholders --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("influence", 0), ("influence", 6), ("interest", 0)])
def test_stakeholder_scores_outside_1_to_5_are_400(api_as, world, field, value):
    response = api_as("member").post(
        api("stakeholder-list"),
        {"programme": world.programme.pk, "name": "IHK", "group": "business", "influence": 3, "interest": 3}
        | {field: value},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert not world.programme.stakeholders.exists()


def test_stakeholder_list_filters(api_as, world):
    StakeholderFactory(programme=world.programme, name="Rat", group="politics", influence=5)
    StakeholderFactory(programme=world.programme, name="Verein", group="civil_society", influence=2)
    client = api_as("member")

    def names(**params):
        return [row["name"] for row in client.get(api("stakeholder-list"), params).json()["results"]]

    assert names() == ["Rat", "Verein"]
    assert names(group="politics") == ["Rat"]
    assert names(min_influence=3) == ["Rat"]
    assert names(programme=world.programme.pk) == ["Rat", "Verein"]
    assert names(programme=world.other_programme.pk) == []


def test_stakeholder_cannot_be_moved_to_another_programme(api_as, world):
    stakeholder = StakeholderFactory(programme=world.programme)

    response = api_as("lead").patch(
        api("stakeholder-detail", pk=stakeholder.pk), {"programme": world.other_programme.pk}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    stakeholder.refresh_from_db()
    assert stakeholder.programme == world.programme


def test_api_schema_and_docs_are_served(client):
    assert client.get(reverse("api-schema")).status_code == HTTPStatus.OK
    assert client.get(reverse("api-docs")).status_code == HTTPStatus.OK
