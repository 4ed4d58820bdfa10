"""The request side of results, shared by the pages and the API: reading the result filters and the split
from query parameters (with a message per bad parameter), and shaping figures for static/js/charts.js.

The figures themselves are read by ``selectors`` (``survey_results``, ``survey_crosstab``)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from config.converters import parse_id

from .selectors import CROSSTAB_TYPES, SPLIT_BY_POINT, ResultFilters, survey_questions


def _as_id(params, name: str, errors: dict) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    parsed = parse_id(value)
    if parsed is None:
        errors[name] = [_("Please give a number.")]
    return parsed


def parse_result_filters(params, *, waves, points, questions) -> ResultFilters:
    """Filters from query parameters (wave, collection_point, segment_question, segment_choice).

    Uses the already loaded waves, points and questions, so parsing costs no queries.
    Raises ValidationError with a message per parameter.
    """
    errors: dict[str, list[str]] = {}
    wave_id = _as_id(params, "wave", errors)
    point_id = _as_id(params, "collection_point", errors)
    question_id = _as_id(params, "segment_question", errors)
    choice_id = _as_id(params, "segment_choice", errors)
    wave = next((w for w in waves if w.pk == wave_id), None)
    if wave_id is not None and wave is None:
        errors["wave"] = [_("This survey has no such wave.")]
    point = next((p for p in points if p.pk == point_id), None)
    if point_id is not None and point is None:
        errors["collection_point"] = [_("This survey has no such collection point.")]
    choices = {}
    for question in questions:
        if question.has_choices:
            for choice in question.choices.all():
                choice.question = question
                choices[choice.pk] = choice
    choice = choices.get(choice_id)
    if choice_id is not None and choice is None:
        errors["segment_choice"] = [_("This survey has no such answer option.")]
    elif question_id is not None and choice is None:
        errors["segment_choice"] = [_("Choose the answer that defines the segment.")]
    elif question_id is not None and choice.question_id != question_id:
        errors["segment_choice"] = [_("This answer option belongs to another question.")]
    if errors:
        raise ValidationError(errors)
    return ResultFilters(wave=wave, collection_point=point, segment_choice=choice)


def chart_payload(item: dict) -> dict:
    """What static/js/charts.js needs to draw one question's distribution."""
    return {
        "labels": [entry["label"] for entry in item["distribution"]],
        "counts": [entry["count"] for entry in item["distribution"]],
        "shares": [entry["share"] or 0 for entry in item["distribution"]],
        "horizontal": item["type"] in {"single_choice", "multiple_choice"},
        "label": _("Share of respondents in %"),
    }


def question_result_filters(question, params) -> ResultFilters:
    """The result filters in ``params`` checked against the survey of ``question`` (raises ValidationError)."""
    survey = question.survey
    return parse_result_filters(
        params,
        waves=list(survey.waves.all()),
        points=list(survey.collection_points.all()),
        questions=survey_questions(survey),
    )


def parse_split(params, *, questions) -> tuple[object | None, object | None]:
    """The question that splits (None: by collection point) and the one question to show (None: all) from
    the query parameters ``split_by`` (a question code or ``collection_point``) and ``question`` (an id).

    Uses the already loaded questions; raises ValidationError with a message per parameter.
    """
    errors: dict[str, list[str]] = {}
    split_by = (params.get("split_by") or "").strip()
    split_question = None
    if not split_by:
        errors["split_by"] = [_("Choose a question or the collection point to split by.")]
    elif split_by != SPLIT_BY_POINT:
        split_question = next((q for q in questions if q.code == split_by), None)
        if split_question is None:
            errors["split_by"] = [_("This survey has no question with this code.")]
        elif not split_question.has_choices:
            errors["split_by"] = [
                _("Split by a single- or multiple-choice question, or by collection point.")
            ]
    target_id = _as_id(params, "question", errors)
    target = None
    if target_id is not None:
        target = next((q for q in questions if q.pk == target_id), None)
        if target is None:
            errors["question"] = [_("This survey has no such question.")]
        elif target.type not in CROSSTAB_TYPES:
            errors["question"] = [_("Only choice and scale questions can be shown side by side.")]
    if errors:
        raise ValidationError(errors)
    return split_question, target


def crosstab_chart_payload(item: dict, segments: list[dict]) -> dict:
    """What static/js/charts.js needs to draw one split question: grouped bars, one set per shown segment."""
    return {
        "kind": "grouped",
        "labels": [answer["label"] for answer in item["answers"]],
        "datasets": [
            {
                "label": segment["label"],
                "values": [entry["share"] or 0 for entry in column["stats"]["distribution"]],
                "counts": [entry["count"] for entry in column["stats"]["distribution"]],
            }
            for segment, column in zip(segments, item["columns"], strict=True)
            if not column["suppressed"]
        ],
        "horizontal": item["type"] in {"single_choice", "multiple_choice"},
        "label": _("Share of respondents in %"),
    }
