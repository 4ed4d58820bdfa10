"""API of the gate and the risk radar: shapes, the permission matrix of every role, errors and query counts."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from programmes import services
from programmes.models import Phase, PhaseTransition, Programme, RiskAcknowledgement
from programmes.risk_rules import UNENGAGED_STAKEHOLDER
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, UNAUTHORIZED, check_matrix

CREATED = HTTPStatus.CREATED
CONFLICT = HTTPStatus.CONFLICT
BAD_REQUEST = HTTPStatus.BAD_REQUEST
READERS = {
    "anonymous": UNAUTHORIZED,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}


def api(name, programme):
    return reverse(f"api:{name}", kwargs={"pk": programme.pk})


@pytest.fixture
def mayor(world):
    return services.stakeholder_create(
        programme=world.programme, name="Bürgermeisterin", group="politics", influence=5, interest=4
    )


def test_gate_and_risks_are_read_by_every_role(api_as, world, mayor):
    check_matrix(api_as, api("programme-gate", world.programme), READERS)
    check_matrix(api_as, api("programme-risks", world.programme), READERS)


def test_gate_shows_phase_next_phase_criteria_and_thresholds(api_as, world):
    body = api_as("stakeholder").get(api("programme-gate", world.programme)).json()
    assert (body["phase"], body["next_phase"], body["cycle"], body["next_cycle"]) == (
        "evaluation",
        "konzeption",
        1,
        1,
    )
    assert {c["key"] for c in body["criteria"]} >= {"evaluation.findings", "evaluation.vision"}
    assert all(set(c) == {"key", "label", "met", "detail", "url"} for c in body["criteria"])
    assert body["unmet_count"] == sum(1 for c in body["criteria"] if not c["met"])
    findings = next(t for t in body["thresholds"] if t["criterion"] == "evaluation.findings")
    assert (findings["name"], findings["value"], findings["default"]) == ("min", 3, 3)


def test_after_transformation_the_gate_leads_to_the_next_cycle(api_as, world):
    Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.TRANSFORMATION)
    body = api_as("lead").get(api("programme-gate", world.programme)).json()
    assert (body["next_phase"], body["next_cycle"]) == ("evaluation", 2)
    assert [c["key"] for c in body["criteria"]] == [
        "transformation.kpis",
        "transformation.reports",
        "transformation.retrospective",
    ]


def test_only_a_lead_moves_the_phase(api_as, world, no_gate_criteria):
    url = api("programme-gate-transition", world.programme)
    expected = {
        "anonymous": UNAUTHORIZED,
        "stakeholder": FORBIDDEN,
        "member": FORBIDDEN,
        "other_lead": NOT_FOUND,
    }
    for role, status in expected.items():
        assert api_as(role).post(url, {"rationale": "weiter"}, format="json").status_code == status, role
    for role in ["lead", "org_admin"]:
        Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.EVALUATION)
        assert api_as(role).post(url, {"rationale": "weiter"}, format="json").status_code == CREATED, role


def test_unmet_criteria_need_the_override_flag_and_a_rationale(api_as, world, failing_gate):
    url = api("programme-gate-transition", world.programme)
    lead = api_as("lead")

    response = lead.post(url, {"rationale": "  "}, format="json")
    assert response.status_code == BAD_REQUEST and "rationale" in response.json()
    response = lead.post(url, {}, format="json")
    assert response.status_code == BAD_REQUEST and "rationale" in response.json()

    response = lead.post(url, {"rationale": "Ratsbeschluss"}, format="json")
    assert response.status_code == CONFLICT
    assert "override" in response.json()["detail"]
    assert [c["key"] for c in response.json()["unmet"]] == [failing_gate]
    assert not PhaseTransition.objects.exists()

    response = lead.post(url, {"rationale": "Ratsbeschluss", "override": True}, format="json")
    assert response.status_code == CREATED
    assert response.json()["overridden"] is True and response.json()["to_phase"] == "konzeption"


def test_a_stale_expected_phase_is_a_conflict(api_as, world, no_gate_criteria):
    response = api_as("lead").post(
        api("programme-gate-transition", world.programme),
        {"rationale": "weiter", "expected_phase": "konzeption"},
        format="json",
    )
    assert response.status_code == CONFLICT
    assert not PhaseTransition.objects.exists()


def test_bad_transition_input_is_a_400_not_a_500(api_as, world, no_gate_criteria):
    url = api("programme-gate-transition", world.programme)
    for data in [
        {"rationale": "x", "override": "vielleicht"},
        {"rationale": "x", "expected_phase": "mars"},
        [],
    ]:
        assert api_as("lead").post(url, data, format="json").status_code == BAD_REQUEST


def test_risks_list_and_acknowledge_by_api(api_as, world, mayor):
    subject = f"stakeholder:{mayor.pk}"
    body = api_as("stakeholder").get(api("programme-risks", world.programme)).json()
    assert [(w["rule"], w["subject"], w["acknowledged"]) for w in body] == [
        (UNENGAGED_STAKEHOLDER, subject, False)
    ]

    url = api("programme-risk-acknowledge", world.programme)
    data = {"rule": UNENGAGED_STAKEHOLDER, "subject": subject, "note": "Termin steht"}
    expected = {"anonymous": UNAUTHORIZED, "stakeholder": FORBIDDEN, "other_lead": NOT_FOUND}
    for role, status in expected.items():
        assert api_as(role).post(url, data, format="json").status_code == status, role
    for role in ["member", "lead", "org_admin"]:
        response = api_as(role).post(url, data, format="json")
        assert response.status_code == CREATED, role
        assert response.json()["acknowledged"] is True
        assert response.json()["acknowledgement_note"] == "Termin steht"
    assert RiskAcknowledgement.objects.count() == 1

    assert api_as("member").get(api("programme-risks", world.programme) + "?open=true").json() == []

    response = api_as("stakeholder").delete(url + f"?rule={UNENGAGED_STAKEHOLDER}&subject={subject}")
    assert response.status_code == FORBIDDEN
    response = api_as("member").delete(url + f"?rule={UNENGAGED_STAKEHOLDER}&subject={subject}")
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert (
        api_as("member").delete(url + f"?rule={UNENGAGED_STAKEHOLDER}&subject={subject}").status_code
        == NOT_FOUND
    )


def test_acknowledging_needs_a_note_and_a_current_warning(api_as, world, mayor):
    url = api("programme-risk-acknowledge", world.programme)
    lead = api_as("lead")
    response = lead.post(
        url, {"rule": UNENGAGED_STAKEHOLDER, "subject": f"stakeholder:{mayor.pk}", "note": " "}, format="json"
    )
    assert response.status_code == BAD_REQUEST and "note" in response.json()
    response = lead.post(url, {"rule": "unknown", "note": "x"}, format="json")
    assert response.status_code == BAD_REQUEST and "rule" in response.json()
    response = lead.post(
        url, {"rule": UNENGAGED_STAKEHOLDER, "subject": "stakeholder:0", "note": "x"}, format="json"
    )
    assert response.status_code == BAD_REQUEST and "subject" in response.json()
    assert not RiskAcknowledgement.objects.exists()


def test_withdrawing_checks_its_query_like_a_body(api_as, world):
    url = api("programme-risk-acknowledge", world.programme)
    lead = api_as("lead")
    response = lead.delete(f"{url}?rule=a%00b")  # PostgreSQL refuses NUL characters: a 400, not a 500
    assert response.status_code == BAD_REQUEST and "rule" in response.json()
    response = lead.delete(url)
    assert response.status_code == BAD_REQUEST and "rule" in response.json()
    response = lead.delete(f"{url}?rule={UNENGAGED_STAKEHOLDER}&subject=stakeholder:1")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [1, 50])
def test_api_query_counts_hold_for_few_and_many(api_as, world, count, django_assert_max_num_queries):
    for i in range(count):
        services.stakeholder_create(
            programme=world.programme, name=f"S{i}", group="business", influence=4, interest=2
        )
    client = api_as("lead")
    with django_assert_max_num_queries(18):
        assert len(client.get(api("programme-risks", world.programme)).json()) == count
    with django_assert_max_num_queries(8):
        assert client.get(api("programme-gate", world.programme)).status_code == OK
