"""The evidence trail of a measure: why the city did it and whether it works, in the order it happened.

findings (with their evidence and survey figures) → measure → prioritisation → feasibility → provider choice →
business case versions with NPV → milestones and rollout → KPI trend → reports that cover it, plus the
programme's phase decisions and workshop outputs that became this measure. The measure's and its milestones'
status changes come from their change history (django-simple-history), dated. A fixed number of queries.
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
class StatusChange:
    when: object  # datetime of the change
    status: str
    label: str
    created: bool = False  # the record of the creation (the first status)
    reason: str = ""  # the reason given for a rejection


@dataclass
class MeasureTrail:
    measure: Measure
    status_changes: list[StatusChange] = field(default_factory=list)
    history_complete: bool = True  # False: the measure is older than its history; earlier changes are unknown
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


def status_changes(records, labels: dict, *, reason_field: str = "") -> tuple[list[StatusChange], bool]:
    """The dated status changes in history records (oldest first): a record counts when its status differs
    from the one before. Also whether the history starts with the creation (else earlier changes are unknown)."""
    changes: list[StatusChange] = []
    previous = None
    complete = False
    for index, record in enumerate(records):
        created = record["history_type"] == "+"
        if index == 0:
            complete = created
        if record["history_type"] == "-" or record["status"] == previous:
            continue
        previous = record["status"]
        changes.append(
            StatusChange(
                when=record["history_date"],
                status=record["status"],
                label=labels.get(record["status"], record["status"]),
                created=created,
                reason=record.get(reason_field, "") if reason_field else "",
            )
        )
    return changes, complete


def measure_trail(measure: Measure) -> MeasureTrail:
    """Everything the trail page shows for one measure (about 20 queries, whatever the number of rows)."""
    programme = measure.programme
    trail = MeasureTrail(measure=measure)
    trail.status_changes, trail.history_complete = status_changes(
        Measure.history.filter(id=measure.pk)
        .order_by("history_date", "history_id")
        .values("history_date", "history_type", "status", "rejection_reason"),
        dict(Measure.Status.choices),
        reason_field="rejection_reason",
    )
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
    milestone_history: dict[int, list] = {}
    for record in (
        Milestone.history.filter(measure_id=measure.pk)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_date", "history_type", "status")
    ):
        milestone_history.setdefault(record["id"], []).append(record)
    labels = dict(Milestone.Status.choices)
    for milestone in trail.milestones:
        milestone.status_changes, milestone.history_complete = status_changes(
            milestone_history.get(milestone.pk, []), labels
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
