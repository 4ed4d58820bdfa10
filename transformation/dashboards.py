"""Reads for the programme dashboard, the stakeholder view and the portfolio columns of Transformation.

Everything here runs a fixed number of queries whatever the number of KPIs, measurements, milestones, cases
or programmes (the KPI figures come from ``kpis.kpi_summaries``, which promises the same).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Q, When
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from programmes.gates import CriterionResult, gate_registry
from programmes.models import PHASE_ORDER, Phase, Programme
from programmes.risks import RiskWarning, risk_warnings

from . import selectors
from .kpis import KpiStatus, KpiSummary, kpi_summaries
from .models import BusinessCase, CostLine, Milestone

ZERO = Decimal("0")
STATUS_ORDER = [KpiStatus.OFF_TRACK, KpiStatus.AT_RISK, KpiStatus.ON_TRACK, KpiStatus.NO_DATA]


@dataclass
class GateReadiness:
    phase: str
    phase_label: str
    next_phase_label: str
    criteria: list[CriterionResult]

    @property
    def met(self) -> int:
        return sum(1 for criterion in self.criteria if criterion.met)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def ready(self) -> bool:
        return self.met == self.total


@dataclass
class MilestoneProgress:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    next_due: Milestone | None = None

    @property
    def done(self) -> int:
        return self.by_status.get(Milestone.Status.DONE, 0)

    @property
    def done_percent(self) -> int | None:
        return round(100 * self.done / self.total) if self.total else None

    def rows(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every milestone status, in the order of the model."""
        return [(value, label, self.by_status.get(value, 0)) for value, label in Milestone.Status.choices]


@dataclass
class BusinessCaseTotals:
    cases: int = 0  # series of versions (the newest version of each)
    approved: int = 0  # series with an approved version in force
    investment: Decimal = ZERO  # one-off investment of the approved versions in force
    npv: Decimal = ZERO  # base-scenario NPV of the approved versions in force


@dataclass
class ProgrammeDashboard:
    programme: Programme
    today: date
    phases: list[dict]
    gate: GateReadiness
    kpis: list[KpiSummary]
    milestones: MilestoneProgress
    quick_wins: list[Milestone]
    business_cases: BusinessCaseTotals
    risks: list[RiskWarning]

    @property
    def kpi_status_counts(self) -> list[tuple[str, str, int]]:
        """(status, label, count), worst first."""
        counts = Counter(summary.status for summary in self.kpis)
        return [(status.value, status.label, counts.get(status.value, 0)) for status in STATUS_ORDER]

    @property
    def open_risks(self) -> int:
        return sum(1 for warning in self.risks if not warning.acknowledged)


def gate_readiness(programme: Programme) -> GateReadiness:
    """The criteria for leaving the current phase, evaluated now."""
    current = PHASE_ORDER.index(Phase(programme.phase))
    following = PHASE_ORDER[(current + 1) % len(PHASE_ORDER)]
    return GateReadiness(
        phase=programme.phase,
        phase_label=str(Phase(programme.phase).label),
        next_phase_label=str(following.label),
        criteria=gate_registry.evaluate(programme),
    )


def milestone_progress(programme: Programme, *, today: date) -> MilestoneProgress:
    """Counts by status and overdue in one query, the next open milestone due in another."""
    milestones = Milestone.objects.filter(measure__programme=programme)
    open_filter = ~Q(status=Milestone.Status.DONE)
    figures = milestones.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=open_filter & Q(due__lt=today)),
        **{status: Count("id", filter=Q(status=status)) for status in Milestone.Status.values},
    )
    next_due = (
        milestones.filter(open_filter, due__gte=today).select_related("measure").order_by("due", "id").first()
    )
    return MilestoneProgress(
        total=figures["total"],
        by_status={status: figures[status] for status in Milestone.Status.values},
        overdue=figures["overdue"],
        next_due=next_due,
    )


def quick_wins(programme: Programme) -> list[Milestone]:
    """The programme's quick wins, open ones first, by due date."""
    return list(
        Milestone.objects.filter(measure__programme=programme, quick_win=True)
        .select_related("measure")
        .order_by(Case(When(status=Milestone.Status.DONE, then=1), default=0), "due", "id")
    )


def business_case_totals(programme: Programme) -> BusinessCaseTotals:
    """Counts of case series, and investment and base NPV of the approved versions in force.

    The approved version in force of a series is an approved case whose successor (if any) is still a draft.
    """
    figures = BusinessCase.objects.filter(programme=programme, next_version__isnull=True).aggregate(
        cases=Count("id")
    )
    in_force = BusinessCase.objects.filter(programme=programme, status=BusinessCase.Status.APPROVED).filter(
        Q(next_version__isnull=True) | Q(next_version__status=BusinessCase.Status.DRAFT)
    )
    cases = list(selectors.business_case_with_lines(in_force))
    investment = sum(
        (
            line.amount
            for case in cases
            for line in case.cost_lines.all()
            if line.kind == CostLine.Kind.INVESTMENT
        ),
        ZERO,
    )
    return BusinessCaseTotals(
        cases=figures["cases"],
        approved=len(cases),
        investment=investment,
        npv=sum((selectors.base_npv(case) for case in cases), ZERO),
    )


def phase_track(programme: Programme) -> list[dict]:
    return [
        {"key": phase.value, "label": str(phase.label), "current": phase.value == programme.phase}
        for phase in PHASE_ORDER
    ]


def programme_dashboard(
    programme: Programme, *, today: date | None = None, public: bool = False
) -> ProgrammeDashboard:
    """Every figure of the programme dashboard (and the stakeholder view), as the data stands ``today``.

    ``public`` for everything seen outside the programme team's own pages (the stakeholder view, a shared link,
    the dashboard API): the risk warnings then name no people (``RiskWarning.public``).
    """
    today = today or timezone.localdate()
    warnings = risk_warnings(programme)
    return ProgrammeDashboard(
        programme=programme,
        today=today,
        phases=phase_track(programme),
        gate=gate_readiness(programme),
        kpis=list(kpi_summaries(programme, as_of=today)),
        milestones=milestone_progress(programme, today=today),
        quick_wins=quick_wins(programme),
        business_cases=business_case_totals(programme),
        risks=[warning.public() for warning in warnings] if public else warnings,
    )


# --- Portfolio columns (registered with programmes.portfolio in apps.py) ---------------------------------


def overdue_milestones(programmes: list[Programme], *, today: date | None = None) -> dict[int, int]:
    """programme id → number of open milestones past their due date, in one query."""
    today = today or timezone.localdate()
    rows = (
        Milestone.objects.filter(measure__programme__in=[p.pk for p in programmes], due__lt=today)
        .exclude(status=Milestone.Status.DONE)
        .values("measure__programme")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts = {row["measure__programme"]: row["count"] for row in rows}
    return {programme.pk: counts.get(programme.pk, 0) for programme in programmes}


def kpi_status_counts(programmes: list[Programme], *, today: date | None = None) -> dict[int, dict[str, int]]:
    """programme id → {status: number of KPIs}, every status present, for all programmes in three queries."""
    from .kpis import status_counts
    from .models import KPI

    summaries = kpi_summaries(
        None, as_of=today, kpis=KPI.objects.filter(programme__in=[p.pk for p in programmes])
    )
    grouped: dict[int, list[KpiSummary]] = {programme.pk: [] for programme in programmes}
    for summary in summaries:
        grouped.setdefault(summary.kpi.programme_id, []).append(summary)
    return {programme_id: status_counts(items) for programme_id, items in grouped.items()}


def kpi_status_text(counts: dict[str, int] | None) -> str:
    """“2 on track · 1 at risk · …” for the portfolio page (statuses with no KPI left out)."""
    if not counts or not any(counts.values()):
        return gettext("no KPIs")
    return " · ".join(
        f"{counts[status.value]} {status.label}" for status in STATUS_ORDER if counts.get(status.value)
    )


def register_portfolio_columns() -> None:
    """Add Transformation's figures to the hub's portfolio (called from TransformationConfig.ready)."""
    from programmes.portfolio import portfolio_registry

    portfolio_registry.register(
        "transformation.kpi_status", _("KPI status"), kpi_status_counts, display=kpi_status_text
    )
    portfolio_registry.register(
        "transformation.overdue_milestones", _("Overdue milestones"), overdue_milestones
    )
