"""The evidence trail of a measure: why the city did it and whether it works, in the order it happened.

findings (with their evidence and survey figures) → measure → prioritisation → feasibility → provider choice →
business case versions with NPV → milestones and rollout → KPI trend → reports that cover it, plus the
programme's phase decisions and workshop outputs that became this measure. A fixed number of queries.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from concept import selectors as concept_selectors
from concept.models import Feasibility, Measure
from evaluation.models import Evidence, Finding
from programmes.models import PhaseTransition, WorkshopOutput

from . import selectors
from .kpis import KpiStatus, kpi_summaries
from .models import KPI, BusinessCase, Milestone, Report, RolloutStage


@dataclass
class CaseVersion:
    case: BusinessCase
    npv: object
    appraisal: dict


@dataclass
class MeasureTrail:
    measure: Measure
    findings: list = field(default_factory=list)
    feasibility: Feasibility | None = None
    verdicts: list = field(default_factory=list)  # (label, verdict display, reasoning)
    providers: list = field(default_factory=list)
    cases: list[CaseVersion] = field(default_factory=list)
    milestones: list = field(default_factory=list)
    rollout: list = field(default_factory=list)
    kpis: list = field(default_factory=list)  # {summary: KpiSummary, status_label, trend (oldest first)}
    reports: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    workshop_outputs: list = field(default_factory=list)


DIMENSIONS = [
    ("organisation", "organisation_reasoning"),
    ("provider", "provider_reasoning"),
    ("operating", "operating_reasoning"),
    ("financing", "financing_reasoning"),
]


def measure_trail(measure: Measure) -> MeasureTrail:
    """Everything the trail page shows for one measure (about 15 queries, whatever the number of rows)."""
    programme = measure.programme
    trail = MeasureTrail(measure=measure)
    trail.findings = list(
        Finding.objects.filter(measures=measure)
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("created_at", "id")))
        .order_by("created_at", "id")
    )
    trail.feasibility = (
        Feasibility.objects.filter(measure=measure).select_related("chosen_provider", "criteria_set").first()
    )
    if trail.feasibility is not None:
        f = trail.feasibility
        trail.verdicts = [
            (
                Feasibility._meta.get_field(f"{dim}_verdict").verbose_name,
                getattr(f, f"get_{dim}_verdict_display")(),
                getattr(f, reasoning),
            )
            for dim, reasoning in DIMENSIONS
        ]
    trail.providers = concept_selectors.provider_ranking(
        measure, trail.feasibility.criteria_set if trail.feasibility else None
    )
    cases = selectors.business_case_with_lines(BusinessCase.objects.filter(measure=measure)).order_by(
        "title", "version", "id"
    )
    trail.cases = [
        CaseVersion(case=case, npv=selectors.base_npv(case), appraisal=selectors.appraisal_points(case))
        for case in cases
    ]
    trail.milestones = list(
        Milestone.objects.filter(measure=measure).select_related("depends_on").order_by("start", "due", "id")
    )
    trail.rollout = list(RolloutStage.objects.filter(measure=measure).order_by("date", "id"))
    trail.kpis = [
        {"summary": summary, "status_label": KpiStatus(summary.status).label, "trend": summary.sparkline}
        for summary in kpi_summaries(programme, kpis=KPI.objects.filter(measures=measure).order_by("code"))
    ]
    trail.reports = list(
        Report.objects.filter(
            programme=programme, measures=measure, status__in=[Report.Status.BUILT, Report.Status.SENT]
        )
        .values("pk", "title", "period_start", "period_end", "status", "sent_at")
        .order_by("period_end", "pk")
    )
    trail.transitions = list(
        PhaseTransition.objects.filter(programme=programme)
        .select_related("decided_by")
        .order_by("decided_at", "id")
    )
    trail.workshop_outputs = list(
        WorkshopOutput.objects.filter(
            workshop__programme=programme, converted_kind="measure", converted_id=measure.pk
        ).select_related("workshop")
    )
    return trail
