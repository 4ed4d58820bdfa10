"""Gate criteria thresholds: declared with defaults by the phase apps, overridden per programme by leads."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programmes import services
from programmes.gates import CriterionResult, GateRegistry, Threshold, gate_registry

pytestmark = pytest.mark.django_db


def findings_result(programme) -> CriterionResult:
    return next(r for r in gate_registry.evaluate(programme) if r.key == "evaluation.findings")


def test_criteria_without_thresholds_keep_working(world):
    registry = GateRegistry()
    registry.register("evaluation", "plain", lambda p: CriterionResult(key="plain", label="Plain", met=True))
    registry.register(
        "evaluation",
        "counted",
        lambda p: CriterionResult(key="counted", label="n", met=registry.threshold(p, "counted", "n") == 7),
        thresholds=[Threshold("n", "N", default=7)],
    )
    assert [r.met for r in registry.evaluate(world.programme)] == [True, True]
    assert [(key, t.name) for key, t in registry.thresholds_for("evaluation")] == [("counted", "n")]
    with pytest.raises(KeyError):
        registry.threshold(world.programme, "plain", "n")
    registry.unregister("evaluation", "counted")
    assert registry.thresholds_for("evaluation") == []


def test_default_then_override_then_back_to_default(world):
    programme = world.programme
    assert gate_registry.threshold(programme, "evaluation.findings", "min") == 3
    assert "3" in findings_result(programme).label
    services.programme_gate_settings_update(programme=programme, values={"evaluation.findings": {"min": 5}})
    programme.refresh_from_db()
    assert programme.gate_settings == {"evaluation.findings": {"min": 5}}
    assert gate_registry.threshold(programme, "evaluation.findings", "min") == 5
    assert "5" in findings_result(programme).label
    services.programme_gate_settings_update(programme=programme, values={"evaluation.findings": {"min": 3}})
    programme.refresh_from_db()
    assert programme.gate_settings == {}


def test_invalid_or_unknown_thresholds_are_rejected(world):
    with pytest.raises(ValidationError) as error:
        services.programme_gate_settings_update(
            programme=world.programme,
            values={
                "evaluation.findings": {"min": 0},
                "nope": {"x": 1},
                "evaluation.stakeholder_groups": {"min": "2"},
            },
        )
    assert set(error.value.message_dict) == {
        "evaluation.findings__min",
        "nope__x",
        "evaluation.stakeholder_groups__min",
    }


def test_a_stored_value_out_of_range_falls_back_to_the_default(world):
    world.programme.gate_settings = {"evaluation.findings": {"min": -4}}
    assert gate_registry.threshold(world.programme, "evaluation.findings", "min") == 3


def test_closed_wave_threshold_replaces_the_survey_target(world):
    from evaluation import services as evaluation_services
    from tests.evaluation.factories import add_responses, make_survey

    survey = make_survey(world.programme)
    add_responses(survey, 4)
    evaluation_services.survey_close(survey=survey)

    def closed_wave():
        return next(r for r in gate_registry.evaluate(world.programme) if r.key == "evaluation.closed_wave")

    assert not closed_wave().met  # the survey's own target is 100
    services.programme_gate_settings_update(
        programme=world.programme, values={"evaluation.closed_wave": {"min_responses": 4}}
    )
    world.programme.refresh_from_db()
    assert closed_wave().met


def test_lead_edits_thresholds_on_the_transition_page(client_as, world):
    kwargs = world.programme.url_kwargs
    client = client_as("lead")
    page = client.get(reverse("programmes:transition", kwargs=kwargs)).content.decode()
    assert reverse("programmes:gate_settings", kwargs=kwargs) in page
    assert 'name="evaluation.findings__min"' in page
    response = client.post(
        reverse("programmes:gate_settings", kwargs=kwargs),
        {
            "evaluation.closed_wave__min_responses": 0,
            "evaluation.findings__min": 4,
            "evaluation.stakeholder_groups__min": 3,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {"evaluation.findings": {"min": 4}}
    invalid = client.post(
        reverse("programmes:gate_settings", kwargs=kwargs),
        {
            "evaluation.closed_wave__min_responses": 0,
            "evaluation.findings__min": 0,
            "evaluation.stakeholder_groups__min": 3,
        },
    )
    assert invalid.status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", ["member", "stakeholder"])
def test_only_leads_edit_thresholds(client_as, world, role):
    url = reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs)
    response = client_as(role).post(url, {"evaluation.findings__min": 9})
    assert response.status_code == HTTPStatus.FORBIDDEN
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}


def test_the_settings_page_lists_the_thresholds_of_every_phase_current_first(client_as, world):
    response = client_as("lead").get(reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs))
    page = response.content.decode()
    assert [item["phase"] for item in response.context["phase_forms"]] == [
        "evaluation",
        "konzeption",
        "transformation",
    ]
    for name in [
        "evaluation.findings__min",
        "konzeption.selected_measure__min",
        "konzeption.evidence__min_findings",
        "konzeption.operating__min_staff_hours",
        "konzeption.financing__max_gap",
        "transformation.reports__min",
    ]:
        assert f'name="{name}"' in page, name
    assert page.count('name="phase"') == 3


def test_a_lead_sets_the_konzeption_thresholds_in_advance(client_as, world):
    settings_url = reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs)
    data = {
        "phase": "konzeption",
        "konzeption.selected_measure__min": 2,
        "konzeption.evidence__min_findings": 1,
        "konzeption.operating__min_staff_hours": 8,
        "konzeption.financing__max_gap": 0,
    }
    response = client_as("lead").post(settings_url, data)
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == settings_url
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {
        "konzeption.selected_measure": {"min": 2},
        "konzeption.operating": {"min_staff_hours": 8},
    }
    page = client_as("lead").get(settings_url).content.decode()
    assert 'name="konzeption.operating__min_staff_hours" value="8"' in page


def test_an_invalid_konzeption_threshold_shows_its_field_error_and_saves_nothing(client_as, world):
    settings_url = reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs)
    response = client_as("lead").post(
        settings_url,
        {
            "phase": "konzeption",
            "konzeption.selected_measure__min": 0,
            "konzeption.evidence__min_findings": "viele",
            "konzeption.operating__min_staff_hours": 0,
            "konzeption.financing__max_gap": 0,
        },
    )
    assert response.status_code == HTTPStatus.OK
    [bound] = [item["form"] for item in response.context["phase_forms"] if item["phase"] == "konzeption"]
    assert set(bound.errors) == {"konzeption.selected_measure__min", "konzeption.evidence__min_findings"}
    assert (
        'id="id_konzeption_konzeption.selected_measure__min_error" role="alert"' in response.content.decode()
    )
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}


def test_an_unknown_phase_falls_back_to_the_current_one(client_as, world):
    response = client_as("lead").post(
        reverse("programmes:gate_settings", kwargs=world.programme.url_kwargs),
        {
            "phase": "mars",
            "evaluation.closed_wave__min_responses": 0,
            "evaluation.findings__min": 5,
            "evaluation.stakeholder_groups__min": 3,
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {"evaluation.findings": {"min": 5}}


def test_in_konzeption_the_gate_page_and_api_show_its_thresholds(client_as, api_as, world):
    from programmes.models import Phase, Programme

    Programme.objects.filter(pk=world.programme.pk).update(
        phase=Phase.KONZEPTION, gate_settings={"konzeption.financing": {"max_gap": 2500}}
    )
    page = client_as("lead").get(reverse("programmes:transition", kwargs=world.programme.url_kwargs))
    assert 'name="konzeption.financing__max_gap"' in page.content.decode()
    body = api_as("member").get(reverse("api:programme-gate", kwargs={"pk": world.programme.pk})).json()
    gap = next(t for t in body["thresholds"] if t["criterion"] == "konzeption.financing")
    assert (gap["value"], gap["default"]) == (2500, 0)
    label = next(c["label"] for c in body["criteria"] if c["key"] == "konzeption.financing")
    assert "2.500" in label
