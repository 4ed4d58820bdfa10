"""Writes of Evaluation: surveys, questions, waves, public responses and findings.

Views, the API, the admin and the demo data call these; every business rule that changes data lives here.
"""

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Programme, Workshop
from programmes.services import only_fields as _only

from . import importers, signals, tallies, templates_data
from .models import (
    CHOICE_TYPES,
    SCALE_TYPES,
    TEXT_TYPES,
    Answer,
    Choice,
    CollectionPoint,
    EvaluationSettings,
    Evidence,
    Finding,
    ImportBatch,
    Question,
    QuestionType,
    ReadinessAssessment,
    ReadinessDimension,
    ReadinessScore,
    Response,
    Section,
    Survey,
    Wave,
)

SURVEY_FIELDS = {
    "title",
    "title_en",
    "intro",
    "intro_en",
    "privacy_notice",
    "privacy_notice_en",
    "languages",
    "starts_at",
    "ends_at",
    "response_target",
    "one_response_per_browser",
    "rate_limit",
    "small_cell_threshold",
}
QUESTION_FIELDS = {
    "section",
    "code",
    "type",
    "text",
    "text_en",
    "help_text",
    "help_text_en",
    "required",
    "min_value",
    "max_value",
    "max_selections",
    "journey_stage",
    "target_group",
}
TEXT_LIMITS = {QuestionType.SHORT_TEXT: 300, QuestionType.LONG_TEXT: 5000}
NUMBER_LIMIT = Decimal("9999999999.99")


class SurveyNotOpen(Exception):
    """The survey does not take answers now (draft, closed, or outside its period)."""


# --- Programme settings ------------------------------------------------------------------------------


@transaction.atomic
def evaluation_settings_update(*, programme: Programme, small_cell_threshold: int) -> EvaluationSettings:
    """Set the programme's minimum segment size, used by every survey that does not set its own."""
    settings_ = EvaluationSettings.objects.select_for_update().filter(programme=programme).first()
    settings_ = settings_ or EvaluationSettings(programme=programme)
    settings_.small_cell_threshold = small_cell_threshold
    settings_.full_clean()
    settings_.save()
    return settings_


# --- Surveys and waves -------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, programme: Programme, created_by=None, **fields) -> Survey:
    """Create a draft survey with its first (planned) wave."""
    survey = Survey(programme=programme, created_by=created_by, **_only(fields, SURVEY_FIELDS))
    survey.full_clean()
    survey.save()
    Wave.objects.create(survey=survey, number=1)
    return survey


@transaction.atomic
def survey_create_from_template(
    *, programme: Programme, template_key: str, created_by=None, title: str = ""
) -> Survey:
    """Copy a shipped template (templates_data.TEMPLATES) into a new draft survey of the programme."""
    template = templates_data.TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError({"template": _("Unknown survey template.")})
    fields = dict(template["survey"])
    if title:
        fields["title"] = title
    survey = survey_create(programme=programme, created_by=created_by, **fields)
    for spec in template["questions"]:
        spec = dict(spec)
        choices = spec.pop("choices", None)
        question_create(survey=survey, choices=choices, **spec)
    return survey


@transaction.atomic
def survey_update(*, survey: Survey, **fields) -> Survey:
    """Change a survey's descriptive settings. Status only changes through publish, close and new waves."""
    for name, value in _only(fields, SURVEY_FIELDS).items():
        setattr(survey, name, value)
    survey.full_clean()
    survey.save()
    return survey


def _current_wave(survey: Survey) -> Wave:
    return survey.waves.order_by("-number").first()


@transaction.atomic
def survey_publish(*, survey: Survey) -> Survey:
    """Open a draft survey for answers; its first wave starts today."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError(_("Only a draft survey can be published."))
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before publishing the survey."))
    if survey.has_ended():
        raise ValidationError(
            {"ends_at": _("The survey's end date has passed. Change it in the settings before publishing.")}
        )
    survey.status = Survey.Status.OPEN
    survey.save(update_fields=["status", "updated_at"])
    wave = _current_wave(survey)
    wave.status = Wave.Status.OPEN
    wave.starts_on = wave.starts_on or timezone.localdate()
    wave.save(update_fields=["status", "starts_on"])
    return survey


def _close(survey: Survey, *, ended_on) -> None:
    """Mark a locked, open survey closed; its open waves end on ``ended_on`` (never before they started)."""
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status", "updated_at"])
    for wave in survey.waves.filter(status=Wave.Status.OPEN):
        wave.status = Wave.Status.CLOSED
        wave.ends_on = max(ended_on, wave.starts_on) if wave.starts_on else ended_on
        wave.save(update_fields=["status", "ends_on"])


@transaction.atomic
def survey_close(*, survey: Survey) -> Survey:
    """Stop taking answers; the running wave ends today."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError(_("Only an open survey can be closed."))
    _close(survey, ended_on=timezone.localdate())
    return survey


def surveys_close_ended(*, surveys=None, now=None) -> list[int]:
    """Close the open surveys whose end date has passed (of ``surveys``, a queryset, or all); their open waves
    end on the survey's end date. Idempotent: a survey closed meanwhile is skipped. Returns the closed ids.

    Celery beat runs it every few minutes (``evaluation.tasks.close_ended_surveys``); pages that show a
    survey call ``survey_close_if_ended`` (lists ``surveys_close_if_ended``) so that they never show an ended
    survey as open.
    """
    now = now or timezone.now()
    queryset = Survey.objects.all() if surveys is None else surveys
    ended = list(
        queryset.filter(status=Survey.Status.OPEN, ends_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = []
    for pk in ended:
        with transaction.atomic():
            survey = Survey.objects.select_for_update().filter(pk=pk).first()
            if survey is None or survey.status != Survey.Status.OPEN or not survey.has_ended(now):
                continue
            _close(survey, ended_on=timezone.localdate(survey.ends_at))
            closed.append(pk)
    return closed


def survey_close_if_ended(survey: Survey, *, now=None) -> Survey:
    """Close this survey when its end date has passed and it is still marked open (no query otherwise)."""
    if (
        survey.status == Survey.Status.OPEN
        and survey.has_ended(now)
        and surveys_close_ended(surveys=Survey.objects.filter(pk=survey.pk), now=now)
    ):
        survey.refresh_from_db(fields=["status", "updated_at"])
    return survey


def surveys_close_if_ended(surveys: list[Survey], *, now=None) -> list[Survey]:
    """``survey_close_if_ended`` for loaded surveys (a page or list): closes the ended ones and marks them closed
    in the list; no query when none has ended."""
    ended = {
        survey.pk: survey
        for survey in surveys
        if survey.status == Survey.Status.OPEN and survey.has_ended(now)
    }
    if ended:
        for pk in surveys_close_ended(surveys=Survey.objects.filter(pk__in=ended), now=now):
            ended[pk].status = Survey.Status.CLOSED
    return surveys


@transaction.atomic
def wave_start(*, survey: Survey, label: str = "", ends_at=None, clear_ends_at: bool = False) -> Wave:
    """Start a new field period with the same questions, e.g. after a measure. Closes the running wave.

    A survey whose end date has passed would take no answers in the new wave: it needs a new end date in the
    future (``ends_at``), or its end date removed (``clear_ends_at``). Either may also be given otherwise.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status == Survey.Status.DRAFT:
        raise ValidationError(_("Publish the survey before starting another wave."))
    now = timezone.now()
    if ends_at is not None and clear_ends_at:
        raise ValidationError({"ends_at": _("Either give a new end date or remove the end date, not both.")})
    if ends_at is not None:
        if ends_at <= now:
            raise ValidationError({"ends_at": _("The new end must be in the future.")})
        if survey.starts_at and ends_at <= survey.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
    elif not clear_ends_at and survey.has_ended(now):
        raise ValidationError(
            {
                "ends_at": _(
                    "The survey ended on %(date)s, so a new wave would take no answers. Give a new end date, "
                    "or remove the end date."
                )
                % {"date": formats.date_format(timezone.localtime(survey.ends_at), "SHORT_DATETIME_FORMAT")}
            }
        )
    today = timezone.localdate()
    survey.waves.filter(status=Wave.Status.OPEN).update(status=Wave.Status.CLOSED, ends_on=today)
    number = (survey.waves.aggregate(m=Max("number"))["m"] or 0) + 1
    wave = Wave(survey=survey, number=number, label=label, starts_on=today, status=Wave.Status.OPEN)
    wave.full_clean()
    wave.save()
    changed = []
    if ends_at is not None or clear_ends_at:
        survey.ends_at = ends_at
        changed.append("ends_at")
    if survey.status != Survey.Status.OPEN:
        survey.status = Survey.Status.OPEN
        changed.append("status")
    if changed:
        survey.full_clean()
        survey.save(update_fields=[*changed, "updated_at"])
    return wave


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    """Delete a survey that has no responses yet."""
    if Response.objects.filter(wave__survey=survey).exists():
        raise ValidationError(_("A survey with responses cannot be deleted; close it instead."))
    Evidence.objects.filter(question__survey=survey).update(question=None)
    survey.delete()


# --- Questions and choices ---------------------------------------------------------------------------


def _touch(survey: Survey) -> None:
    """Mark the survey as changed, so caches of its questions (selectors.public_questions) renew."""
    survey.updated_at = timezone.now()
    Survey.objects.filter(pk=survey.pk).update(updated_at=survey.updated_at)


def _unique_code(base: str, taken: set[str], fallback: str) -> str:
    code = slugify(base).replace("-", "_")[:40] or fallback
    candidate, suffix = code, 2
    while candidate in taken:
        candidate = f"{code}_{suffix}"
        suffix += 1
    return candidate


def _normalise_choices(question_type: str, choices: Iterable[Mapping] | None) -> list[dict]:
    choices = [dict(c) for c in (choices or []) if (c.get("label") or "").strip()]
    if question_type not in CHOICE_TYPES:
        if choices:
            raise ValidationError({"choices": _("Only choice questions have answer options.")})
        return []
    minimum = 2 if question_type == QuestionType.SINGLE_CHOICE else 1
    if len(choices) < minimum:
        raise ValidationError(
            {
                "choices": ngettext(
                    "Give at least %(min)d answer option.", "Give at least %(min)d answer options.", minimum
                )
                % {"min": minimum}
            }
        )
    taken: set[str] = set()
    result = []
    for index, choice in enumerate(choices, start=1):
        label = choice["label"].strip()
        code = (choice.get("code") or "").strip()
        if code:
            if code in taken:
                raise ValidationError({"choices": _("The code “%(code)s” appears twice.") % {"code": code}})
        else:
            code = _unique_code(label, taken, f"c{index}")
        taken.add(code)
        result.append(
            {
                "code": code,
                "label": label,
                "label_en": (choice.get("label_en") or "").strip(),
                "position": index,
            }
        )
    return result


def _save_choices(question: Question, choices: list[dict]) -> None:
    existing = {choice.code: choice for choice in question.choices.all()}
    wanted = {choice["code"] for choice in choices}
    removed = [choice for code, choice in existing.items() if code not in wanted]
    used = Answer.objects.filter(choice__in=removed).values_list("choice__label", flat=True).distinct()
    if removed and used:
        raise ValidationError(
            {
                "choices": _("These options already have answers and cannot be removed: %(labels)s")
                % {"labels": ", ".join(used)}
            }
        )
    Choice.objects.filter(pk__in=[c.pk for c in removed]).delete()
    for spec in choices:
        choice = existing.get(spec["code"]) or Choice(question=question, code=spec["code"])
        choice.label, choice.label_en, choice.position = spec["label"], spec["label_en"], spec["position"]
        choice.full_clean()
        choice.save()


@transaction.atomic
def question_create(*, survey: Survey, choices: Iterable[Mapping] | None = None, **fields) -> Question:
    """Append a question to the survey (with its answer options for choice questions)."""
    fields = _only(fields, QUESTION_FIELDS)
    _check_section(survey, fields)
    taken = set(survey.questions.values_list("code", flat=True))
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    if not fields.get("code"):
        fields["code"] = _unique_code(fields.get("text", "")[:30], taken, f"q{position}")
    elif fields["code"] in taken:
        raise ValidationError({"code": _("Another question of this survey already uses this code.")})
    question = Question(survey=survey, position=position, **fields)
    normalised = _normalise_choices(question.type, choices)
    question.full_clean()
    question.save()
    _save_choices(question, normalised)
    _touch(survey)
    return question


@transaction.atomic
def question_update(*, question: Question, choices: Iterable[Mapping] | None = None, **fields) -> Question:
    """Change a question. Its type is fixed once answers exist, so earlier answers keep their meaning."""
    fields = _only(fields, QUESTION_FIELDS)
    _check_section(question.survey, fields)
    has_answers = question.answers.exists()
    if "type" in fields and fields["type"] != question.type and has_answers:
        raise ValidationError(
            {
                "type": _(
                    "The question type cannot change because the question already has answers; "
                    "earlier answers would lose their meaning. Add a new question instead."
                )
            }
        )
    if "code" in fields and fields["code"] != question.code:
        if not fields["code"]:
            fields.pop("code")
        elif question.survey.questions.filter(code=fields["code"]).exclude(pk=question.pk).exists():
            raise ValidationError({"code": _("Another question of this survey already uses this code.")})
    for name, value in fields.items():
        setattr(question, name, value)
    question.full_clean()
    question.save()
    if question.type in CHOICE_TYPES:
        if choices is None and not question.choices.exists():
            choices = []
        if choices is not None:
            _save_choices(question, _normalise_choices(question.type, choices))
    else:
        _normalise_choices(question.type, choices)
        question.choices.all().delete()
    _touch(question.survey)
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    if question.answers.exists():
        raise ValidationError(
            _("This question already has answers and cannot be deleted; its results would be lost.")
        )
    survey = question.survey
    question.delete()
    _renumber(survey)
    _touch(survey)


def _renumber(survey: Survey) -> None:
    for index, question in enumerate(survey.questions.order_by("position", "id"), start=1):
        if question.position != index:
            question.position = index
            question.save(update_fields=["position"])


@transaction.atomic
def question_move(*, question: Question, direction: str) -> Question:
    """Move a question one place up or down."""
    if direction not in {"up", "down"}:
        raise ValidationError(_("Unknown direction."))
    survey = question.survey
    _renumber(survey)
    ordered = list(survey.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if 0 <= other_index < len(ordered):
        this, other = ordered[index], ordered[other_index]
        this.position, other.position = other.position, this.position
        this.save(update_fields=["position"])
        other.save(update_fields=["position"])
        question.position = this.position
    _touch(survey)
    return question


@transaction.atomic
def questions_reorder(*, survey: Survey, order: Sequence[int]) -> None:
    """Put the survey's questions in the given order (a list of all their ids, e.g. after drag and drop)."""
    questions = {question.pk: question for question in survey.questions.select_for_update()}
    if not isinstance(order, list | tuple) or any(
        isinstance(pk, bool) or not isinstance(pk, int) for pk in order
    ):
        raise ValidationError({"order": _("Give the ids of the survey's questions as a list of numbers.")})
    if len(order) != len(set(order)) or set(order) != set(questions):
        raise ValidationError(
            {"order": _("The new order must list every question of this survey exactly once.")}
        )
    changed = []
    for position, pk in enumerate(order, start=1):
        question = questions[pk]
        if question.position != position:
            question.position = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["position"])
    _touch(survey)


# --- Sections ----------------------------------------------------------------------------------------


@transaction.atomic
def section_create(*, survey: Survey, title: str, title_en: str = "") -> Section:
    """Add a section (a heading that groups the questions that follow it in the public form)."""
    position = (survey.sections.aggregate(m=Max("position"))["m"] or 0) + 1
    section = Section(
        survey=survey, title=(title or "").strip(), title_en=(title_en or "").strip(), position=position
    )
    section.full_clean()
    section.save()
    _touch(survey)
    return section


@transaction.atomic
def section_update(*, section: Section, title: str, title_en: str = "") -> Section:
    section.title, section.title_en = (title or "").strip(), (title_en or "").strip()
    section.full_clean()
    section.save(update_fields=["title", "title_en"])
    _touch(section.survey)
    return section


@transaction.atomic
def section_delete(*, section: Section) -> None:
    """Delete a section; its questions stay, without a section."""
    survey = section.survey
    section.delete()
    _touch(survey)


def _check_section(survey: Survey, fields: Mapping) -> None:
    section = fields.get("section")
    if section is not None and section.survey_id != survey.pk:
        raise ValidationError({"section": _("The section belongs to another survey.")})


# --- Collection points -------------------------------------------------------------------------------


@transaction.atomic
def collection_point_create(*, survey: Survey, name: str) -> CollectionPoint:
    name = (name or "").strip()
    if survey.collection_points.filter(name=name).exists():
        raise ValidationError({"name": _("This survey already has a collection point with this name.")})
    point = CollectionPoint(survey=survey, name=name)
    point.full_clean()
    point.save()
    return point


@transaction.atomic
def collection_point_delete(*, point: CollectionPoint) -> None:
    """Delete a collection point; its responses stay, without the place (their tallies move with them)."""
    survey = point.survey
    point.delete()
    tallies.rebuild(survey=survey)


# --- Public responses --------------------------------------------------------------------------------


def client_hash(ip: str | None, *, day=None) -> str:
    """A keyed hash of the client address that changes daily, so it can't be reversed or linked over days."""
    if not ip:
        return ""
    day = day or timezone.localdate()
    message = f"{day.isoformat()}|{ip}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [v for v in value if v not in (None, "")]
    return [] if value == "" else [value]


def _parse_number(value) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    number = Decimal(str(value))
    if not number.is_finite():
        raise InvalidOperation
    return number


def _validate_one(question: Question, raw, language: str) -> tuple[list[dict], str | None]:
    """Cleaned answer rows for one question, or an error message."""
    values = _as_list(raw)
    if not values:
        if question.required:
            return [], _("Please answer this question.")
        return [], None
    if question.type in CHOICE_TYPES:
        by_code = {choice.code: choice for choice in question.choices.all()}
        if any(not isinstance(v, str) for v in values) or len(set(values)) != len(values):
            return [], _("Please choose from the options given.")
        if question.type == QuestionType.SINGLE_CHOICE and len(values) > 1:
            return [], _("Please choose only one option.")
        unknown = [v for v in values if v not in by_code]
        if unknown:
            return [], _("Please choose from the options given.")
        if question.max_selections and len(values) > question.max_selections:
            return [], ngettext(
                "Please choose at most %(max)d option.",
                "Please choose at most %(max)d options.",
                question.max_selections,
            ) % {"max": question.max_selections}
        return [{"choice": by_code[v]} for v in values], None
    if len(values) > 1:
        return [], _("Please give only one answer.")
    value = values[0]
    if question.type in TEXT_TYPES:
        if not isinstance(value, str):
            return [], _("Please enter text.")
        text = value.strip()
        if not text:
            return ([], _("Please answer this question.")) if question.required else ([], None)
        limit = TEXT_LIMITS[question.type]
        if len(text) > limit:
            return [], _("Please shorten your answer to at most %(max)d characters.") % {"max": limit}
        return [{"text": text}], None
    try:
        number = _parse_number(value)
    except (InvalidOperation, ValueError, TypeError):
        return [], _("Please enter a number.")
    scale = SCALE_TYPES.get(question.type)
    if scale:
        low, high = scale
        if number != number.to_integral_value() or not low <= number <= high:
            return [], _("Please choose a whole number from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
        return [{"number": number.quantize(Decimal("1"))}], None
    if question.min_value is not None and number < question.min_value:
        return [], _("Please enter a number of at least %(min)s.") % {
            "min": format(question.min_value.normalize(), "f")
        }
    if question.max_value is not None and number > question.max_value:
        return [], _("Please enter a number of at most %(max)s.") % {
            "max": format(question.max_value.normalize(), "f")
        }
    if abs(number) > NUMBER_LIMIT:
        return [], _("This number is too large.")
    return [{"number": number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)}], None


def answers_validate(*, survey: Survey, answers: Mapping, language: str = "de", questions=None) -> list[dict]:
    """Check every answer against its question; raise ValidationError keyed by question code."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": _("Answers must be given per question code.")})
    questions = (
        list(questions) if questions is not None else list(survey.questions.prefetch_related("choices"))
    )
    by_code = {question.code: question for question in questions}
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - set(by_code))
    if unknown:
        errors["answers"] = [_("Unknown questions: %(codes)s") % {"codes": ", ".join(map(str, unknown))}]
    rows: list[dict] = []
    for question in questions:
        cleaned, error = _validate_one(question, answers.get(question.code), language)
        if error:
            errors[question.code] = [error]
        for row in cleaned:
            rows.append({"question": question, **row})
    if errors:
        raise ValidationError(errors)
    return rows


def response_submit(
    *,
    survey: Survey,
    answers: Mapping,
    collection_point: CollectionPoint | None = None,
    language: str = "",
    client_ip: str | None = None,
    questions=None,
) -> Response:
    """Validate and store one anonymous response in the survey's open wave, all answers or none.

    Raises SurveyNotOpen when the survey takes no answers, ValidationError (keyed by question code) otherwise.
    """
    if not survey.is_accepting():
        raise SurveyNotOpen
    # selectors.survey_by_token loads the open wave's id with the survey; other callers look it up here
    wave_id = getattr(survey, "open_wave_id", None)
    if not hasattr(survey, "open_wave_id"):
        wave_id = (
            survey.waves.filter(status=Wave.Status.OPEN)
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
    if wave_id is None:
        raise SurveyNotOpen
    if collection_point is not None and collection_point.survey_id != survey.pk:
        raise ValidationError({"collection_point": _("Unknown collection point.")})
    language = language if language in survey.languages else survey.languages[0]
    rows = answers_validate(survey=survey, answers=answers, language=language, questions=questions)
    # Every field of the response is set here from checked values, and the answers were validated above;
    # a full_clean would only repeat two lookups on the hot path of public submissions.
    response = Response(
        wave_id=wave_id,
        collection_point=collection_point,
        language=language,
        client_hash=client_hash(client_ip),
    )
    if connection.vendor == "postgresql":
        tallies.insert_submission(response, rows)  # one atomic statement, see docs/evaluation.md
        return response
    with transaction.atomic():
        response.save()
        Answer.objects.bulk_create(
            [
                Answer(
                    response=response,
                    question=row["question"],
                    choice=row.get("choice"),
                    number=row.get("number"),
                    text=row.get("text", ""),
                )
                for row in rows
            ]
        )
        tallies.count_submission(response=response, rows=rows)
    return response


@transaction.atomic
def responses_delete(*, survey: Survey, responses) -> int:
    """Delete responses of a survey (e.g. test or spam entries) and take them out of the results."""
    responses = Response.objects.filter(wave__survey=survey, pk__in=responses.values("pk"))
    count = responses.count()
    try:
        tallies.uncount_responses(responses)
        out_of_step = False
    except tallies.TalliesOutOfStep:
        out_of_step = True
    responses.delete()
    if out_of_step:
        tallies.rebuild(survey=survey)
    if count:
        signals.responses_changed.send(sender=Survey, survey_id=survey.pk)
    return count


# --- Findings ----------------------------------------------------------------------------------------

FINDING_FIELDS = {"statement", "description", "journey_stage", "target_group", "priority", "status"}


@transaction.atomic
def finding_create(*, programme: Programme, created_by=None, **fields) -> Finding:
    finding = Finding(programme=programme, created_by=created_by, **_only(fields, FINDING_FIELDS))
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, **fields) -> Finding:
    for name, value in _only(fields, FINDING_FIELDS).items():
        setattr(finding, name, value)
    finding.full_clean()
    finding.save()
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding) -> None:
    """Delete a finding with its evidence and the evidence's uploaded documents."""
    names = list(finding.evidence.exclude(document="").values_list("document", flat=True))
    finding.delete()
    _delete_documents_on_commit(names)


@transaction.atomic
def evidence_add(
    *,
    finding: Finding,
    kind: str,
    label: str = "",
    url: str = "",
    question: Question | None = None,
    snapshot=None,
    document=None,
    workshop: Workshop | None = None,
) -> Evidence:
    """Attach evidence to a finding: a web page, a document (an uploaded file, checked by
    ``documents.check_document``), a workshop of the same programme, or a question's figures.

    Without a label, a document is named by its file name and a workshop by its title and date.
    """
    from . import documents

    if question is not None and question.survey.programme_id != finding.programme_id:
        raise ValidationError({"question": _("The question belongs to another programme.")})
    if workshop is not None and workshop.programme_id != finding.programme_id:
        raise ValidationError({"workshop": _("The workshop belongs to another programme.")})
    document_name = ""
    if document is not None:
        if kind != Evidence.Kind.DOCUMENT:
            raise ValidationError({"document": _("Only evidence of the kind “document” has a file.")})
        document_name = documents.check_document(document)
    if workshop is not None and kind != Evidence.Kind.WORKSHOP:
        raise ValidationError({"workshop": _("Only evidence of the kind “workshop” names a workshop.")})
    if not label:
        label = document_name or url or (_workshop_label(workshop) if workshop is not None else "")
    evidence = Evidence(
        finding=finding,
        kind=kind,
        label=label[:300],
        url=url,
        question=question,
        snapshot=snapshot or {},
        workshop=workshop,
        document_name=document_name,
    )
    evidence.full_clean(exclude=["document"])
    if document is None:
        evidence.save()
        return evidence
    # The file gets a random name in storage (models.evidence_document_path). Should the row not be saved,
    # the file goes again; a file left by a later rollback of an outer transaction is unreachable.
    evidence.document.save(document_name, document, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.document.delete(save=False)
        raise
    return evidence


def _workshop_label(workshop: Workshop) -> str:
    from django.utils import formats

    return _("Workshop “%(title)s” on %(date)s") % {
        "title": workshop.title,
        "date": formats.date_format(timezone.localtime(workshop.starts_at), "SHORT_DATE_FORMAT"),
    }


def _survey_result_label(question: Question) -> str:
    label = _("Survey “%(survey)s”: %(question)s") % {
        "survey": question.survey.title,
        "question": question.text,
    }
    return label[:300]


def _result_snapshot(question: Question, filters) -> dict:
    """The question's figures under the filters as they are now, to keep as evidence. A segment below the
    minimum segment size is refused: its figures are hidden to protect anonymity, so they cannot be evidence."""
    from .selectors import question_snapshot, small_cell_threshold

    snapshot = question_snapshot(question, filters)
    if snapshot["suppressed"]:
        field = "segment_choice" if filters and filters.segment_choice else "collection_point"
        raise ValidationError(
            {
                field: _(
                    "Fewer than %(n)d responses in this segment: its figures are hidden to protect anonymity "
                    "and cannot become evidence."
                )
                % {"n": small_cell_threshold(question.survey)}
            }
        )
    return snapshot


@transaction.atomic
def evidence_add_survey_result(*, finding: Finding, question: Question, filters=None) -> Evidence:
    """Attach a question's current figures (under the given filters) to a finding, frozen as they are now;
    refused for a segment below the minimum segment size."""
    return evidence_add(
        finding=finding,
        kind=Evidence.Kind.SURVEY_RESULT,
        label=_survey_result_label(question),
        question=question,
        snapshot=_result_snapshot(question, filters),
    )


def _figure(value, decimals: int = 1) -> str:
    from django.utils.formats import number_format

    return number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def _draft_statement(question: Question, snapshot: Mapping) -> str:
    """A first statement for a finding, in the user's language, from the figures of one question."""
    from django.utils.text import Truncator
    from django.utils.translation import get_language, ngettext

    language = (get_language() or "de")[:2]
    stats = snapshot["stats"]
    respondents = stats["respondents"]
    text = Truncator(question.localized_text(language)).chars(150)
    figures = {"question": text, "n": respondents}
    if question.type in CHOICE_TYPES:
        top = max(stats["distribution"], key=lambda entry: entry["count"])
        labels = {choice.pk: choice.localized_label(language) for choice in question.choices.all()}
        statement = _("“%(question)s”: most frequent answer “%(answer)s” with %(share)s %% (n = %(n)d)") % {
            **figures,
            "answer": labels.get(top["choice_id"], top["label"]),
            "share": _figure(top["share"] or 0),
        }
    elif question.type == QuestionType.NPS and stats["nps"]:
        statement = _("“%(question)s”: NPS %(score)s (n = %(n)d)") % {
            **figures,
            "score": _figure(stats["nps"]["score"]),
        }
    elif stats["mean"] is not None:
        statement = _("“%(question)s”: mean %(mean)s, median %(median)s (n = %(n)d)") % {
            **figures,
            "mean": _figure(stats["mean"]),
            "median": _figure(stats["median"]),
        }
    else:
        statement = (
            ngettext(
                "“%(question)s”: %(n)d written answer",
                "“%(question)s”: %(n)d written answers",
                respondents,
            )
            % figures
        )
    applied = snapshot["filters"]
    scope = [applied[key] for key in ("wave_label", "collection_point_name", "segment_label") if applied[key]]
    if scope:
        statement = f"{statement} – {' · '.join(scope)}"
    return Truncator(statement).chars(300)


@transaction.atomic
def finding_create_from_question(
    *, programme: Programme, question: Question, filters=None, created_by=None
) -> Finding:
    """Create a finding from one question's result in one step (the "create finding" button of a chart).

    The draft statement is derived from the figures, the journey stage and target group come from the
    question, and the figures under the filters are attached as frozen evidence. Raises ValidationError when
    the question has no figures to show under the filters (no answers, or a segment too small to show).
    """
    if question.survey.programme_id != programme.pk:
        raise ValidationError({"question": _("The question belongs to another programme.")})
    snapshot = _result_snapshot(question, filters)
    if not snapshot["stats"] or not snapshot["stats"]["respondents"]:
        raise ValidationError({"question": _("This question has no answers under these filters yet.")})
    finding = finding_create(
        programme=programme,
        created_by=created_by,
        statement=_draft_statement(question, snapshot),
        journey_stage=question.journey_stage,
        target_group=question.target_group,
    )
    evidence_add(
        finding=finding,
        kind=Evidence.Kind.SURVEY_RESULT,
        label=_survey_result_label(question),
        question=question,
        snapshot=snapshot,
    )
    return finding


def _delete_documents_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    """Remove evidence; an uploaded document is deleted from storage once the removal is committed."""
    names = [evidence.document.name] if evidence.document else []
    evidence.delete()
    _delete_documents_on_commit(names)


class ImportErrors(ValidationError):
    """The rows that failed, each with its line number in the file (header = 1) and column."""

    def __init__(self, errors: list[dict]):
        self.rows = errors
        super().__init__([f"{e['row']}/{e['column']}: {e['message']}" for e in errors[:50]])


# Keys of an import record that are no answers (they start with "@", which no question code can)
POINT_KEY = importers.POINT_TARGET
SUBMITTED_KEY = importers.SUBMITTED_TARGET
SUBMITTED_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%d.%m.%y")
IMPORT_UPLOAD_MAX_AGE = timedelta(days=1)


def _parse_submitted(value, now) -> tuple[datetime | None, str | None]:
    """A submission time from a cell: ISO (2026-05-01, 2026-05-01 14:30) or German (01.05.2026 14:30)."""
    text = str(value).strip()
    parsed = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for pattern in SUBMITTED_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
    if parsed is None:
        return None, _("Please give the date as YYYY-MM-DD or DD.MM.YYYY, optionally with the time (HH:MM).")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now:
        return None, _("The submission date lies in the future.")
    if parsed.year < 2000:
        return None, _("The submission date is implausibly early.")
    return parsed, None


def _point_finder(survey: Survey):
    points = list(survey.collection_points.all())
    by_token = {point.token: point for point in points}
    by_name = {point.name.strip().casefold(): point for point in points}

    def find(value: str) -> CollectionPoint | None:
        value = str(value).strip()
        return by_token.get(value) or by_name.get(value.casefold())

    return find


@transaction.atomic
def responses_import(
    *,
    survey: Survey,
    wave: Wave,
    records: list[Mapping],
    columns: Mapping[str, str] | None = None,
    dry_run: bool = False,
    row_numbers: Sequence[int] | None = None,
    batch: ImportBatch | None = None,
) -> int:
    """Validate every record like a web submission and store all of them, or none (ImportErrors).

    A record maps question codes to raw answers; ``@collection_point`` (a point's name or token) and
    ``@submitted_at`` (a date) are optional. ``columns`` names the file column of each key and ``row_numbers``
    the file line of each record, for the error list (default: header on line 1, records from line 2).
    ``batch`` records the import so that it can be undone; ``dry_run`` only validates.
    """
    if wave.survey_id != survey.pk:
        raise ValidationError({"wave": _("The wave belongs to another survey.")})
    if batch is not None and (batch.survey_id != survey.pk or batch.wave_id != wave.pk):
        raise ValidationError({"wave": _("The import belongs to another survey or wave.")})
    columns = columns or {}
    numbers = list(row_numbers) if row_numbers is not None else list(range(2, len(records) + 2))
    if len(numbers) != len(records):
        raise ValueError("one row number per record")
    questions = list(survey.questions.prefetch_related("choices"))
    find_point = _point_finder(survey)
    now = timezone.now()
    errors: list[dict] = []
    validated = []
    for number, record in zip(numbers, records, strict=True):
        answers = {key: value for key, value in record.items() if not str(key).startswith("@")}
        meta: dict = {"collection_point": None, "submitted_at": None}
        if record.get(POINT_KEY) not in (None, ""):
            meta["collection_point"] = find_point(record[POINT_KEY])
            if meta["collection_point"] is None:
                errors.append(
                    {
                        "row": number,
                        "column": columns.get(POINT_KEY, POINT_KEY),
                        "message": _(
                            "Unknown collection point “%(value)s”: give the name or the token of one of this "
                            "survey's collection points."
                        )
                        % {"value": str(record[POINT_KEY])[:100]},
                    }
                )
        if record.get(SUBMITTED_KEY) not in (None, ""):
            meta["submitted_at"], message = _parse_submitted(record[SUBMITTED_KEY], now)
            if message:
                errors.append(
                    {"row": number, "column": columns.get(SUBMITTED_KEY, SUBMITTED_KEY), "message": message}
                )
        try:
            rows = answers_validate(survey=survey, answers=answers, questions=questions)
        except ValidationError as error:
            for code, messages in error.message_dict.items():
                errors.extend(
                    {"row": number, "column": columns.get(code, code), "message": message}
                    for message in messages
                )
        else:
            validated.append((rows, meta))
    if errors:
        raise ImportErrors(errors)
    if dry_run:
        return len(validated)
    if batch is not None:
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.UPLOADED:
            raise ValidationError(_("This file has already been imported."))
    language = survey.languages[0]
    responses = Response.objects.bulk_create(
        [
            Response(
                wave=wave,
                language=language,
                collection_point=meta["collection_point"],
                submitted_at=meta["submitted_at"] or now,
                import_batch=batch,
            )
            for _rows, meta in validated
        ],
        batch_size=1000,
    )
    Answer.objects.bulk_create(
        [
            Answer(
                response=response,
                question=row["question"],
                choice=row.get("choice"),
                number=row.get("number"),
                text=row.get("text", ""),
            )
            for response, (rows, _meta) in zip(responses, validated, strict=True)
            for row in rows
        ],
        batch_size=2000,
    )
    counter = tallies.TallyCounter()
    for response, (rows, _meta) in zip(responses, validated, strict=True):
        counter.add_response(
            response_id=response.pk,
            wave_id=wave.pk,
            point_id=response.collection_point_id,
            answers=[
                {
                    "question_id": row["question"].pk,
                    "choice_id": row["choice"].pk if row.get("choice") is not None else None,
                    "number": row.get("number"),
                }
                for row in rows
            ],
        )
    counter.save()
    if batch is not None:
        stored = batch.file.name
        batch.status = ImportBatch.Status.IMPORTED
        batch.row_count = len(responses)
        batch.imported_at = now
        batch.file = ""
        batch.save(update_fields=["status", "row_count", "imported_at", "file"])
        if stored:
            # the rows are in the database now; the file (with whatever else it held) is not kept
            transaction.on_commit(lambda: batch.file.storage.delete(stored))
    signals.responses_changed.send(sender=Survey, survey_id=survey.pk)
    return len(responses)


@transaction.atomic
def import_batch_create(
    *, survey: Survey, wave: Wave, file_name: str, created_by=None, upload=None
) -> ImportBatch:
    """Record a file about to be imported into a wave; the web import keeps the ``upload`` here between steps."""
    if wave.survey_id != survey.pk:
        raise ValidationError({"wave": _("The wave belongs to another survey.")})
    batch = ImportBatch(
        survey=survey, wave=wave, file_name=(file_name or "import")[:255], created_by=created_by
    )
    if upload is not None:
        upload.seek(0)
        batch.file.save(Path(file_name or "import").name[-100:], upload, save=False)
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def responses_import_recorded(
    *,
    survey: Survey,
    wave: Wave,
    records: list[Mapping],
    file_name: str,
    created_by=None,
    columns: Mapping[str, str] | None = None,
    row_numbers: Sequence[int] | None = None,
) -> ImportBatch:
    """Import all records or none (ImportErrors) as one recorded batch that can be undone (the API's import)."""
    batch = import_batch_create(survey=survey, wave=wave, file_name=file_name, created_by=created_by)
    responses_import(
        survey=survey, wave=wave, records=records, columns=columns, row_numbers=row_numbers, batch=batch
    )
    batch.refresh_from_db()
    return batch


@transaction.atomic
def import_batch_undo(*, batch: ImportBatch) -> int:
    """Delete every response a file import created and take them out of the results, in one step."""
    batch = ImportBatch.objects.select_for_update().select_related("survey").get(pk=batch.pk)
    if batch.status != ImportBatch.Status.IMPORTED:
        raise ValidationError(_("Only an imported file can be undone."))
    count = responses_delete(survey=batch.survey, responses=batch.responses.all())
    batch.status = ImportBatch.Status.UNDONE
    batch.undone_at = timezone.now()
    batch.save(update_fields=["status", "undone_at"])
    return count


def import_uploads_purge(*, now=None, max_age: timedelta = IMPORT_UPLOAD_MAX_AGE) -> int:
    """Delete uploads that were never imported (abandoned at the mapping step) and their files. Idempotent."""
    cutoff = (now or timezone.now()) - max_age
    abandoned = ImportBatch.objects.filter(status=ImportBatch.Status.UPLOADED, created_at__lt=cutoff)
    count = 0
    for batch in abandoned.iterator():
        name, storage = batch.file.name, batch.file.storage
        batch.delete()
        if name:
            storage.delete(name)
        count += 1
    return count


# --- Readiness self-check ----------------------------------------------------------------------------


@transaction.atomic
def readiness_assess(
    *,
    programme: Programme,
    assessed_by=None,
    levels: Mapping[str, int],
    notes: Mapping[str, str] | None = None,
    comment: str = "",
) -> ReadinessAssessment:
    """Record a self-check with a level 0–4 for every dimension; earlier checks stay as history."""
    notes = notes or {}
    missing = [label for value, label in ReadinessDimension.choices if value not in levels]
    if missing:
        raise ValidationError(
            {"levels": _("Please rate every dimension: %(names)s") % {"names": ", ".join(map(str, missing))}}
        )
    unknown = set(levels) - set(ReadinessDimension.values)
    if unknown:
        raise ValidationError(
            {"levels": _("Unknown dimensions: %(names)s") % {"names": ", ".join(sorted(unknown))}}
        )
    assessment = ReadinessAssessment(programme=programme, assessed_by=assessed_by, comment=comment)
    assessment.full_clean()
    assessment.save()
    scores = []
    for dimension in ReadinessDimension.values:
        score = ReadinessScore(
            assessment=assessment, dimension=dimension, level=levels[dimension], note=notes.get(dimension, "")
        )
        score.full_clean(exclude=["assessment"])
        scores.append(score)
    ReadinessScore.objects.bulk_create(scores)
    return assessment


def readiness_assess_scores(
    *, programme: Programme, assessed_by=None, scores: Sequence[Mapping], comment: str = ""
) -> ReadinessAssessment:
    """``readiness_assess`` from a list of ``{dimension, level, note}`` (the API's shape); a dimension rated
    twice is refused rather than one rating silently winning."""
    dimensions = [score["dimension"] for score in scores]
    if len(set(dimensions)) != len(dimensions):
        raise ValidationError({"scores": _("Each dimension may appear only once.")})
    return readiness_assess(
        programme=programme,
        assessed_by=assessed_by,
        levels={score["dimension"]: score["level"] for score in scores},
        notes={score["dimension"]: score.get("note", "") for score in scores},
        comment=comment,
    )
