"""Risk radar rules of Konzeption: each fires on the warning sign and clears once it is fixed."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from concept import risks, services
from evaluation import services as evaluation_services
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
