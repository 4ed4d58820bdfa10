"""Reads of Transformation: figures of a business case, list and roll-up, the implementation plan."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from concept.models import Measure
from programmes.models import Programme

from . import finance
from .models import (
    SCENARIOS,
    AppraisalCriterion,
    BenefitLine,
    BusinessCase,
    CostLine,
    FundingLine,
    Milestone,
    RolloutStage,
)

ZERO = Decimal("0")
QUICK_WIN_WINDOW_DAYS = 90
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _sum_of(model, **filters):
    return Coalesce(
        Subquery(
            model.objects.filter(case=OuterRef("pk"), **filters)
            .order_by()
            .values("case")
            .annotate(total=Sum("amount"))
            .values("total")[:1],
            output_field=MONEY,
        ),
        Value(ZERO, output_field=MONEY),
    )


def business_cases_for(programme: Programme) -> QuerySet[BusinessCase]:
    """The programme's cases with undiscounted totals computed in the database."""
    return (
        BusinessCase.objects.filter(programme=programme)
        .select_related("measure", "approved_by")
        .annotate(
            total_costs=_sum_of(CostLine),
            total_benefits=_sum_of(BenefitLine),
            total_funding=_sum_of(FundingLine),
        )
        .order_by("title", "-version", "id")
    )


def programme_rollup(programme: Programme) -> dict[str, Decimal]:
    """Undiscounted totals over the newest version of each case series (cases without a successor)."""
    latest = BusinessCase.objects.filter(programme=programme, next_version__isnull=True)
    totals = {}
    for key, model in (("costs", CostLine), ("benefits", BenefitLine), ("funding", FundingLine)):
        totals[key] = model.objects.filter(case__in=latest).aggregate(
            total=Coalesce(Sum("amount"), Value(ZERO, output_field=MONEY))
        )["total"]
    totals["net"] = totals["benefits"] - totals["costs"]
    return totals


def business_case_with_lines(queryset: QuerySet[BusinessCase]) -> QuerySet[BusinessCase]:
    return queryset.select_related("measure", "approved_by", "programme").prefetch_related(
        "cost_lines",
        "benefit_lines",
        "funding_lines",
        Prefetch("criteria", queryset=AppraisalCriterion.objects.all()),
    )


def yearly_series(case: BusinessCase) -> tuple[list[Decimal], list[Decimal], list[Decimal]]:
    """costs, benefits and funding per year t = 0..horizon (uses prefetched lines when present)."""
    length = case.horizon_years + 1
    series = {
        "cost_lines": [ZERO] * length,
        "benefit_lines": [ZERO] * length,
        "funding_lines": [ZERO] * length,
    }
    for relation, values in series.items():
        for line in getattr(case, relation).all():
            if line.year < length:
                values[line.year] += line.amount
    return series["cost_lines"], series["benefit_lines"], series["funding_lines"]


@dataclass
class ScenarioResult:
    key: str
    label: str
    cost_factor: Decimal
    benefit_factor: Decimal
    figures: finance.Figures
    funding_share: Decimal | None


def case_figures(case: BusinessCase) -> dict[str, ScenarioResult]:
    """The figures of every scenario (pessimistic, base, optimistic)."""
    costs, benefits, funding = yearly_series(case)
    factors = case.scenario_factors()
    results = {}
    for key, label in SCENARIOS:
        cost_factor, benefit_factor = factors[key]
        figures = finance.scenario_figures(
            costs, benefits, case.discount_rate, cost_factor=cost_factor, benefit_factor=benefit_factor
        )
        results[key] = ScenarioResult(
            key=key,
            label=str(label),
            cost_factor=cost_factor,
            benefit_factor=benefit_factor,
            figures=figures,
            funding_share=finance.funding_share(sum(funding, ZERO), finance.scale(costs, cost_factor)),
        )
    return results


def base_npv(case: BusinessCase) -> Decimal:
    costs, benefits, _funding = yearly_series(case)
    return finance.npv(costs, benefits, case.discount_rate)


def appraisal_points(case: BusinessCase) -> dict[str, Decimal | None]:
    """Points 0–100 per WiBe catalogue: Σ weight · score / Σ weight × 10; None when nothing is scored."""
    totals: dict[str, list[int]] = {key: [0, 0] for key in AppraisalCriterion.Catalogue.values}
    for criterion in case.criteria.all():
        totals[criterion.catalogue][0] += criterion.weight * criterion.score
        totals[criterion.catalogue][1] += criterion.weight
    return {
        key: (Decimal(weighted * 10) / Decimal(weights)).quantize(Decimal("0.1")) if weights else None
        for key, (weighted, weights) in totals.items()
    }


def case_sensitivity(case: BusinessCase, delta: Decimal = Decimal("0.1")) -> list[dict]:
    """Each line moved alone by ±delta, the line that moves the NPV most first."""
    lines = [
        (line, "cost", _at_year(line)) for line in case.cost_lines.all() if line.year <= case.horizon_years
    ]
    lines += [
        (line, "benefit", _at_year(line))
        for line in case.benefit_lines.all()
        if line.year <= case.horizon_years
    ]
    impacts = finance.sensitivity(lines, case.discount_rate, horizon=case.horizon_years, delta=delta)
    return [
        {"line": impact.key, "npv_low": impact.npv_low, "npv_high": impact.npv_high, "swing": impact.swing}
        for impact in impacts
    ]


def _at_year(line) -> list[Decimal]:
    return [ZERO] * line.year + [line.amount]


def case_versions(case: BusinessCase) -> list[BusinessCase]:
    """Every version of the case's series, newest first."""
    first = case
    while first.previous_id:
        first = first.previous
    versions = [first]
    while True:
        following = BusinessCase.objects.filter(previous=versions[-1]).select_related("approved_by").first()
        if following is None:
            break
        versions.append(following)
    return list(reversed(versions))


# --- Implementation plan ---------------------------------------------------------------------------------


def milestones_for(measure: Measure) -> list[Milestone]:
    """Quick wins first, then by due date."""
    return list(
        Milestone.objects.filter(measure=measure)
        .select_related("depends_on")
        .order_by("-quick_win", "due", "id")
    )


def quick_win_warning(milestones: list[Milestone], today: date | None = None) -> bool:
    """True when no open quick win is due within QUICK_WIN_WINDOW_DAYS (first successes must be visible)."""
    today = today or timezone.localdate()
    window = today + timedelta(days=QUICK_WIN_WINDOW_DAYS)
    return not any(m.quick_win and (m.status == Milestone.Status.DONE or m.due <= window) for m in milestones)


TIMELINE_STEPS = 20  # CSS classes tl-0 … tl-20 (5 % each): no inline styles under the CSP


@dataclass
class TimelineRow:
    item: object
    kind: str
    offset: int
    width: int


def timeline(items: list[tuple[str, object, date, date]]) -> dict:
    """Place (kind, item, start, end) bars on a scale of TIMELINE_STEPS steps between the first and last date."""
    if not items:
        return {"rows": [], "start": None, "end": None}
    start = min(i[2] for i in items)
    end = max(i[3] for i in items)
    span = max((end - start).days, 1)
    rows = []
    for kind, item, first, last in items:
        offset = round((first - start).days * TIMELINE_STEPS / span)
        width = max(1, round((last - first).days * TIMELINE_STEPS / span))
        width = min(width, TIMELINE_STEPS - offset) or 1
        offset = min(offset, TIMELINE_STEPS - 1)
        rows.append(TimelineRow(item=item, kind=kind, offset=offset, width=width))
    return {"rows": rows, "start": start, "end": end}


def measure_timeline(measure: Measure, milestones: list[Milestone] | None = None) -> dict:
    milestones = milestones if milestones is not None else milestones_for(measure)
    items = [("milestone", m, m.start, m.due) for m in milestones]
    items += [("rollout", r, r.date, r.date) for r in measure.rollout_stages.all()]
    return timeline(items)


def programme_timeline(programme: Programme) -> dict:
    milestones = (
        Milestone.objects.filter(measure__programme=programme)
        .select_related("measure")
        .order_by("start", "id")
    )
    stages = (
        RolloutStage.objects.filter(measure__programme=programme)
        .select_related("measure")
        .order_by("date", "id")
    )
    items = [("milestone", m, m.start, m.due) for m in milestones]
    items += [("rollout", r, r.date, r.date) for r in stages]
    return timeline(items)
