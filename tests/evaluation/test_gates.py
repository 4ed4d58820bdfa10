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


def move_to_next_cycle(programme, lead):
    """E → K → T → E with overrides: the programme is in Evaluation of cycle 2."""
    from programmes import services as programme_services

    for _step in range(3):
        programme_services.programme_transition(
            programme=programme, user=lead, rationale="weiter", override=True
        )
    programme.refresh_from_db()
    assert (programme.phase, programme.cycle) == ("evaluation", 2)


def test_in_the_next_cycle_the_gate_waits_for_a_new_wave_and_new_findings(world, survey):
    from datetime import timedelta

    from django.utils import timezone

    from evaluation.models import Evidence, Wave

    programme = world.programme
    services.survey_update(survey=survey, response_target=5)
    add_responses(survey, 5)
    services.survey_close(survey=survey)
    for number in range(3):
        finding = services.finding_create(programme=programme, statement=f"Erkenntnis {number}")
        services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    # Cycle 1 ran two months ago.
    two_months_ago = timezone.localdate() - timedelta(days=60)
    Wave.objects.filter(survey=survey).update(
        starts_on=two_months_ago, ends_on=two_months_ago + timedelta(days=14)
    )
    Evidence.objects.update(created_at=timezone.now() - timedelta(days=60))
    criteria = results(programme)
    assert criteria["evaluation.closed_wave"].met and criteria["evaluation.findings"].met

    move_to_next_cycle(programme, world.user("lead"))
    criteria = results(programme)
    assert not criteria["evaluation.closed_wave"].met
    assert (
        criteria["evaluation.closed_wave"].detail
        == "no closed wave in cycle 2 yet: repeat a survey as a new wave"
    )
    assert criteria["evaluation.closed_wave"].url.endswith("/evaluation/#repeat-surveys")
    assert not criteria["evaluation.findings"].met
    assert criteria["evaluation.findings"].detail == "0 findings with evidence added in cycle 2"

    services.wave_start(survey=survey, label="Cycle 2")
    add_responses(survey, 4, seed=2)
    services.survey_close(survey=survey)
    assert not results(programme)["evaluation.closed_wave"].met  # 4 of 5: below the target
    services.wave_start(survey=survey, label="Cycle 2, second try")
    add_responses(survey, 5, seed=3)
    services.survey_close(survey=survey)
    assert results(programme)["evaluation.closed_wave"].met

    old = programme.findings.first()
    services.evidence_add(finding=old, kind="url", label="Neue Welle bestätigt", url="https://example.org/2")
    for number in range(2):
        finding = services.finding_create(programme=programme, statement=f"Neu {number}")
        assert not results(programme)["evaluation.findings"].met
        services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    criteria = results(programme)
    assert criteria["evaluation.findings"].met  # an old finding confirmed anew counts, with two new ones
    assert criteria["evaluation.findings"].detail == "3 findings with evidence added in cycle 2"


def test_stakeholder_groups_and_the_vision_carry_over_to_the_next_cycle(world):
    programme = world.programme
    for group in (StakeholderGroup.BUSINESS, StakeholderGroup.POLITICS, StakeholderGroup.SCIENCE):
        StakeholderFactory(programme=programme, group=group)
    programme.vision = "Die Innenstadt ist digital erlebbar."
    programme.save()
    move_to_next_cycle(programme, world.user("lead"))
    criteria = results(programme)
    assert criteria["evaluation.stakeholder_groups"].met and criteria["evaluation.vision"].met


def test_the_evaluation_gate_runs_a_fixed_number_of_queries_in_a_later_cycle(
    world, survey, django_assert_max_num_queries
):
    from programmes.gates import gate_registry as registry

    move_to_next_cycle(world.programme, world.user("lead"))
    for _wave in range(5):
        services.wave_start(survey=survey)
    with django_assert_max_num_queries(6):
        for _key, criterion in registry.criteria_for("evaluation"):
            criterion(world.programme)


def test_after_t_to_e_a_lead_repeats_a_survey_as_a_new_wave_in_one_step(client_as, world, survey):
    from http import HTTPStatus

    from django.urls import reverse

    from evaluation.models import Wave

    programme = world.programme
    services.survey_close(survey=survey)
    Wave.objects.filter(survey=survey).update(starts_on="2025-01-10", ends_on="2025-02-10")
    detail_url = reverse("programmes:detail", kwargs=programme.url_kwargs)
    overview_url = reverse("programmes:evaluation", kwargs=programme.url_kwargs)
    assert 'id="next-cycle"' not in client_as("lead").get(detail_url).text  # cycle 1: nothing to repeat

    move_to_next_cycle(programme, world.user("lead"))
    page = client_as("lead").get(detail_url).text
    assert 'id="next-cycle"' in page and f'href="{overview_url}#repeat-surveys"' in page
    gate = client_as("lead").get(reverse("programmes:transition", kwargs=programme.url_kwargs)).text
    assert f"{overview_url}#repeat-surveys" in gate  # the unmet wave criterion leads there too

    overview = client_as("lead").get(overview_url).text
    start_url = reverse(
        "programmes:evaluation:wave_start", kwargs={**programme.url_kwargs, "survey": survey.pk}
    )
    assert 'id="repeat-surveys"' in overview and f'action="{start_url}"' in overview
    assert f'action="{start_url}"' not in client_as("stakeholder").get(overview_url).text  # only read

    response = client_as("lead").post(start_url, {"label": "Cycle 2"})
    assert response.status_code == HTTPStatus.FOUND
    wave = survey.waves.order_by("-number").first()
    assert (wave.number, wave.label, wave.status) == (2, "Cycle 2", Wave.Status.OPEN)
    assert 'id="repeat-surveys"' not in client_as("lead").get(overview_url).text  # repeated: off the list
