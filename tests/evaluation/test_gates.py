import pytest

from evaluation import services
from programmes.gates import gate_registry
from programmes.models import StakeholderGroup
from tests.evaluation.factories import add_responses
from tests.programmes.factories import StakeholderFactory

pytestmark = pytest.mark.django_db


def results(programme):
    return {result.key: result for result in gate_registry.evaluate(programme)}


def test_criteria_are_registered_and_unmet_for_a_new_programme(world):
    criteria = results(world.programme)
    assert set(criteria) >= {
        "evaluation.closed_wave",
        "evaluation.findings",
        "evaluation.stakeholder_groups",
        "evaluation.vision",
    }
    assert not any(criteria[key].met for key in criteria if key.startswith("evaluation."))
    assert all(criteria[key].url for key in criteria if key.startswith("evaluation."))


def test_criteria_met(world, survey):
    programme = world.programme
    services.survey_update(survey=survey, response_target=5)
    add_responses(survey, 5)
    assert not results(programme)["evaluation.closed_wave"].met  # still open
    services.survey_close(survey=survey)
    assert results(programme)["evaluation.closed_wave"].met
    for number in range(3):
        finding = services.finding_create(programme=programme, statement=f"Erkenntnis {number}")
        services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    services.finding_create(programme=programme, statement="ohne Beleg")
    assert results(programme)["evaluation.findings"].met
    for group in (StakeholderGroup.BUSINESS, StakeholderGroup.POLITICS, StakeholderGroup.SCIENCE):
        StakeholderFactory(programme=programme, group=group)
    assert results(programme)["evaluation.stakeholder_groups"].met
    programme.vision = "Die Innenstadt ist digital erlebbar."
    programme.save()
    assert results(programme)["evaluation.vision"].met
    assert "5 of 5" in results(programme)["evaluation.closed_wave"].detail


def test_counts_in_the_details_agree_with_their_number_in_german(world):
    """One finding is "1 Erkenntnis", two are "2 Erkenntnisse": the details use plural forms, not "findings: 1"."""
    from django.utils import translation

    programme = world.programme
    finding = services.finding_create(programme=programme, statement="Parken ist schwierig")
    services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    StakeholderFactory(programme=programme, group=StakeholderGroup.BUSINESS)
    with translation.override("de"):
        criteria = results(programme)
        assert criteria["evaluation.findings"].detail == "1 Erkenntnis mit Beleg"
        assert criteria["evaluation.stakeholder_groups"].detail == "1 Gruppe abgedeckt"
    second = services.finding_create(programme=programme, statement="Zu wenig Bänke")
    services.evidence_add(finding=second, kind="url", label="Beleg", url="https://example.org")
    with translation.override("de"):
        assert results(programme)["evaluation.findings"].detail == "2 Erkenntnisse mit Beleg"
    with translation.override("en"):
        assert results(programme)["evaluation.findings"].detail == "2 findings with evidence"
