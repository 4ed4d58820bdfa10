"""The T → E gate: KPIs of implemented measures, reports sent, a retrospective of the cycle; and the next cycle."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from concept import services as concept_services
from evaluation import services as evaluation_services
from evaluation.models import Wave
from programmes import services as programme_services
from programmes.gates import gate_registry
from programmes.models import Phase, Programme
from tests.evaluation.factories import add_responses, make_survey
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation import gates, retrospectives
from transformation.models import KPITarget, Report, Retrospective


@pytest.fixture(autouse=True)
def in_english():
    """The assertions below read the English texts of the warnings and criteria."""
    with translation.override("en"):
        yield


@pytest.fixture
def in_transformation(world):
    Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.TRANSFORMATION)
    world.programme.refresh_from_db()
    return world.programme


@pytest.fixture
def implemented(world, measure):
    concept_services.measure_start_implementation(measure=measure)
    return measure


def by_key(programme):
    return {r.key: r for r in programme_services.gate_evaluate(programme=programme)}


def sent_report(programme, **extra):
    return Report.objects.create(
        programme=programme,
        title="Monatsbericht",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status=Report.Status.SENT,
        sent_at=extra.pop("sent_at", timezone.now()),
        **extra,
    )


def test_transformation_gate_lists_the_three_criteria(in_transformation):
    assert list(by_key(in_transformation)) == [gates.KPIS, gates.REPORTS, gates.RETROSPECTIVE]


def test_kpi_criterion_needs_baseline_target_and_a_measurement_for_every_implemented_measure(
    in_transformation, implemented
):
    result = by_key(in_transformation)[gates.KPIS]
    assert not result.met and "Parkleitsystem" in result.detail and result.url

    kpi = KPIFactory(programme=in_transformation, baseline_value=Decimal("100"))
    kpi.measures.add(implemented)
    assert not by_key(in_transformation)[gates.KPIS].met  # no target, no measurement yet
    KPITarget.objects.create(kpi=kpi, value=Decimal("120"), date=date(2027, 12, 31))
    assert not by_key(in_transformation)[gates.KPIS].met
    MeasurementFactory(kpi=kpi)
    result = by_key(in_transformation)[gates.KPIS]
    assert result.met and result.detail == "1 measure in implementation"


def test_kpi_criterion_is_unmet_without_any_measure_in_implementation(in_transformation):
    result = by_key(in_transformation)[gates.KPIS]
    assert not result.met and "no measure in implementation" in result.detail


def test_reports_criterion_counts_sent_reports_against_the_programme_threshold(in_transformation):
    assert not by_key(in_transformation)[gates.REPORTS].met
    sent_report(in_transformation)
    assert by_key(in_transformation)[gates.REPORTS].met

    programme_services.programme_gate_settings_update(
        programme=in_transformation, values={gates.REPORTS: {"min": 2}}
    )
    in_transformation.refresh_from_db()
    result = by_key(in_transformation)[gates.REPORTS]
    assert not result.met and result.detail == "1 report sent"
    assert gate_registry.threshold(in_transformation, gates.REPORTS, "min") == 2


def test_reports_of_an_earlier_cycle_do_not_count(in_transformation, world):
    sent_report(in_transformation, sent_at=timezone.now() - timedelta(days=400))
    Programme.objects.filter(pk=in_transformation.pk).update(cycle=2)
    in_transformation.refresh_from_db()
    in_transformation.transitions.create(
        from_phase=Phase.TRANSFORMATION,
        to_phase=Phase.EVALUATION,
        cycle=1,
        rationale="Zyklus 1 abgeschlossen",
        decided_at=timezone.now() - timedelta(days=100),
    )
    assert not by_key(in_transformation)[gates.REPORTS].met


def test_retrospective_criterion_needs_one_for_the_current_cycle(in_transformation, world):
    result = by_key(in_transformation)[gates.RETROSPECTIVE]
    assert not result.met and result.url.endswith("/retrospectives/new/")
    retro = retrospectives.retrospective_create(
        programme=in_transformation,
        created_by=world.user("lead"),
        held_on=date(2026, 11, 20),
        went_well="Parkleitsystem läuft",
        to_improve="Datenlieferung",
        decision=Retrospective.Decision.SCALE,
    )
    result = by_key(in_transformation)[gates.RETROSPECTIVE]
    assert result.met and result.url.endswith(f"/retrospectives/{retro.pk}/edit/")
    Retrospective.objects.filter(pk=retro.pk).update(cycle=0 + 5)
    assert not by_key(in_transformation)[gates.RETROSPECTIVE].met


def test_transformation_gate_runs_a_fixed_number_of_queries(in_transformation, django_assert_max_num_queries):
    for i in range(40):
        measure = concept_services.measure_create(programme=in_transformation, title=f"M{i}")
        measure.status = "implementation"
        measure.save(update_fields=["status"])
        kpi = KPIFactory(programme=in_transformation)
        kpi.measures.add(measure)
        MeasurementFactory(kpi=kpi)
    with django_assert_max_num_queries(5):
        results = programme_services.gate_evaluate(programme=in_transformation)
    assert len(results) == 3


def test_t_to_e_starts_the_next_cycle_and_offers_surveys_as_new_waves(client_as, world, in_transformation):
    survey = make_survey(in_transformation, title="Besucherbefragung 2026", response_target=2)
    add_responses(survey, 2)
    evaluation_services.survey_close(survey=survey)
    Wave.objects.filter(survey=survey).update(starts_on=timezone.localdate() - timedelta(days=200))
    overview = reverse("programmes:evaluation", kwargs=in_transformation.url_kwargs)
    client = client_as("lead")
    assert 'id="repeat-surveys"' not in client.get(overview).content.decode()  # not offered in cycle 1

    transition = programme_services.programme_transition(
        programme=in_transformation, user=world.user("lead"), rationale="Zyklus abgeschlossen", override=True
    )
    in_transformation.refresh_from_db()
    assert (transition.to_phase, in_transformation.phase, in_transformation.cycle) == (
        Phase.EVALUATION,
        Phase.EVALUATION,
        2,
    )
    page = client.get(overview).content.decode()
    assert 'id="repeat-surveys"' in page and "Besucherbefragung 2026" in page
    assert '<input type="hidden" name="label"' in page

    response = client.post(
        reverse(
            "programmes:evaluation:wave_start", kwargs={**in_transformation.url_kwargs, "survey": survey.pk}
        ),
        {"label": "Zyklus 2"},
    )
    assert response.status_code == 302
    newest = survey.waves.order_by("-number").first()
    assert (newest.number, newest.label, newest.status) == (2, "Zyklus 2", Wave.Status.OPEN)
    assert 'id="repeat-surveys"' not in client.get(overview).content.decode()


def test_repeat_offer_is_for_editors_only(client_as, world, in_transformation):
    survey = make_survey(in_transformation, title="Besucherbefragung 2026")
    Wave.objects.filter(survey=survey).update(starts_on=timezone.localdate() - timedelta(days=200))
    programme_services.programme_transition(
        programme=in_transformation, user=world.user("lead"), rationale="weiter", override=True
    )
    overview = reverse("programmes:evaluation", kwargs=in_transformation.url_kwargs)
    page = client_as("stakeholder").get(overview).content.decode()
    assert (
        "Besucherbefragung 2026" in page and "Repeat as new wave" not in page and "Als neue Welle" not in page
    )
