"""Writes of Konzeption. Views, API and the demo call these; business rules live here."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from evaluation.models import Finding
from programmes.models import Membership, Programme
from programmes.reference import TARGET_GROUPS
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to
from programmes.services import only_fields as _only

from .models import (
    DEFAULT_STAGES,
    CriteriaSet,
    Criterion,
    Feasibility,
    FundingSource,
    JourneyStage,
    Measure,
    MeasureTemplate,
    ProviderOption,
    ProviderScore,
    RaciRow,
    Touchpoint,
)

TARGET_GROUP_KEYS = {key for key, _label in TARGET_GROUPS}


# --- Journey ---------------------------------------------------------------------------------------------


@transaction.atomic
def journey_ensure_defaults(*, programme: Programme) -> list[JourneyStage]:
    """Create the default journey stages (DOMAIN.md) if the programme has none yet.

    Registered to run when the hub creates a programme (concept/apps.py); migration 0003 gave the stages to
    the programmes that existed before. Two calls at the same moment must not collide: the programme row is
    locked while checking.
    """
    Programme.objects.select_for_update().filter(pk=programme.pk).first()
    if not JourneyStage.objects.filter(programme=programme).exists():
        JourneyStage.objects.bulk_create(
            [
                JourneyStage(programme=programme, key=key, name=name, position=index)
                for index, (key, name) in enumerate(DEFAULT_STAGES, start=1)
            ],
            ignore_conflicts=True,
        )
    return list(JourneyStage.objects.filter(programme=programme).order_by("position"))


def _unique_stage_key(programme: Programme, base: str, exclude_pk=None) -> str:
    base = slugify(base)[:90] or "stage"
    taken = set(
        JourneyStage.objects.filter(programme=programme).exclude(pk=exclude_pk).values_list("key", flat=True)
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def stage_create(*, programme: Programme, name: str, key: str = "") -> JourneyStage:
    position = (JourneyStage.objects.filter(programme=programme).aggregate(m=Max("position"))["m"] or 0) + 1
    stage = JourneyStage(
        programme=programme, name=name, key=key or _unique_stage_key(programme, name), position=position
    )
    stage.full_clean()
    stage.save()
    return stage


@transaction.atomic
def stage_update(*, stage: JourneyStage, name: str, key: str | None = None) -> JourneyStage:
    stage.name = name
    if key:
        stage.key = key
    stage.full_clean()
    stage.save(update_fields=["name", "key"])
    return stage


@transaction.atomic
def stage_delete(*, stage: JourneyStage) -> None:
    stage.delete()


@transaction.atomic
def stage_move(*, stage: JourneyStage, direction: str) -> JourneyStage:
    """Swap the stage with its neighbour (direction "up" or "down"); positions are renumbered 1..n."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": _("Direction must be “up” or “down”.")})
    stages = list(JourneyStage.objects.select_for_update().filter(programme_id=stage.programme_id))
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(stages):
        stages[index], stages[other] = stages[other], stages[index]
    for position, item in enumerate(stages, start=1):
        item.position = position
    JourneyStage.objects.bulk_update(stages, ["position"])
    return next(s for s in stages if s.pk == stage.pk)


TOUCHPOINT_FIELDS = {"name", "channel", "owner", "quality", "pain_points", "last_content_update"}


@transaction.atomic
def touchpoint_create(*, stage: JourneyStage, **fields) -> Touchpoint:
    touchpoint = Touchpoint(stage=stage, **_only(fields, TOUCHPOINT_FIELDS))
    touchpoint.full_clean()
    touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_update(*, touchpoint: Touchpoint, stage: JourneyStage | None = None, **fields) -> Touchpoint:
    if stage is not None:
        if stage.programme_id != touchpoint.stage.programme_id:
            raise ValidationError({"stage": _("The stage belongs to another programme.")})
        touchpoint.stage = stage
    for name, value in _only(fields, TOUCHPOINT_FIELDS).items():
        setattr(touchpoint, name, value)
    touchpoint.full_clean()
    touchpoint.save()
    return touchpoint


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint) -> None:
    touchpoint.delete()


# --- Measures --------------------------------------------------------------------------------------------

MEASURE_FIELDS = {
    "title",
    "description",
    "target_groups",
    "action_field",
    "owner",
    "impact",
    "effort",
    "one_off_costs",
    "vote_count",
}


def _check_relations(
    programme: Programme, *, stages=None, touchpoints=None, findings=None, owner=None
) -> None:
    errors = {}
    if stages is not None and any(s.programme_id != programme.pk for s in stages):
        errors["stages"] = _("A journey stage belongs to another programme.")
    if touchpoints is not None and any(t.stage.programme_id != programme.pk for t in touchpoints):
        errors["touchpoints"] = _("A touchpoint belongs to another programme.")
    if findings is not None and any(f.programme_id != programme.pk for f in findings):
        errors["findings"] = _("A finding belongs to another programme.")
    if owner is not None and not Membership.objects.filter(programme=programme, user=owner).exists():
        errors["owner"] = _("The owner must be a member of the programme.")
    if errors:
        raise ValidationError(errors)


def _clean_target_groups(value) -> list[str]:
    value = list(value or [])
    unknown = [v for v in value if v not in TARGET_GROUP_KEYS]
    if unknown:
        raise ValidationError({"target_groups": _("Unknown target group: %(v)s") % {"v": ", ".join(unknown)}})
    return value


@transaction.atomic
def measure_create(
    *,
    programme: Programme,
    stages: Iterable[JourneyStage] = (),
    touchpoints: Iterable[Touchpoint] = (),
    findings: Iterable[Finding] = (),
    **fields,
) -> Measure:
    """Create a measure as an idea; stages, touchpoints and findings must belong to the same programme."""
    fields = _only(fields, MEASURE_FIELDS)
    stages, touchpoints, findings = list(stages), list(touchpoints), list(findings)
    _check_relations(
        programme, stages=stages, touchpoints=touchpoints, findings=findings, owner=fields.get("owner")
    )
    fields["target_groups"] = _clean_target_groups(fields.get("target_groups"))
    measure = Measure(programme=programme, **fields)
    measure.full_clean()
    measure.save()
    measure.stages.set(stages)
    measure.touchpoints.set(touchpoints)
    measure.findings.set(findings)
    return measure


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    stages: Iterable[JourneyStage] | None = None,
    touchpoints: Iterable[Touchpoint] | None = None,
    findings: Iterable[Finding] | None = None,
    **fields,
) -> Measure:
    """Change a measure's description and links. Status only changes through the status services."""
    fields = _only(fields, MEASURE_FIELDS)
    stages = None if stages is None else list(stages)
    touchpoints = None if touchpoints is None else list(touchpoints)
    findings = None if findings is None else list(findings)
    _check_relations(
        measure.programme,
        stages=stages,
        touchpoints=touchpoints,
        findings=findings,
        owner=fields.get("owner"),
    )
    if "target_groups" in fields:
        fields["target_groups"] = _clean_target_groups(fields["target_groups"])
    if (
        findings is not None
        and not findings
        and measure.status
        in (
            Measure.Status.SELECTED,
            Measure.Status.IMPLEMENTATION,
        )
    ):
        raise ValidationError(
            {"findings": _("A selected measure must keep at least one finding as evidence.")}
        )
    for name, value in fields.items():
        setattr(measure, name, value)
    measure.full_clean()
    measure.save()
    if stages is not None:
        measure.stages.set(stages)
    if touchpoints is not None:
        measure.touchpoints.set(touchpoints)
    if findings is not None:
        measure.findings.set(findings)
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure) -> None:
    measure.delete()


def _set_status(measure: Measure, status: str, reason: str = "") -> Measure:
    measure.status = status
    measure.rejection_reason = reason if status == Measure.Status.REJECTED else ""
    measure.full_clean()
    measure.save(update_fields=["status", "rejection_reason", "updated_at"])
    return measure


@transaction.atomic
def measure_shortlist(*, measure: Measure) -> Measure:
    if measure.status == Measure.Status.IMPLEMENTATION:
        raise ValidationError({"status": _("The measure is already being implemented.")})
    return _set_status(measure, Measure.Status.SHORTLISTED)


@transaction.atomic
def measure_select(*, measure: Measure) -> Measure:
    """Select a measure. It must answer at least one finding: no evidence, no selection (seed 002)."""
    if measure.status == Measure.Status.IMPLEMENTATION:
        raise ValidationError({"status": _("The measure is already being implemented.")})
    if not measure.findings.exists():
        raise ValidationError(
            {
                "findings": _(
                    "A measure can only be selected when it answers at least one finding from Evaluation. "
                    "Link a finding first."
                )
            }
        )
    return _set_status(measure, Measure.Status.SELECTED)


@transaction.atomic
def measure_reject(*, measure: Measure, reason: str) -> Measure:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"rejection_reason": _("Please give a reason for rejecting the measure.")})
    if measure.status == Measure.Status.IMPLEMENTATION:
        raise ValidationError({"status": _("The measure is already being implemented.")})
    return _set_status(measure, Measure.Status.REJECTED, reason)


@transaction.atomic
def measure_start_implementation(*, measure: Measure) -> Measure:
    if measure.status != Measure.Status.SELECTED:
        raise ValidationError({"status": _("Only a selected measure can move to implementation.")})
    return _set_status(measure, Measure.Status.IMPLEMENTATION)


@transaction.atomic
def measure_prioritise(*, measure: Measure, impact: int | None, effort: int | None) -> Measure:
    measure.impact, measure.effort = impact, effort
    measure.full_clean()
    measure.save(update_fields=["impact", "effort", "updated_at"])
    return measure


# --- Feasibility -----------------------------------------------------------------------------------------

# In the order the feasibility page shows them (concept/forms.py takes its fields from here).
FEASIBILITY_FIELDS = (
    "organisation_verdict",
    "organisation_reasoning",
    "responsible_unit",
    "accountable_person",
    "partners",
    "provider_verdict",
    "provider_reasoning",
    "criteria_set",
    "chosen_provider",
    "chosen_provider_reason",
    "operating_verdict",
    "operating_reasoning",
    "operator",
    "staff_hours_per_month",
    "content_maintenance",
    "running_costs_per_year",
    "support",
    "hosting",
    "exit_plan",
    "financing_verdict",
    "financing_reasoning",
    "years",
    "gap_accepted",
    "gap_reason",
)


def feasibility_for(measure: Measure) -> Feasibility:
    """The measure's feasibility, unsaved and all open if none has been recorded yet."""
    try:
        return measure.feasibility
    except Feasibility.DoesNotExist:
        return Feasibility(measure=measure)


@transaction.atomic
def feasibility_update(*, measure: Measure, **fields) -> Feasibility:
    """Record the four feasibility dimensions of a measure (creates the record on first use)."""
    feasibility = feasibility_for(measure)
    fields = _only(fields, FEASIBILITY_FIELDS)
    criteria_set = fields.get("criteria_set")
    if criteria_set is not None and criteria_set.organisation_id != measure.programme.organisation_id:
        raise ValidationError({"criteria_set": _("The criteria set belongs to another organisation.")})
    for name, value in fields.items():
        setattr(feasibility, name, value)
    if not feasibility.gap_accepted:
        feasibility.gap_reason = ""
    feasibility.full_clean()
    feasibility.save()
    return feasibility


RACI_FIELDS = {"task", "responsible", "accountable", "consulted", "informed"}


@transaction.atomic
def raci_row_add(*, measure: Measure, **fields) -> RaciRow:
    row = RaciRow(measure=measure, **_only(fields, RACI_FIELDS))
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def raci_row_delete(*, row: RaciRow) -> None:
    row.delete()


FUNDING_FIELDS = {"kind", "name", "funding_rate", "deadline", "year", "amount"}


@transaction.atomic
def funding_source_add(*, measure: Measure, **fields) -> FundingSource:
    source = FundingSource(measure=measure, **_only(fields, FUNDING_FIELDS))
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def funding_source_delete(*, source: FundingSource) -> None:
    source.delete()


# --- Provider selection (Nutzwertanalyse) ----------------------------------------------------------------


def _validate_criteria(criteria: list[Mapping]) -> None:
    if not criteria:
        raise ValidationError({"criteria": _("Add at least one criterion.")})
    total = Decimal("0")
    for item in criteria:
        if not str(item.get("name") or "").strip():
            raise ValidationError({"criteria": _("Every criterion needs a name.")})
        weight = item.get("weight")
        if not isinstance(weight, int) or not 1 <= weight <= 100:
            raise ValidationError({"criteria": _("Every weight must be a whole number from 1 to 100 %.")})
        total += weight
    if total != 100:
        raise ValidationError(
            {"criteria": _("The weights must sum to 100 %%; they sum to %(total)s %%.") % {"total": total}}
        )


@transaction.atomic
def criteria_set_create(*, organisation, name: str, criteria: list[Mapping], user=None) -> CriteriaSet:
    """A reusable set of weighted criteria; the weights must sum to exactly 100 %. Given the ``user`` who adds
    it, only one who may edit the content of a programme of the organisation may (else an error on it)."""
    if user is not None and not any(
        user.has_perm(EDIT, programme)
        for programme in programmes_visible_to(user).filter(organisation=organisation)
    ):
        raise ValidationError({"organisation": _("You may not add criteria sets to this organisation.")})
    _validate_criteria(criteria)
    criteria_set = CriteriaSet(organisation=organisation, name=name)
    criteria_set.full_clean()
    criteria_set.save()
    for position, item in enumerate(criteria, start=1):
        criterion = Criterion(
            criteria_set=criteria_set,
            name=str(item["name"]).strip(),
            weight=item["weight"],
            position=position,
        )
        criterion.full_clean()
        criterion.save()
    return criteria_set


@transaction.atomic
def provider_create(*, measure: Measure, name: str, notes: str = "") -> ProviderOption:
    provider = ProviderOption(measure=measure, name=name, notes=notes)
    provider.full_clean()
    provider.save()
    return provider


@transaction.atomic
def provider_update(*, provider: ProviderOption, **fields) -> ProviderOption:
    for name, value in _only(fields, {"name", "notes"}).items():
        setattr(provider, name, value)
    provider.full_clean()
    provider.save()
    return provider


@transaction.atomic
def provider_delete(*, provider: ProviderOption) -> None:
    provider.delete()


@transaction.atomic
def provider_scores_set(*, provider: ProviderOption, scores: Mapping[int, int | None]) -> None:
    """Set a provider's scores (0–10) by criterion id; None removes a score. Criteria must be in the set
    chosen for the measure's feasibility."""
    feasibility = feasibility_for(provider.measure)
    allowed = set()
    if feasibility.criteria_set_id:
        allowed = set(
            Criterion.objects.filter(criteria_set_id=feasibility.criteria_set_id).values_list("pk", flat=True)
        )
    for criterion_id, score in scores.items():
        if criterion_id not in allowed:
            raise ValidationError(
                {"scores": _("Unknown criterion for this measure: %(id)s") % {"id": criterion_id}}
            )
        if score is None:
            ProviderScore.objects.filter(provider=provider, criterion_id=criterion_id).delete()
            continue
        if not isinstance(score, int) or not 0 <= score <= 10:
            raise ValidationError({"scores": _("Scores must be whole numbers from 0 to 10.")})
        ProviderScore.objects.update_or_create(
            provider=provider, criterion_id=criterion_id, defaults={"score": score}
        )


# --- Library ---------------------------------------------------------------------------------------------


@transaction.atomic
def measure_create_from_template(
    *, programme: Programme, template: MeasureTemplate, findings: Iterable[Finding] = ()
) -> Measure:
    """A new idea copied from a library template, placed in the template's typical stages."""
    journey_ensure_defaults(programme=programme)
    stages = JourneyStage.objects.filter(programme=programme, key__in=template.typical_stages or [])
    measure = measure_create(
        programme=programme,
        title=template.title,
        description=template.description,
        action_field=template.action_field,
        effort=template.typical_effort,
        one_off_costs=template.typical_one_off_costs,
        stages=stages,
        findings=findings,
    )
    if template.typical_running_costs:
        feasibility_update(measure=measure, running_costs_per_year=template.typical_running_costs)
    return measure


@transaction.atomic
def measure_save_as_template(
    *,
    measure: Measure,
    shared_with_network: bool = False,
    lessons_learned: str = "",
    suggested_kpis: str = "",
) -> MeasureTemplate:
    """Save the measure as a template of its organisation's library."""
    feasibility = feasibility_for(measure)
    template = MeasureTemplate(
        organisation=measure.programme.organisation,
        title=measure.title,
        description=measure.description,
        typical_stages=list(measure.stages.values_list("key", flat=True)),
        action_field=measure.action_field,
        typical_one_off_costs=measure.one_off_costs,
        typical_running_costs=feasibility.running_costs_per_year,
        typical_effort=measure.effort,
        suggested_kpis=suggested_kpis,
        lessons_learned=lessons_learned,
        shared_with_network=shared_with_network,
    )
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def feasibility_save(
    *,
    measure: Measure,
    raci_rows: Iterable[Mapping] | None = None,
    funding_sources: Iterable[Mapping] | None = None,
    **fields,
) -> Feasibility:
    """Replace the whole feasibility of a measure (API PUT): fields, and the RACI and funding rows if given."""
    feasibility = feasibility_update(measure=measure, **fields)
    if raci_rows is not None:
        measure.raci_rows.all().delete()
        for row in raci_rows:
            raci_row_add(measure=measure, **row)
    if funding_sources is not None:
        measure.funding_sources.all().delete()
        for source in funding_sources:
            funding_source_add(measure=measure, **source)
    return feasibility
