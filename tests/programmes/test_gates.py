"""The gate page for every role, and one transition service behind the page and the API."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import services
from programmes.models import Phase, PhaseTransition, Programme

pytestmark = pytest.mark.django_db


def gate_page(programme) -> str:
    return reverse("programmes:transition", kwargs=programme.url_kwargs)


def gate_api(programme) -> str:
    return reverse("api:programme-gate-transition", kwargs={"pk": programme.pk})


# --- Who sees what on the gate page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["stakeholder", "member"])
def test_stakeholders_and_members_read_the_criteria_without_a_move_form(client_as, world, failing_gate, role):
    response = client_as(role).get(gate_page(world.programme))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert (
        "A survey wave is closed" in page and "0 of 1 waves closed" in page
    )  # the criterion with its figures
    assert 'id="transition-read-only"' in page
    assert 'name="rationale"' not in page and 'name="override"' not in page
    assert reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs) not in page
    assert "form" not in response.context


@pytest.mark.parametrize("role", ["lead", "org_admin"])
def test_leads_and_admins_get_the_move_form(client_as, world, failing_gate, role):
    page = client_as(role).get(gate_page(world.programme)).content.decode()
    assert "A survey wave is closed" in page
    assert 'name="rationale"' in page and 'name="override"' in page
    assert 'id="transition-read-only"' not in page


def test_another_programmes_lead_gets_404_on_the_gate(client_as, world):
    assert client_as("other_lead").get(gate_page(world.programme)).status_code == HTTPStatus.NOT_FOUND
    response = client_as("other_lead").post(gate_page(world.programme), {"rationale": "x", "override": "on"})
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ["stakeholder", "member"])
def test_a_read_only_role_cannot_move_the_phase_by_posting(client_as, world, no_gate_criteria, role):
    response = client_as(role).post(gate_page(world.programme), {"rationale": "weiter", "override": "on"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.EVALUATION


def test_the_programme_page_links_every_role_to_the_gate(client_as, world):
    page = client_as("stakeholder").get(world.programme.get_absolute_url()).content.decode()
    assert 'id="gate-link"' in page and gate_page(world.programme) in page


# --- One service, the same rules for the page and the API --------------------------------------------------


def test_the_service_enforces_rationale_phase_and_criteria(world, failing_gate):
    lead = world.user("lead")
    with pytest.raises(ValidationError) as blank:
        services.programme_transition(programme=world.programme, user=lead, rationale="  ", override=True)
    assert set(blank.value.message_dict) == {"rationale"}
    with pytest.raises(services.GateConflict) as moved:
        services.programme_transition(
            programme=world.programme, user=lead, rationale="weiter", expected_phase=Phase.KONZEPTION
        )
    assert moved.value.field == "phase" and moved.value.unmet == []
    with pytest.raises(services.GateConflict) as unmet:
        services.programme_transition(programme=world.programme, user=lead, rationale="weiter")
    assert unmet.value.field == "override"
    assert [r.key for r in unmet.value.unmet] == [failing_gate]
    assert not PhaseTransition.objects.exists()


def post_page(client_as, world, data):
    response = client_as("lead").post(
        gate_page(world.programme), {**data, "override": "on" if data.get("override") else ""}
    )
    if response.status_code == HTTPStatus.FOUND:
        return "moved", set()
    form = response.context["form"]
    return "refused", {field or "__all__" for field in form.errors}


def post_api(api_as, world, data):
    response = api_as("lead").post(gate_api(world.programme), data, format="json")
    if response.status_code == HTTPStatus.CREATED:
        return "moved", set()
    body = response.json()
    return "refused", {"status": response.status_code, **dict.fromkeys(set(body) - {"unmet"}, True)}


CASES = [
    # (input, page: refused fields, API: status and keys)
    ({"rationale": "  ", "override": True}, {"rationale"}, {"status": 400, "rationale": True}),
    ({"rationale": "Stadtrat", "expected_phase": "konzeption"}, {"__all__"}, {"status": 409, "detail": True}),
    ({"rationale": "Stadtrat"}, {"override"}, {"status": 409, "detail": True}),
]


@pytest.mark.parametrize(("data", "page_errors", "api_answer"), CASES)
def test_the_page_and_the_api_refuse_the_same_moves(
    client_as, api_as, world, failing_gate, data, page_errors, api_answer
):
    assert post_page(client_as, world, data) == ("refused", page_errors)
    assert post_api(api_as, world, data) == ("refused", api_answer)
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.EVALUATION
    assert not PhaseTransition.objects.exists()


@pytest.mark.parametrize("channel", ["page", "api"])
def test_the_page_and_the_api_record_the_same_override(client_as, api_as, world, failing_gate, channel):
    data = {
        "rationale": "Der Stadtrat hat den Start beschlossen.",
        "override": True,
        "expected_phase": "evaluation",
    }
    if channel == "page":
        assert post_page(client_as, world, data) == ("moved", set())
    else:
        assert post_api(api_as, world, data) == ("moved", set())
    transition = PhaseTransition.objects.get()
    assert (transition.from_phase, transition.to_phase, transition.overridden) == (
        "evaluation",
        "konzeption",
        True,
    )
    assert transition.rationale == "Der Stadtrat hat den Start beschlossen."
    assert transition.decided_by == world.user("lead")
    assert [c["key"] for c in transition.criteria] == [failing_gate]
    assert Programme.objects.get(pk=world.programme.pk).phase == Phase.KONZEPTION


# --- A fixed number of queries, whatever the programme holds -----------------------------------------------


def fill(programme, size: int) -> None:
    """``size`` findings without evidence (Evaluation's criteria read them) and ``size`` selected measures, each
    answering one of them (Konzeption's criteria read those)."""
    from concept import services as concept_services
    from evaluation import services as evaluation_services

    for index in range(size):
        finding = evaluation_services.finding_create(programme=programme, statement=f"Befund {index}")
        measure = concept_services.measure_create(
            programme=programme, title=f"Maßnahme {index}", findings=[finding]
        )
        concept_services.measure_select(measure=measure)


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize("phase", [Phase.EVALUATION, Phase.KONZEPTION])
@pytest.mark.parametrize(
    ("name", "role", "limit"),
    [("transition", "member", 8), ("transition", "lead", 8), ("gate_settings", "lead", 3)],
)
def test_the_gate_pages_need_a_fixed_number_of_queries(
    client_as, world, django_assert_max_num_queries, size, phase, name, role, limit
):
    fill(world.programme, size)
    Programme.objects.filter(pk=world.programme.pk).update(phase=phase)
    client = client_as(role)
    address = reverse(f"programmes:{name}", kwargs=world.programme.url_kwargs)
    client.get(address)  # warm caches (session, content types)
    with django_assert_max_num_queries(limit):
        response = client.get(address)
    assert response.status_code == HTTPStatus.OK
    if name == "transition":
        assert response.context["unmet_count"] >= 1  # the criteria ran on the data, and some fail
