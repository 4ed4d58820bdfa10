"""Writes of KPIs, their targets and measurements, and survey-fed measurements. Views, API and demo call these.

Decisions (documented in docs/kpis.md):

- Targets are replaced as a whole when given (a list of (date, value)); two targets on one date are an error.
- One measurement per KPI and period. By hand, a second value for an existing period is an error (edit the
  existing one). In an API bulk upload an existing period is **replaced** (value, note, evidence link), so a
  client may safely resend a batch; two items for one period in one batch are an error. All-or-nothing.
- A survey-fed KPI (``source_question`` + ``source_aggregate``) gets one measurement per closed wave of the
  question's survey (period = the wave's start and end dates, source "survey"), recomputed idempotently
  whenever the KPI is saved, a wave/survey of it is saved, or responses are imported or deleted (see
  ``receivers_kpis``).
- **The survey owns its waves' periods.** While a KPI is fed by a survey, no value for the period of one of its
  closed waves is taken by hand, by the API or by a file import, and its survey values are neither edited nor
  deleted by hand: each is refused with an error that says why. The survey figure would come back at the next
  refresh and silently overwrite (or be blocked by) a manual value, and the KPI would disagree with the
  survey's results page. Corrections go into the answers (import paper responses, delete test responses), or the
  survey question is removed from the KPI to keep it by hand. Values by hand for other periods are allowed,
  and values entered before the KPI was bound to the survey stay (the refresh skips those waves).
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.services import only_fields

from .models import KPI, KPITarget, Measurement

KPI_FIELDS = {
    "code",
    "name_de",
    "name_en",
    "unit",
    "direction",
    "band_low",
    "band_high",
    "frequency",
    "definition",
    "data_source",
    "owner",
    "baseline_value",
    "baseline_date",
    "framework_ref",
    "catalogue_key",
    "journey_stage",
    "source_question",
    "source_aggregate",
    "source_choice",
}
MEASUREMENT_FIELDS = {"period_start", "period_end", "value", "note", "evidence_url", "evidence_file"}
MEAN_TYPES = {"school_grade", "likert", "nps", "number"}
SHARE_TYPES = {"single_choice", "multiple_choice"}


# ---------------------------------------------------------------------------------------------------------------
# KPIs
# ---------------------------------------------------------------------------------------------------------------


def _check_kpi(kpi: KPI, measures) -> None:
    """Rules across objects: everything linked belongs to the KPI's programme; the survey source fits."""
    errors: dict[str, list[str]] = {}
    programme_id = kpi.programme_id
    if kpi.code and KPI.objects.filter(programme_id=programme_id, code=kpi.code).exclude(pk=kpi.pk).exists():
        errors["code"] = [_("This programme already has a KPI with this code.")]
    if kpi.journey_stage_id and kpi.journey_stage.programme_id != programme_id:
        errors["journey_stage"] = [_("Choose a journey stage of this programme.")]
    if measures is not None and any(m.programme_id != programme_id for m in measures):
        errors["measures"] = [_("Choose measures of this programme.")]
    if kpi.direction != KPI.Direction.BAND and (kpi.band_low is not None or kpi.band_high is not None):
        kpi.band_low = kpi.band_high = None  # a band only means something for a target-band KPI
    question = kpi.source_question
    if question is not None:
        if question.survey.programme_id != programme_id:
            errors["source_question"] = [_("Choose a question of this programme's surveys.")]
        elif not kpi.source_aggregate:
            errors["source_aggregate"] = [_("Choose which survey figure feeds the KPI.")]
        elif kpi.source_aggregate == KPI.SurveyAggregate.MEAN and question.type not in MEAN_TYPES:
            errors["source_aggregate"] = [_("A mean needs a grade, scale, NPS or number question.")]
        elif kpi.source_aggregate == KPI.SurveyAggregate.NPS and question.type != "nps":
            errors["source_aggregate"] = [_("A Net Promoter Score needs an NPS question (0–10).")]
        elif kpi.source_aggregate == KPI.SurveyAggregate.SHARE:
            if question.type not in SHARE_TYPES:
                errors["source_aggregate"] = [_("A share needs a single or multiple choice question.")]
            elif kpi.source_choice is None or kpi.source_choice.question_id != question.pk:
                errors["source_choice"] = [_("Choose one of the question's choices to count.")]
        if kpi.source_aggregate != KPI.SurveyAggregate.SHARE:
            kpi.source_choice = None
    else:
        kpi.source_aggregate = ""
        kpi.source_choice = None
    if errors:
        raise ValidationError(errors)


def _set_targets(kpi: KPI, targets) -> None:
    seen: set[date] = set()
    for when, _value in targets:
        if when in seen:
            raise ValidationError(
                {"targets": [_("Two targets on %(date)s: give one value per date.") % {"date": when}]}
            )
        seen.add(when)
    kpi.targets.all().delete()
    KPITarget.objects.bulk_create([KPITarget(kpi=kpi, date=when, value=value) for when, value in targets])


def _save_kpi(kpi: KPI, *, measures, targets) -> KPI:
    created = kpi.pk is None
    _check_kpi(kpi, measures)
    kpi.full_clean()
    kpi.save()
    if measures is not None:
        kpi.measures.set(measures)
    if targets is not None:
        _set_targets(kpi, targets)
    if kpi.source_question_id or not created:
        kpi_refresh_from_survey(kpi=kpi)  # also drops survey values when the source was removed
    return kpi


@transaction.atomic
def kpi_create(*, programme, measures=None, targets=None, **fields) -> KPI:
    """A new KPI of ``programme``; ``targets``: (date, value) pairs; survey-fed KPIs get their measurements."""
    kpi = KPI(programme=programme, **only_fields(fields, KPI_FIELDS))
    return _save_kpi(kpi, measures=measures, targets=targets)


@transaction.atomic
def kpi_update(*, kpi: KPI, measures=None, targets=None, **fields) -> KPI:
    """Change a KPI; ``measures``/``targets`` None = unchanged, a list replaces them."""
    for name, value in only_fields(fields, KPI_FIELDS).items():
        setattr(kpi, name, value)
    return _save_kpi(kpi, measures=measures, targets=targets)


@transaction.atomic
def kpi_delete(*, kpi: KPI) -> None:
    """Delete a KPI with its targets and measurements."""
    kpi.delete()


# ---------------------------------------------------------------------------------------------------------------
# Measurements
# ---------------------------------------------------------------------------------------------------------------


def wave_period(wave) -> tuple[date, date] | None:
    """The period a wave's survey value covers: its start and end dates (either alone for both)."""
    start, end = wave.starts_on or wave.ends_on, wave.ends_on or wave.starts_on
    return None if start is None else (start, end)


def survey_wave_periods(kpi_ids) -> dict[int, dict[tuple[date, date], str]]:
    """KPI id → {(start, end): wave name} of the closed waves that feed each survey-fed KPI (one query)."""
    from evaluation.models import Wave

    fed = dict(
        KPI.objects.filter(pk__in=kpi_ids, source_question__isnull=False)
        .exclude(source_aggregate="")
        .values_list("pk", "source_question__survey_id")
    )
    if not fed:
        return {}
    periods: dict[int, dict[tuple[date, date], str]] = {pk: {} for pk in fed}
    waves = Wave.objects.filter(survey_id__in=set(fed.values()), status=Wave.Status.CLOSED).order_by("number")
    for wave in waves:
        period = wave_period(wave)
        if period is None:
            continue
        for pk, survey_id in fed.items():
            if survey_id == wave.survey_id:
                periods[pk][period] = wave.display_name
    return periods


def survey_period_message(wave_name: str) -> str:
    return _(
        "This period is the survey wave “%(wave)s”: the KPI takes its value from the survey. Correct the survey's "
        "answers (for example, import the paper responses), or remove the survey question from the KPI to enter "
        "values by hand."
    ) % {"wave": wave_name}


def _survey_owned(
    measurement: Measurement, periods: dict[tuple[date, date], str], *, editing: bool
) -> ValidationError | None:
    """The error for a value by hand that the KPI's survey owns, None when it may be saved. ``editing``: a
    stored value changed on its own (the error names the value), not a value sent for a period."""
    if editing and measurement.source == Measurement.Source.SURVEY and periods:
        return ValidationError(
            {
                "value": [
                    _(
                        "This value comes from the survey and is kept up to date from it. Correct the survey's "
                        "answers, or remove the survey question from the KPI to enter values by hand."
                    )
                ]
            }
        )
    wave_name = periods.get((measurement.period_start, measurement.period_end))
    if wave_name is not None:
        return ValidationError({"period_end": [survey_period_message(wave_name)]})
    return None


def _duplicate_error() -> ValidationError:
    return ValidationError(
        {"period_end": [_("There is already a value for this period; change that one instead.")]}
    )


def _clean_measurement(measurement: Measurement) -> None:
    try:
        measurement.full_clean(validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    if measurement.period_end < measurement.period_start:
        raise ValidationError({"period_end": [_("The period cannot end before it starts.")]})
    refused = _survey_owned(
        measurement,
        survey_wave_periods([measurement.kpi_id]).get(measurement.kpi_id, {}),
        editing=measurement.pk is not None,
    )
    if refused is not None:
        raise refused
    duplicate = Measurement.objects.filter(
        kpi_id=measurement.kpi_id, period_start=measurement.period_start, period_end=measurement.period_end
    ).exclude(pk=measurement.pk)
    if duplicate.exists():
        raise _duplicate_error()


@transaction.atomic
def measurement_create(
    *, kpi: KPI, user=None, source: str = Measurement.Source.MANUAL, **fields
) -> Measurement:
    """Record one value of ``kpi`` for a period (an existing period is an error)."""
    measurement = Measurement(
        kpi=kpi, created_by=user, source=source, **only_fields(fields, MEASUREMENT_FIELDS)
    )
    _clean_measurement(measurement)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_update(*, measurement: Measurement, **fields) -> Measurement:
    for name, value in only_fields(fields, MEASUREMENT_FIELDS).items():
        setattr(measurement, name, value)
    _clean_measurement(measurement)
    measurement.save()
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement) -> None:
    """Delete a value; a survey value of a KPI still fed by the survey is refused (it would come back)."""
    if measurement.source == Measurement.Source.SURVEY and survey_wave_periods([measurement.kpi_id]):
        raise ValidationError(
            _(
                "This value comes from the survey and is kept up to date from it; it cannot be deleted by hand. "
                "Remove the survey question from the KPI first."
            )
        )
    measurement.delete()


def _parse_decimal(raw) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError(_("Enter a number.")) from error
    if not value.is_finite():
        raise ValidationError(_("Enter a number."))
    return value


@transaction.atomic
def measurements_bulk_create(*, kpi: KPI, items: list[dict], user=None) -> dict:
    """Create (or replace by period) many measurements, all or nothing.

    ``items``: dicts of period_start, period_end, value, note, evidence_url (already typed). Raises
    ValidationError whose ``.params["items"]`` is a list with one error dict per item ({} where fine).
    Returns {"created": n, "replaced": n, "measurements": [...]}.
    """
    errors: list[dict] = [{} for _item in items]
    seen: dict[tuple, int] = {}
    existing = {
        (m.period_start, m.period_end): m
        for m in Measurement.objects.filter(
            kpi=kpi,
            period_start__in={i.get("period_start") for i in items if i.get("period_start")},
        )
    }
    prepared = []
    owned = survey_wave_periods([kpi.pk]).get(kpi.pk, {})
    for index, item in enumerate(items):
        key = (item.get("period_start"), item.get("period_end"))
        if key in seen:
            errors[index]["period_end"] = [
                _("Item %(other)s has the same period; send one value per period.") % {"other": seen[key] + 1}
            ]
            continue
        seen[key] = index
        measurement = existing.get(key) or Measurement(
            kpi=kpi, created_by=user, source=Measurement.Source.API
        )
        for name in ("period_start", "period_end", "value", "note", "evidence_url"):
            if name in item:
                setattr(measurement, name, item[name])
        try:
            measurement.full_clean(validate_constraints=False, exclude=["evidence_file"])
            if measurement.period_end < measurement.period_start:
                raise ValidationError({"period_end": [_("The period cannot end before it starts.")]})
            refused = _survey_owned(measurement, owned, editing=False)
            if refused is not None:
                raise refused
        except ValidationError as error:
            errors[index] = error.message_dict
            continue
        prepared.append(measurement)
    if any(errors):
        raise ValidationError(_("Nothing was saved: some items are invalid."), params={"items": errors})
    created = [m for m in prepared if m.pk is None]
    replaced = [m for m in prepared if m.pk is not None]
    Measurement.objects.bulk_create(created)
    Measurement.objects.bulk_update(replaced, ["value", "note", "evidence_url"])
    return {"created": len(created), "replaced": len(replaced), "measurements": prepared}


# ---------------------------------------------------------------------------------------------------------------
# Survey-fed KPIs
# ---------------------------------------------------------------------------------------------------------------


def survey_figure(kpi: KPI, stats: dict) -> Decimal | None:
    """The KPI's figure from one wave's question stats (evaluation.selectors.question_stats), None if empty."""
    if not stats or not stats.get("respondents"):
        return None
    if kpi.source_aggregate == KPI.SurveyAggregate.MEAN:
        value = stats.get("mean")
    elif kpi.source_aggregate == KPI.SurveyAggregate.NPS:
        value = (stats.get("nps") or {}).get("score")
    else:
        value = next(
            (
                row["share"]
                for row in stats.get("distribution", [])
                if row["choice_id"] == kpi.source_choice_id
            ),
            None,
        )
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


@transaction.atomic
def kpi_refresh_from_survey(*, kpi: KPI) -> int:
    """One measurement per closed wave of the source question's survey (idempotent). Returns how many exist.

    Values come from the evaluation app's pre-aggregated tallies (``survey_results`` per wave). Survey
    measurements of waves that are no longer closed or have no answers are removed.
    """
    from evaluation.models import Wave
    from evaluation.selectors import ResultFilters, survey_results

    question = kpi.source_question
    if question is None or not kpi.source_aggregate:
        kpi.measurements.filter(source=Measurement.Source.SURVEY).delete()
        return 0
    waves = Wave.objects.filter(survey_id=question.survey_id, status=Wave.Status.CLOSED).order_by("number")
    kept = []
    for wave in waves:
        period = wave_period(wave)
        if period is None:
            continue
        start, end = period
        results = survey_results(question.survey, ResultFilters(wave=wave), questions=[question])
        value = survey_figure(kpi, results["questions"][0] if results["questions"] else {})
        if value is None:
            continue
        same_period = Measurement.objects.filter(kpi=kpi, period_start=start, period_end=end).first()
        # Only the survey's own values are rewritten: a value by hand is never overwritten by a refresh.
        measurement = Measurement.objects.filter(kpi=kpi, wave=wave, source=Measurement.Source.SURVEY).first()
        if (
            measurement is None
            and same_period is not None
            and same_period.source == Measurement.Source.SURVEY
        ):
            measurement = same_period  # an earlier survey value of this period (its wave link was lost)
        measurement = measurement or Measurement(kpi=kpi)
        if same_period is not None and same_period.pk != measurement.pk:
            # Another value holds this period (e.g. entered by hand): it stays, and this wave is skipped.
            continue
        measurement.wave = wave
        measurement.period_start, measurement.period_end = start, end
        measurement.value = value
        measurement.source = Measurement.Source.SURVEY
        respondents = results["questions"][0]["respondents"]
        measurement.note = ngettext(
            "Survey wave: %(wave)s (%(n)s answer)", "Survey wave: %(wave)s (%(n)s answers)", respondents
        ) % {"wave": wave.display_name, "n": respondents}
        measurement.save()
        kept.append(measurement.pk)
    kpi.measurements.filter(source=Measurement.Source.SURVEY).exclude(pk__in=kept).delete()
    return len(kept)


def kpis_refresh_for_survey(*, survey_id: int) -> None:
    """Refresh every KPI fed by a question of this survey (after a wave closed or the survey changed)."""
    for kpi in KPI.objects.filter(source_question__survey_id=survey_id).select_related(
        "source_question__survey"
    ):
        kpi_refresh_from_survey(kpi=kpi)
