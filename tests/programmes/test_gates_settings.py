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
