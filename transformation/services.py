"""Writes of Transformation. Views, API and the demo call these; business rules live here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from concept import services as concept_services
from concept.models import Feasibility, Measure
from programmes.errors import ConflictError
from programmes.models import Programme
from programmes.services import only_fields as _only

from . import selectors
from .models import (
    AppraisalCriterion,
    BenefitLine,
    BusinessCase,
    CostLine,
    FundingLine,
    Milestone,
    RolloutStage,
)

CASE_FIELDS = {
    "title",
    "horizon_years",
    "discount_rate",
    "price_basis_year",
    "recommendation",
    "recommendation_reason",
    "cost_factor_pessimistic",
    "cost_factor_base",
    "cost_factor_optimistic",
    "benefit_factor_pessimistic",
    "benefit_factor_base",
    "benefit_factor_optimistic",
}
LINE_MODELS = {"cost": CostLine, "benefit": BenefitLine, "funding": FundingLine}
LINE_FIELDS = {
    "cost": {"kind", "category", "year", "amount", "label", "note"},
    "benefit": {"kind", "year", "amount", "label", "note"},
    "funding": {"year", "amount", "label", "note"},
}
CRITERION_FIELDS = {"catalogue", "name", "weight", "score"}


def _ensure_draft(case: BusinessCase) -> None:
    if case.is_approved:
        raise ConflictError(
            _(
                "Version %(version)s of this business case is approved and frozen. "
                "Create a new draft version to change it."
            )
            % {"version": case.version}
        )


def _lock(case: BusinessCase) -> BusinessCase:
    locked = BusinessCase.objects.select_for_update().get(pk=case.pk)
    case.status = locked.status
    return case


# --- Business case ---------------------------------------------------------------------------------------


@transaction.atomic
def business_case_create(
    *, programme: Programme, measure: Measure | None = None, title: str = "", **fields
) -> BusinessCase:
    """A new draft case (version 1) for a measure of the programme, or for the programme's roll-up."""
    if measure is not None and measure.programme_id != programme.pk:
        raise ValidationError({"measure": _("This measure belongs to another programme.")})
    fields = _only(fields, CASE_FIELDS - {"title"})
    fields.setdefault("price_basis_year", timezone.localdate().year)
    case = BusinessCase(
        programme=programme, measure=measure, title=title or (measure.title if measure else ""), **fields
    )
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def business_case_update(*, case: BusinessCase, **fields) -> BusinessCase:
    """Change a draft case; an approved one is refused (ConflictError)."""
    _ensure_draft(_lock(case))
    for name, value in _only(fields, CASE_FIELDS).items():
        setattr(case, name, value)
    case.full_clean()
    if "horizon_years" in fields:
        beyond = [
            line
            for model in LINE_MODELS.values()
            for line in model.objects.filter(case=case, year__gt=case.horizon_years)[:1]
        ]
        if beyond:
            raise ValidationError(
                {
                    "horizon_years": ngettext(
                        "Some lines lie beyond a horizon of %(horizon)s year; move or delete them first.",
                        "Some lines lie beyond a horizon of %(horizon)s years; move or delete them first.",
                        case.horizon_years,
                    )
                    % {"horizon": case.horizon_years}
                }
            )
    if {"recommendation", "recommendation_reason"} & set(fields):
        _check_recommendation(case)
    case.save()
    return case


def _check_recommendation(case: BusinessCase) -> None:
    """A negative NPV can still be a "go", but only when the non-monetary appraisal says why (DOMAIN.md)."""
    if case.recommendation in ("", BusinessCase.Recommendation.NO_GO):
        return
    if selectors.base_npv(case) >= 0:
        return
    errors = {}
    if not (case.recommendation_reason or "").strip():
        errors["recommendation_reason"] = _(
            "The NPV is negative: explain with the non-monetary appraisal (urgency, strategic importance, "
            "external effects) why the measure should still go ahead."
        )
    if not AppraisalCriterion.objects.filter(case=case).exists():
        errors["recommendation"] = _(
            "The NPV is negative: record the non-monetary appraisal points before recommending “go”."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def business_case_delete(*, case: BusinessCase) -> None:
    _ensure_draft(_lock(case))
    case.delete()


def _snapshot(case: BusinessCase) -> dict:
    case = selectors.business_case_with_lines(BusinessCase.objects.filter(pk=case.pk)).get()
    results = selectors.case_figures(case)

    def number(value):
        return None if value is None else str(value)

    def lines(relation, extra):
        return [
            {"label": line.label, "year": line.year, "amount": str(line.amount), "note": line.note}
            | {name: getattr(line, name) for name in extra}
            for line in getattr(case, relation).all()
        ]

    return {
        "horizon_years": case.horizon_years,
        "discount_rate": str(case.discount_rate),
        "price_basis_year": case.price_basis_year,
        "recommendation": case.recommendation,
        "recommendation_reason": case.recommendation_reason,
        "cost_lines": lines("cost_lines", ["kind", "category"]),
        "benefit_lines": lines("benefit_lines", ["kind"]),
        "funding_lines": lines("funding_lines", []),
        "criteria": [
            {"catalogue": c.catalogue, "name": c.name, "weight": c.weight, "score": c.score}
            for c in case.criteria.all()
        ],
        "appraisal_points": {k: number(v) for k, v in selectors.appraisal_points(case).items()},
        "scenarios": {
            key: {
                "cost_factor": str(result.cost_factor),
                "benefit_factor": str(result.benefit_factor),
                "npv": number(result.figures.npv),
                "roi": number(result.figures.roi),
                "payback_static_years": number(result.figures.payback_static_years),
                "payback_dynamic_years": number(result.figures.payback_dynamic_years),
                "benefit_cost_ratio": number(result.figures.benefit_cost_ratio),
                "funding_share": number(result.funding_share),
            }
            for key, result in results.items()
        },
    }


@transaction.atomic
def business_case_approve(*, case: BusinessCase, user) -> BusinessCase:
    """Freeze the case: a read-only snapshot of its lines and figures with who and when."""
    _ensure_draft(_lock(case))
    if not case.recommendation:
        raise ValidationError({"recommendation": _("State a recommendation before approving the case.")})
    _check_recommendation(case)
    case.status = BusinessCase.Status.APPROVED
    case.approved_by = user
    case.approved_at = timezone.now()
    case.snapshot = _snapshot(case)
    case.full_clean()
    case.save(update_fields=["status", "approved_by", "approved_at", "snapshot", "updated_at"])
    return case


@transaction.atomic
def business_case_new_version(*, case: BusinessCase) -> BusinessCase:
    """Copy an approved case with all its lines into draft version n+1."""
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_approved:
        raise ConflictError(_("Only an approved case gets a new version; this one is still a draft."))
    if BusinessCase.objects.filter(previous=case).exists():
        raise ConflictError(_("A newer version of this business case already exists."))
    copy = BusinessCase(
        programme=case.programme,
        measure=case.measure,
        previous=case,
        version=case.version + 1,
        **{name: getattr(case, name) for name in CASE_FIELDS},
    )
    copy.full_clean()
    copy.save()
    for model in LINE_MODELS.values():
        rows = list(model.objects.filter(case=case))
        for row in rows:
            row.pk = None
            row.case = copy
        model.objects.bulk_create(rows)
    criteria = list(AppraisalCriterion.objects.filter(case=case))
    for criterion in criteria:
        criterion.pk = None
        criterion.case = copy
    AppraisalCriterion.objects.bulk_create(criteria)
    return copy


# --- Lines -----------------------------------------------------------------------------------------------


@transaction.atomic
def line_add(*, case: BusinessCase, side: str, **fields):
    """Add a cost, benefit or funding line (side "cost" | "benefit" | "funding") to a draft case."""
    if side not in LINE_MODELS:
        raise ValidationError({"side": _("Unknown line type.")})
    _ensure_draft(_lock(case))
    line = LINE_MODELS[side](case=case, **_only(fields, LINE_FIELDS[side]))
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def line_update(*, line, **fields):
    side = next(key for key, model in LINE_MODELS.items() if isinstance(line, model))
    _ensure_draft(_lock(line.case))
    for name, value in _only(fields, LINE_FIELDS[side]).items():
        setattr(line, name, value)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def line_delete(*, line) -> None:
    _ensure_draft(_lock(line.case))
    line.delete()


@transaction.atomic
def business_case_take_over_feasibility(*, case: BusinessCase) -> list:
    """Starting lines from the measure's Konzeption, not typed twice.

    One-off costs → an investment in t = 0; the operating model's running costs → one running line per year
    1..horizon; every financing source except own budget and revenue → a funding line (its calendar year
    relative to the price basis year, clamped into the horizon).
    """
    _ensure_draft(_lock(case))
    measure = case.measure
    if measure is None:
        raise ValidationError({"measure": _("A roll-up case has no measure to take lines from.")})
    created = []
    source = _("from Konzeption (measure “%(title)s”)") % {"title": measure.title}
    if measure.one_off_costs:
        created.append(
            line_add(
                case=case,
                side="cost",
                kind=CostLine.Kind.INVESTMENT,
                category=CostLine.Category.OTHER,
                year=0,
                amount=measure.one_off_costs,
                label=_("One-off costs"),
                note=source,
            )
        )
    feasibility = Feasibility.objects.filter(measure=measure).first()
    if feasibility is not None and feasibility.running_costs_per_year:
        for year in range(1, case.horizon_years + 1):
            created.append(
                line_add(
                    case=case,
                    side="cost",
                    kind=CostLine.Kind.RUNNING,
                    category=CostLine.Category.OTHER,
                    year=year,
                    amount=feasibility.running_costs_per_year,
                    label=_("Operating model: running costs"),
                    note=source,
                )
            )
    for funding in measure.funding_sources.exclude(kind__in=["own_budget", "revenue"]):
        year = min(max(funding.year - case.price_basis_year, 0), case.horizon_years)
        created.append(
            line_add(
                case=case,
                side="funding",
                year=year,
                amount=funding.amount,
                label=funding.name,
                note=source,
            )
        )
    if not created:
        raise ValidationError(
            _("The measure has no one-off costs, running costs or funding in Konzeption to take over.")
        )
    return created


# --- Appraisal -------------------------------------------------------------------------------------------


@transaction.atomic
def criterion_add(*, case: BusinessCase, **fields) -> AppraisalCriterion:
    _ensure_draft(_lock(case))
    criterion = AppraisalCriterion(case=case, **_only(fields, CRITERION_FIELDS))
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: AppraisalCriterion) -> None:
    _ensure_draft(_lock(criterion.case))
    criterion.delete()


# --- Implementation plan ---------------------------------------------------------------------------------


@transaction.atomic
def measure_start_implementation(*, measure: Measure) -> Measure:
    """Move a selected measure to implementation (Konzeption's own transition)."""
    return concept_services.measure_start_implementation(measure=measure)


def _ensure_implementation(measure: Measure) -> None:
    if measure.status != Measure.Status.IMPLEMENTATION:
        raise ValidationError(
            {"measure": _("Plan work packages once the measure has moved to implementation.")}
        )


MILESTONE_FIELDS = {"title", "owner", "start", "due", "status", "depends_on", "quick_win"}


@transaction.atomic
def milestone_create(*, measure: Measure, **fields) -> Milestone:
    _ensure_implementation(measure)
    milestone = Milestone(measure=measure, **_only(fields, MILESTONE_FIELDS))
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_update(*, milestone: Milestone, **fields) -> Milestone:
    for name, value in _only(fields, MILESTONE_FIELDS).items():
        setattr(milestone, name, value)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()


ROLLOUT_FIELDS = {"name", "entry_condition", "kpi_code", "kpi_threshold", "date"}


@transaction.atomic
def rollout_stage_create(*, measure: Measure, **fields) -> RolloutStage:
    _ensure_implementation(measure)
    stage = RolloutStage(measure=measure, **_only(fields, ROLLOUT_FIELDS))
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def rollout_stage_delete(*, stage: RolloutStage) -> None:
    stage.delete()


@transaction.atomic
def default_rollout(*, measure: Measure, start: date) -> list[RolloutStage]:
    """Pilot → extension → city-wide, three months apart, for a plan that has none yet."""
    from datetime import timedelta

    names = [_("Pilot"), _("Extension"), _("City-wide")]
    return [
        rollout_stage_create(measure=measure, name=name, date=start + timedelta(days=91 * index))
        for index, name in enumerate(names)
    ]
