"""Risk radar rules of Transformation: each fires on the warning sign and clears once it is fixed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from concept import services as concept_services
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation import risks, services
from transformation.models import KPI, BusinessCase


@pytest.fixture(autouse=True)
def in_english():
    """The assertions below read the English texts of the warnings and criteria."""
    with translation.override("en"):
        yield


def subjects(programme, rule):
    return [w.subject for w in rule(programme)]


def test_business_case_without_running_costs_warns_until_a_running_line_is_added(world, case):
    warnings = list(risks.running_costs_rule(world.programme))
    assert [w.subject for w in warnings] == [f"case:{case.pk}"]
    assert warnings[0].url.endswith(f"/cases/{case.pk}/")

    services.line_add(
        case=case,
        side="cost",
        kind="running",
        category="staff",
        year=1,
        amount=Decimal("5000"),
        label="Pflege",
    )
    assert subjects(world.programme, risks.running_costs_rule) == []


def test_only_the_newest_version_of_a_case_counts(world, case):
    services.line_add(
        case=case,
        side="cost",
        kind="running",
        category="staff",
        year=1,
        amount=Decimal("5000"),
        label="Pflege",
    )
    lead = world.user("lead")
    services.business_case_update(case=case, recommendation="go", recommendation_reason="Rechnet sich.")
    services.business_case_approve(case=case, user=lead)
    newer = services.business_case_new_version(case=case)
    newer.cost_lines.filter(kind="running").delete()
    assert subjects(world.programme, risks.running_costs_rule) == [f"case:{newer.pk}"]


def _negative_case(world, measure):
    case = services.business_case_create(
        programme=world.programme,
        measure=measure,
        horizon_years=3,
        price_basis_year=2026,
        title="Schaufenster",
    )
    services.line_add(
        case=case,
        side="cost",
        kind="investment",
        category="hardware",
        year=0,
        amount=Decimal("50000"),
        label="Technik",
    )
    services.line_add(
        case=case, side="benefit", kind="savings", year=1, amount=Decimal("1000"), label="Wenig"
    )
    return case


def test_negative_npv_without_justification_warns_until_a_reason_is_given(world, measure):
    case = _negative_case(world, measure)
    warnings = list(risks.negative_npv_rule(world.programme))
    assert [w.subject for w in warnings] == [f"case:{case.pk}"]
    assert "-49" in warnings[0].explanation

    services.criterion_add(case=case, catalogue="urgency", name="Leerstand", weight=1, score=9)
    services.business_case_update(
        case=case,
        recommendation="conditional",
        recommendation_reason="Dringlichkeit 90 Punkte: Leerstand droht.",
    )
    assert subjects(world.programme, risks.negative_npv_rule) == []


def test_negative_npv_with_a_no_go_is_no_risk(world, measure):
    case = _negative_case(world, measure)
    BusinessCase.objects.filter(pk=case.pk).update(recommendation="no_go")
    assert subjects(world.programme, risks.negative_npv_rule) == []


def test_positive_npv_is_no_risk(world, case):
    assert subjects(world.programme, risks.negative_npv_rule) == []


def test_no_quick_win_within_90_days_of_the_start_warns_until_one_is_planned(world, measure):
    concept_services.measure_start_implementation(measure=measure)
    start = timezone.localdate() - timedelta(days=10)
    services.milestone_create(
        measure=measure, title="Ausschreibung", start=start, due=start + timedelta(days=200)
    )
    warnings = list(risks.no_quick_win_rule(world.programme))
    assert [w.subject for w in warnings] == [f"measure:{measure.pk}"]
    assert warnings[0].url.endswith(f"/plan/{measure.pk}/")

    late = services.milestone_create(
        measure=measure, title="Spät", start=start, due=start + timedelta(days=120), quick_win=True
    )
    assert subjects(world.programme, risks.no_quick_win_rule) == [f"measure:{measure.pk}"]

    services.milestone_update(milestone=late, due=start + timedelta(days=60))
    assert subjects(world.programme, risks.no_quick_win_rule) == []


def test_kpi_without_data_for_two_periods_warns_until_a_new_value_arrives(world):
    today = timezone.localdate()
    kpi = KPIFactory(programme=world.programme, frequency=KPI.Frequency.MONTHLY, code="FREQ")
    MeasurementFactory(
        kpi=kpi, period_start=today - timedelta(days=100), period_end=today - timedelta(days=70)
    )
    warnings = list(risks.kpi_no_data_rule(world.programme))
    assert [w.subject for w in warnings] == [f"kpi:{kpi.pk}"]
    assert "FREQ" in warnings[0].title

    MeasurementFactory(kpi=kpi, period_start=today - timedelta(days=30), period_end=today - timedelta(days=1))
    assert subjects(world.programme, risks.kpi_no_data_rule) == []


def test_yearly_kpi_measured_last_year_is_fine(world):
    today = timezone.localdate()
    kpi = KPIFactory(programme=world.programme, frequency=KPI.Frequency.YEARLY)
    MeasurementFactory(
        kpi=kpi, period_start=today - timedelta(days=400), period_end=today - timedelta(days=300)
    )
    assert subjects(world.programme, risks.kpi_no_data_rule) == []


def test_new_kpi_without_values_is_not_yet_a_risk_but_an_old_one_is(world):
    kpi = KPIFactory(programme=world.programme, frequency=KPI.Frequency.WEEKLY)
    assert subjects(world.programme, risks.kpi_no_data_rule) == []
    KPI.objects.filter(pk=kpi.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert subjects(world.programme, risks.kpi_no_data_rule) == [f"kpi:{kpi.pk}"]


def test_transformation_rules_run_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for i in range(12):
        finding_measure = concept_services.measure_create(programme=world.programme, title=f"M{i}")
        finding_measure.status = "implementation"
        finding_measure.save(update_fields=["status"])
        case = services.business_case_create(
            programme=world.programme,
            measure=finding_measure,
            horizon_years=2,
            price_basis_year=2026,
            title=f"C{i}",
        )
        services.line_add(
            case=case,
            side="cost",
            kind="investment",
            category="other",
            year=0,
            amount=Decimal("900"),
            label="I",
        )
        services.milestone_create(
            measure=finding_measure, title="A", start=date(2026, 1, 1), due=date(2026, 12, 1)
        )
        kpi = KPIFactory(programme=world.programme)
        MeasurementFactory(kpi=kpi, period_start=date(2024, 1, 1), period_end=date(2024, 1, 31))
    limits = {risks.NEGATIVE_NPV: 3, risks.NO_QUICK_WIN: 2}
    for key, rule in risks.RULES:
        with django_assert_max_num_queries(limits.get(key, 1)):
            assert len(list(rule(world.programme))) == 12


def test_a_kpi_that_goes_stale_again_is_a_new_warning_for_its_acknowledgement(world):
    from programmes.risks import risk_acknowledge, risk_warnings

    today = timezone.localdate()
    kpi = KPIFactory(programme=world.programme, frequency=KPI.Frequency.MONTHLY, code="FREQ")
    MeasurementFactory(
        kpi=kpi, period_start=today - timedelta(days=130), period_end=today - timedelta(days=100)
    )
    risk_acknowledge(
        programme=world.programme,
        rule=risks.KPI_NO_DATA,
        subject=f"kpi:{kpi.pk}",
        note="Zählung pausiert während der Baustelle",
        user=world.user("lead"),
    )
    [before] = [w for w in risk_warnings(world.programme) if w.rule == risks.KPI_NO_DATA]
    assert before.acknowledged

    # A value arrives (cleared) and is already two periods old again when the radar is next looked at.
    MeasurementFactory(
        kpi=kpi, period_start=today - timedelta(days=99), period_end=today - timedelta(days=70)
    )
    [after] = [w for w in risk_warnings(world.programme) if w.rule == risks.KPI_NO_DATA]
    assert after.fingerprint != before.fingerprint
    assert not after.acknowledged
    assert after.lapsed_acknowledgement.note == "Zählung pausiert während der Baustelle"
