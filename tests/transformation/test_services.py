from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from concept import services as concept_services
from transformation import finance, selectors, services
from transformation.models import BusinessCase, CostLine, Milestone


def figures(case):
    case = selectors.business_case_with_lines(BusinessCase.objects.filter(pk=case.pk)).get()
    return selectors.case_figures(case)


def test_case_figures_match_the_worked_example(case):
    base = figures(case)["base"].figures
    assert finance.cents(base.npv) == Decimal("41403.79")
    assert base.roi == Decimal("0.5")
    pessimistic = figures(case)["pessimistic"].figures
    assert pessimistic.npv < base.npv < figures(case)["optimistic"].figures.npv


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("discount_rate", Decimal("0.31")),
        ("discount_rate", Decimal("-0.01")),
        ("horizon_years", 0),
        ("horizon_years", 16),
    ],
)
def test_rate_and_horizon_are_bounded(case, field, value):
    with pytest.raises(ValidationError) as error:
        services.business_case_update(case=case, **{field: value})
    assert field in error.value.message_dict


def test_line_beyond_the_horizon_is_refused(case):
    with pytest.raises(ValidationError) as error:
        services.line_add(case=case, side="cost", kind="running", year=6, amount=Decimal("1"), label="x")
    assert "year" in error.value.message_dict


def test_non_numeric_amount_is_refused(case):
    with pytest.raises(ValidationError) as error:
        services.line_add(case=case, side="benefit", kind="savings", year=1, amount="viel", label="x")
    assert "amount" in error.value.message_dict


def test_shrinking_the_horizon_below_a_line_is_refused(case):
    with pytest.raises(ValidationError) as error:
        services.business_case_update(case=case, horizon_years=3)
    assert "horizon_years" in error.value.message_dict


def test_negative_npv_go_needs_reason_and_appraisal(world, measure):
    case = services.business_case_create(programme=world.programme, measure=measure, price_basis_year=2026)
    services.line_add(case=case, side="cost", kind="investment", year=0, amount=Decimal("50000"), label="x")
    with pytest.raises(ValidationError) as error:
        services.business_case_update(case=case, recommendation="go")
    assert {"recommendation", "recommendation_reason"} <= set(error.value.message_dict)
    services.criterion_add(case=case, catalogue="urgency", name="Rechtliche Pflicht", weight=2, score=9)
    services.business_case_update(
        case=case, recommendation="go", recommendation_reason="Dringlichkeit 90 Punkte: gesetzliche Pflicht."
    )
    assert selectors.appraisal_points(case)["urgency"] == Decimal("90.0")


def test_approve_freezes_and_new_version_copies(case, world):
    services.business_case_update(case=case, recommendation="go", recommendation_reason="positiv")
    services.business_case_approve(case=case, user=world.user("lead"))
    case.refresh_from_db()
    assert case.is_approved and case.approved_by == world.user("lead")
    assert finance.cents(Decimal(case.snapshot["scenarios"]["base"]["npv"])) == Decimal("41403.79")
    with pytest.raises(services.ConflictError):
        services.business_case_update(case=case, title="neu")
    with pytest.raises(services.ConflictError):
        services.line_add(case=case, side="benefit", kind="revenue", year=1, amount=Decimal("1"), label="x")
    with pytest.raises(services.ConflictError):
        services.line_delete(line=case.cost_lines.get())
    draft = services.business_case_new_version(case=case)
    assert draft.version == 2 and draft.status == "draft" and draft.previous == case
    assert draft.cost_lines.count() == 1 and draft.benefit_lines.count() == 5
    assert [v.version for v in selectors.case_versions(case)] == [2, 1]
    with pytest.raises(services.ConflictError):
        services.business_case_new_version(case=case)


def test_approve_needs_a_recommendation(case, world):
    with pytest.raises(ValidationError):
        services.business_case_approve(case=case, user=world.user("lead"))


def test_take_over_from_feasibility(world, measure):
    concept_services.feasibility_update(measure=measure, running_costs_per_year=Decimal("12000"))
    concept_services.funding_source_add(
        measure=measure, kind="grant", name="Förderung", year=2026, amount=Decimal("60000")
    )
    case = services.business_case_create(
        programme=world.programme, measure=measure, horizon_years=3, price_basis_year=2026
    )
    services.business_case_take_over_feasibility(case=case)
    assert list(case.cost_lines.values_list("kind", "year", "amount")) == [
        ("investment", 0, Decimal("100000.00")),
        ("running", 1, Decimal("12000.00")),
        ("running", 2, Decimal("12000.00")),
        ("running", 3, Decimal("12000.00")),
    ]
    assert case.funding_lines.get().amount == Decimal("60000")
    share = figures(case)["base"].funding_share
    assert share.quantize(Decimal("0.0001")) == Decimal("0.4412")


def test_rollup_totals(world, case):
    totals = selectors.programme_rollup(world.programme)
    assert totals["costs"] == Decimal("100000") and totals["benefits"] == Decimal("150000")


def test_sensitivity_names_the_investment(case):
    case = selectors.business_case_with_lines(BusinessCase.objects.filter(pk=case.pk)).get()
    rows = selectors.case_sensitivity(case)
    assert isinstance(rows[0]["line"], CostLine)


def test_milestones_need_implementation_and_no_cycles(measure):
    today = date.today()
    with pytest.raises(ValidationError):
        services.milestone_create(measure=measure, title="x", start=today, due=today)
    services.measure_start_implementation(measure=measure)
    first = services.milestone_create(measure=measure, title="A", start=today, due=today + timedelta(days=10))
    second = services.milestone_create(
        measure=measure, title="B", start=today, due=today + timedelta(days=20), depends_on=first
    )
    with pytest.raises(ValidationError) as error:
        services.milestone_update(milestone=first, depends_on=second)
    assert "depends_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.milestone_create(measure=measure, title="C", start=today, due=today - timedelta(days=1))
    milestones = selectors.milestones_for(measure)
    assert selectors.quick_win_warning(milestones)
    services.milestone_update(milestone=second, quick_win=True)
    assert not selectors.quick_win_warning(selectors.milestones_for(measure))
    assert selectors.milestones_for(measure)[0].title == "B"
    overdue = services.milestone_create(
        measure=measure, title="alt", start=today - timedelta(days=30), due=today - timedelta(days=1)
    )
    assert overdue.is_overdue and overdue.status == Milestone.Status.PLANNED
    stages = services.default_rollout(measure=measure, start=today)
    assert len(stages) == 3
    assert selectors.measure_timeline(measure)["rows"]
