"""Risk radar rules of Konzeption: each fires on the warning sign and clears once it is fixed."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from concept import risks, services
from concept.models import Touchpoint
from evaluation import services as evaluation_services
from programmes import services as programme_services
from programmes.models import Phase, Programme


@pytest.fixture(autouse=True)
def in_english():
    """The assertions below read the English texts of the warnings and criteria."""
    with translation.override("en"):
        yield


def subjects(programme, rule):
    return [w.subject for w in rule(programme)]


def test_selected_measure_without_evidence_warns_until_a_finding_has_evidence(world, stages):
    finding = evaluation_services.finding_create(programme=world.programme, statement="Zu wenig Parkplätze")
    measure = services.measure_create(programme=world.programme, title="Parkhaus-App", findings=[finding])
    services.measure_select(measure=measure)

    warnings = list(risks.no_evidence_rule(world.programme))
    assert [w.subject for w in warnings] == [f"measure:{measure.pk}"]
    assert "Parkhaus-App" in warnings[0].title
    assert warnings[0].url.endswith(f"/konzeption/measures/{measure.pk}/")

    evaluation_services.evidence_add(finding=finding, kind="workshop", label="Händlerworkshop")
    assert subjects(world.programme, risks.no_evidence_rule) == []


def test_a_measure_that_is_only_an_idea_raises_no_evidence_warning(world, bare_measure):
    assert subjects(world.programme, risks.no_evidence_rule) == []


def test_provider_chosen_while_in_evaluation_warns_and_clears_after_the_gate(world, measure):
    provider = services.provider_create(measure=measure, name="Smart City GmbH")
    services.feasibility_update(measure=measure, chosen_provider=provider)
    assert world.programme.phase == Phase.EVALUATION

    warnings = list(risks.technology_first_rule(world.programme))
    assert [w.subject for w in warnings] == [f"measure:{measure.pk}"]
    assert "Smart City GmbH" in warnings[0].explanation

    Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.KONZEPTION)
    world.programme.refresh_from_db()
    assert subjects(world.programme, risks.technology_first_rule) == []


def test_provider_chosen_for_a_measure_without_findings_warns(world, bare_measure):
    Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.KONZEPTION)
    world.programme.refresh_from_db()
    provider = services.provider_create(measure=bare_measure, name="App-Agentur")
    services.feasibility_update(measure=bare_measure, chosen_provider=provider)
    assert subjects(world.programme, risks.technology_first_rule) == [f"measure:{bare_measure.pk}"]

    services.feasibility_update(measure=bare_measure, chosen_provider=None)
    assert subjects(world.programme, risks.technology_first_rule) == []


def test_operating_effort_or_content_owner_missing_warns_until_both_are_given(world, measure):
    services.measure_select(measure=measure)
    warnings = list(risks.operating_gap_rule(world.programme))
    assert [w.subject for w in warnings] == [f"measure:{measure.pk}"]
    assert "staff hours" in warnings[0].explanation

    first = warnings[0].fingerprint
    services.feasibility_update(measure=measure, staff_hours_per_month=20)
    warnings = list(risks.operating_gap_rule(world.programme))
    assert "content" in warnings[0].explanation and "staff hours" not in warnings[0].explanation
    # Another gap is another substance: an acknowledgement of the first one does not cover it.
    assert warnings[0].fingerprint != first

    services.feasibility_update(measure=measure, content_maintenance="Stadtmarketing, wöchentlich")
    assert subjects(world.programme, risks.operating_gap_rule) == []


def test_stale_touchpoint_warns_until_its_content_is_updated(world, stages):
    today = timezone.localdate()
    stale = services.touchpoint_create(
        stage=stages[0],
        name="Innenstadt-Website",
        channel="online",
        last_content_update=today - timedelta(days=400),
    )
    services.touchpoint_create(
        stage=stages[0], name="Infotafel", channel="offline", last_content_update=today - timedelta(days=30)
    )
    warnings = list(risks.stale_content_rule(world.programme))
    assert [w.subject for w in warnings] == [f"touchpoint:{stale.pk}"]
    assert warnings[0].url.endswith(f"/touchpoints/{stale.pk}/edit/")

    services.touchpoint_update(touchpoint=stale, last_content_update=today)
    assert subjects(world.programme, risks.stale_content_rule) == []


def test_concept_rules_run_a_fixed_number_of_queries(world, stages, django_assert_max_num_queries):
    finding = evaluation_services.finding_create(programme=world.programme, statement="Befund")
    for i in range(30):
        m = services.measure_create(programme=world.programme, title=f"Maßnahme {i}", findings=[finding])
        services.measure_select(measure=m)
        provider = services.provider_create(measure=m, name=f"Anbieter {i}")
        services.feasibility_update(measure=m, chosen_provider=provider)
        services.touchpoint_create(
            stage=stages[0],
            name=f"TP {i}",
            channel="online",
            last_content_update=timezone.localdate() - timedelta(days=999),
        )
    for _key, rule in risks.RULES:
        with django_assert_max_num_queries(1):
            assert len(list(rule(world.programme))) == 30


def test_a_touchpoint_never_updated_is_stale_and_the_explanation_says_so(world, stages):
    services.touchpoint_create(stage=stages[0], name="Infotafel Markt", channel="offline", owner="Tiefbauamt")
    with translation.override("en"):
        (warning,) = risks.stale_content_rule(world.programme)
        assert warning.title == "No content update recorded: “Infotafel Markt”"
        assert "Nobody has recorded when the content was last checked or updated." in warning.explanation
        assert "Owner: Tiefbauamt." in warning.explanation
        assert "Tiefbauamt" not in warning.public().explanation  # outside the team: no owner
    assert warning.fingerprint == "updated:never"

    touchpoint = Touchpoint.objects.get()
    services.touchpoint_update(touchpoint=touchpoint, last_content_update=timezone.localdate())
    assert subjects(world.programme, risks.stale_content_rule) == []


def test_the_staleness_period_is_set_per_programme(world, stages):
    today = timezone.localdate()
    tp = services.touchpoint_create(
        stage=stages[0], name="Website", channel="online", last_content_update=today - timedelta(days=100)
    )
    assert subjects(world.programme, risks.stale_content_rule) == []
    programme_services.programme_risk_settings_update(
        programme=world.programme, values={risks.STALE_CONTENT: {"days": 90}}
    )
    world.programme.refresh_from_db()
    with translation.override("en"):
        (warning,) = risks.stale_content_rule(world.programme)
        assert "more than 90 days ago" in warning.explanation
    assert warning.subject == f"touchpoint:{tp.pk}"
    # The other programme keeps the default.
    other_stage = services.journey_ensure_defaults(programme=world.other_programme)[0]
    services.touchpoint_create(
        stage=other_stage, name="Website", channel="online", last_content_update=today - timedelta(days=100)
    )
    assert subjects(world.other_programme, risks.stale_content_rule) == []
