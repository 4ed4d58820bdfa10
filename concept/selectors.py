"""Reads of Konzeption: the journey map, measure lists, utility analysis and financing, in fixed queries."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from evaluation.models import Evidence, Finding
from programmes.models import Programme
from programmes.selectors import programmes_visible_to

from .models import (
    CriteriaSet,
    Feasibility,
    FundingSource,
    JourneyStage,
    Measure,
    MeasureTemplate,
    ProviderOption,
    ProviderScore,
    Touchpoint,
    Verdict,
)
from .risks import stale_after_days

SCORE = ExpressionWrapper(F("impact") * (Value(6) - F("effort")), output_field=IntegerField())
SORTS = {
    "score": ("-score_value", "title"),
    "title": ("title",),
    "status": ("status", "title"),
    "updated": ("-updated_at", "-id"),
}


def programme_stages(programme: Programme) -> QuerySet[JourneyStage]:
    return JourneyStage.objects.filter(programme=programme).order_by("position", "id")


def with_score(queryset: QuerySet[Measure]) -> QuerySet[Measure]:
    return queryset.annotate(
        score_value=Case(
            When(impact__isnull=False, effort__isnull=False, then=SCORE),
            default=Value(0),
            output_field=IntegerField(),
        ),
        finding_count=Count("findings", distinct=True),
    )


def programme_measures(
    programme: Programme,
    *,
    stage: JourneyStage | None = None,
    status: str = "",
    min_score: int | None = None,
    sort: str = "score",
) -> QuerySet[Measure]:
    """The measure list: filtered by stage and status, sorted by score (impact × (6 − effort)), title or status."""
    queryset = with_score(Measure.objects.filter(programme=programme))
    if stage is not None:
        queryset = queryset.filter(stages=stage)
    if status:
        queryset = queryset.filter(status=status)
    if min_score:
        queryset = queryset.filter(score_value__gte=min_score)
    return (
        queryset.select_related("owner")
        .prefetch_related(Prefetch("stages", queryset=JourneyStage.objects.order_by("position")))
        .order_by(*SORTS.get(sort, SORTS["score"]))
    )


def measures_visible_to(user) -> QuerySet[Measure]:
    return Measure.objects.filter(programme__in=programmes_visible_to(user))


def _stage_lookup(stages: list[JourneyStage]) -> dict[str, JourneyStage]:
    """Findings carry a free journey_stage string; it matches a stage by key or by name (case-insensitive)."""
    lookup = {}
    for stage in stages:
        lookup[stage.name.strip().lower()] = stage
    for stage in stages:
        lookup[stage.key.lower()] = stage
    return lookup


def stage_for_finding(finding: Finding, lookup: dict[str, JourneyStage]) -> JourneyStage | None:
    return lookup.get((finding.journey_stage or "").strip().lower())


@dataclass
class StageColumn:
    stage: JourneyStage
    touchpoints: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    measures: list = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        """Findings but no measure: the programme knows a need here and plans nothing for it."""
        return bool(self.findings) and not any(m.status != Measure.Status.REJECTED for m in self.measures)


def journey_map(programme: Programme) -> dict:
    """Stages as columns with touchpoints, findings and measures; 4 queries whatever the size."""
    stages = list(
        programme_stages(programme).prefetch_related(
            Prefetch("touchpoints", queryset=Touchpoint.objects.order_by("name", "id")),
            Prefetch("measures", queryset=Measure.objects.order_by("status", "title")),
        )
    )
    lookup = _stage_lookup(stages)
    columns = {
        stage.pk: StageColumn(stage, list(stage.touchpoints.all()), [], list(stage.measures.all()))
        for stage in stages
    }
    unassigned = []
    for finding in Finding.objects.filter(programme=programme).exclude(status=Finding.Status.DISCARDED):
        stage = stage_for_finding(finding, lookup)
        if stage is None:
            unassigned.append(finding)
        else:
            columns[stage.pk].findings.append(finding)
    days = stale_after_days(programme)
    today = timezone.localdate()
    for column in columns.values():
        for touchpoint in column.touchpoints:
            touchpoint.stale = touchpoint.staleness(days, today)
    column_list = list(columns.values())
    return {
        "columns": column_list,
        "unassigned_findings": unassigned,
        "gaps": [c for c in column_list if c.is_gap],
    }


def measure_detail(programme: Programme) -> QuerySet[Measure]:
    """One measure with its links and its findings' evidence (including survey snapshots)."""
    return (
        with_score(Measure.objects.filter(programme=programme))
        .select_related("owner")
        .prefetch_related(
            Prefetch("stages", queryset=JourneyStage.objects.order_by("position")),
            Prefetch("touchpoints", queryset=Touchpoint.objects.select_related("stage")),
            Prefetch(
                "findings",
                queryset=Finding.objects.prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
                ),
            ),
            "raci_rows",
            "funding_sources",
        )
    )


def prioritisation_matrix(programme: Programme) -> dict:
    """Rows impact 5→1, columns effort 1→5: quick wins (high impact, low effort) are top-left."""
    cells = {(i, e): [] for i in range(1, 6) for e in range(1, 6)}
    unscored = []
    for measure in (
        Measure.objects.filter(programme=programme).exclude(status=Measure.Status.REJECTED).order_by("title")
    ):
        if measure.impact and measure.effort:
            cells[(measure.impact, measure.effort)].append(measure)
        else:
            unscored.append(measure)
    rows = [
        {
            "impact": impact,
            "cells": [
                {
                    "effort": effort,
                    "measures": cells[(impact, effort)],
                    "quick_win": impact >= 4 and effort <= 2,
                }
                for effort in range(1, 6)
            ],
        }
        for impact in range(5, 0, -1)
    ]
    return {"rows": rows, "unscored": unscored}


def criteria_sets_for(organisation) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(organisation=organisation).prefetch_related("criteria")


def weighted_sum(condition: Q):
    """Σ score × weight (weights in %) over the scores matching the condition; exact integers in the database."""
    return Coalesce(
        Sum(
            F("scores__score") * F("scores__criterion__weight"), filter=condition, output_field=IntegerField()
        ),
        Value(0),
        output_field=IntegerField(),
    )


def utility(total: int | None) -> Decimal:
    """The Nutzwert on the 0–10 scale: Σ weight × score / 100, rounded half up to two places."""
    return (Decimal(total or 0) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def provider_ranking(measure: Measure, criteria_set: CriteriaSet | None) -> list[ProviderOption]:
    """Providers with their weighted utility (Σ weight · score / 100, 0–10) and rank, computed in the database."""
    providers = ProviderOption.objects.filter(measure=measure)
    if criteria_set is None:
        return [
            setattr(p, "rank", None) or p for p in providers.annotate(utility=Value(None, DecimalField()))
        ]
    providers = list(
        providers.annotate(
            weighted_sum=weighted_sum(Q(scores__criterion__criteria_set=criteria_set)),
            scored=Count("scores", filter=Q(scores__criterion__criteria_set=criteria_set)),
        )
        .order_by("-weighted_sum", "name")
        .prefetch_related(
            Prefetch("scores", queryset=ProviderScore.objects.filter(criterion__criteria_set=criteria_set))
        )
    )
    previous, rank = None, 0
    for index, provider in enumerate(providers, start=1):
        provider.utility = utility(provider.weighted_sum)
        if provider.utility != previous:
            rank, previous = index, provider.utility
        provider.rank = rank
        provider.score_by_criterion = {s.criterion_id: s.score for s in provider.scores.all()}
    return providers


def financing_summary(measure: Measure, feasibility: Feasibility) -> dict:
    """Expected costs (one-off + running × years) against the funding recorded, and the gap."""
    funded = FundingSource.objects.filter(measure=measure).aggregate(total=Sum("amount"))["total"] or Decimal(
        "0"
    )
    expected = (measure.one_off_costs or Decimal("0")) + (
        feasibility.running_costs_per_year or Decimal("0")
    ) * (feasibility.years or 1)
    gap = max(expected - funded, Decimal("0"))
    return {
        "expected": expected.quantize(Decimal("0.01")),
        "funded": funded.quantize(Decimal("0.01")),
        "gap": gap.quantize(Decimal("0.01")),
        "covered": gap == 0 or feasibility.gap_accepted,
        "share": (funded / expected * 100).quantize(Decimal("0.1")) if expected else None,
    }


def templates_for(organisation) -> QuerySet[MeasureTemplate]:
    """The library an organisation sees: shipped templates, its own, and those others share with the network."""
    return MeasureTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation) | Q(shared_with_network=True)
    ).select_related("organisation")


def templates_visible_to(user) -> QuerySet[MeasureTemplate]:
    organisations = programmes_visible_to(user).values("organisation_id")
    return MeasureTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation__in=organisations) | Q(shared_with_network=True)
    )


# --- Gate figures ----------------------------------------------------------------------------------------


def selected_measures_gate_rows(programme: Programme) -> list[dict]:
    """Per selected measure: evidence and evidenced findings, verdicts, staff hours, costs and funding (1 query)."""
    funded = (
        FundingSource.objects.filter(measure=OuterRef("pk"))
        .values("measure")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return list(
        Measure.objects.filter(programme=programme, status=Measure.Status.SELECTED)
        .annotate(
            evidence_count=Count("findings__evidence", distinct=True),
            evidenced_findings=Count("findings", filter=Q(findings__evidence__isnull=False), distinct=True),
            funded=Coalesce(
                Subquery(funded),
                Value(Decimal("0")),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
        )
        .values(
            "pk",
            "title",
            "evidence_count",
            "evidenced_findings",
            "funded",
            "one_off_costs",
            "feasibility__organisation_verdict",
            "feasibility__provider_verdict",
            "feasibility__operating_verdict",
            "feasibility__financing_verdict",
            "feasibility__staff_hours_per_month",
            "feasibility__running_costs_per_year",
            "feasibility__years",
            "feasibility__gap_accepted",
        )
        .order_by("title")
    )


def row_verdicts(row: dict) -> list[str]:
    return [
        row[f"feasibility__{dim}_verdict"] or Verdict.OPEN
        for dim in ("organisation", "provider", "operating", "financing")
    ]


def row_gap(row: dict) -> Decimal:
    expected = row["one_off_costs"] + (row["feasibility__running_costs_per_year"] or 0) * (
        row["feasibility__years"] or 1
    )
    return max(expected - row["funded"], Decimal("0"))
