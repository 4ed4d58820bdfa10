"""Reads of Evaluation for pages, the API and reports.

Results are aggregated in the database into histograms (counts per choice and per numeric value); shares,
means, medians and NPS are derived from those histograms in Python. The number of queries is therefore fixed,
whatever the number of responses.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from programmes.models import Programme

from .models import (
    CHOICE_TYPES,
    DEFAULT_SMALL_CELL_THRESHOLD,
    SCALE_TYPES,
    Answer,
    AnswerTally,
    Choice,
    CollectionPoint,
    EvaluationSettings,
    Evidence,
    Finding,
    ImportBatch,
    Question,
    QuestionType,
    Response,
    Survey,
    Wave,
)

MAX_NUMBER_BARS = 30


@dataclass
class ResultFilters:
    wave: Wave | None = None
    collection_point: CollectionPoint | None = None
    segment_choice: Choice | None = None

    @property
    def segment_question(self) -> Question | None:
        return self.segment_choice.question if self.segment_choice else None

    @property
    def is_segment(self) -> bool:
        return bool(self.collection_point or self.segment_choice)

    def as_dict(self) -> dict:
        return {
            "wave": self.wave.pk if self.wave else None,
            "wave_label": self.wave.display_name if self.wave else "",
            "collection_point": self.collection_point.pk if self.collection_point else None,
            "collection_point_name": self.collection_point.name if self.collection_point else "",
            "segment_question": self.segment_choice.question_id if self.segment_choice else None,
            "segment_choice": self.segment_choice.pk if self.segment_choice else None,
            "segment_label": (
                f"{self.segment_choice.question.text}: {self.segment_choice.label}"
                if self.segment_choice
                else ""
            ),
        }


# --- Settings ----------------------------------------------------------------------------------------


def evaluation_settings(programme: Programme) -> EvaluationSettings:
    """The programme's Evaluation settings; the defaults (unsaved) when it has none yet."""
    found = EvaluationSettings.objects.filter(programme=programme).first()
    return found or EvaluationSettings(programme=programme)


def with_thresholds(queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    """Surveys with their programme's minimum segment size (``programme_threshold``), in the same query."""
    from django.db.models import Subquery

    programme_threshold = EvaluationSettings.objects.filter(programme=OuterRef("programme_id")).values(
        "small_cell_threshold"
    )[:1]
    return queryset.annotate(programme_threshold=Subquery(programme_threshold))


def small_cell_threshold(survey: Survey) -> int:
    """The minimum segment size in force for a survey: its own value, else its programme's, else the default.

    Free when the survey comes from ``with_thresholds``; otherwise one query, remembered on the instance.
    """
    if survey.small_cell_threshold is not None:
        return survey.small_cell_threshold
    if "programme_threshold" not in survey.__dict__:
        survey.programme_threshold = (
            EvaluationSettings.objects.filter(programme_id=survey.programme_id)
            .values_list("small_cell_threshold", flat=True)
            .first()
        )
    return survey.programme_threshold or DEFAULT_SMALL_CELL_THRESHOLD


# --- Lists -------------------------------------------------------------------------------------------


def with_response_counts(queryset: QuerySet[Survey]) -> QuerySet[Survey]:
    responses = Response.objects.filter(wave__survey=OuterRef("pk")).order_by().values("wave__survey")
    return queryset.annotate(response_count=_subquery_count(responses))


def programme_surveys(programme: Programme) -> QuerySet[Survey]:
    """Surveys of a programme with their response and question counts, in one query."""
    return (
        with_response_counts(Survey.objects.filter(programme=programme))
        .annotate(question_count=Count("questions", distinct=True))
        .order_by("-created_at")
    )


def _subquery_count(queryset):
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    return Coalesce(
        Subquery(queryset.annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()), 0
    )


def surveys_visible_to(user) -> QuerySet[Survey]:
    from programmes.selectors import programmes_visible_to

    return with_thresholds(
        Survey.objects.filter(programme__in=programmes_visible_to(user).values("pk")).select_related(
            "programme__organisation"
        )
    )


def survey_questions(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their choices (two queries)."""
    return list(
        survey.questions.select_related("section").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
        )
    )


_PUBLIC_QUESTIONS: dict[tuple[int, object], tuple[float, list[Question]]] = {}
PUBLIC_QUESTIONS_CACHE_SIZE = 64
PUBLIC_QUESTIONS_TTL = 60.0


def public_questions(survey: Survey) -> list[Question]:
    """``survey_questions`` for the public form and API, kept per process until the survey changes.

    Question and section services mark the survey as updated, so the key (survey, updated_at) renews with
    every change; every worker reads ``updated_at`` with the survey on each request. Changes made around the
    services (admin, shell) show after at most a minute. The list is only read, never changed.
    """
    import time

    key = (survey.pk, survey.updated_at)
    now = time.monotonic()
    cached = _PUBLIC_QUESTIONS.get(key)
    if cached is not None and now - cached[0] < PUBLIC_QUESTIONS_TTL:
        return cached[1]
    questions = survey_questions(survey)
    if len(_PUBLIC_QUESTIONS) >= PUBLIC_QUESTIONS_CACHE_SIZE:
        _PUBLIC_QUESTIONS.clear()
    _PUBLIC_QUESTIONS[key] = (now, questions)
    return questions


def survey_waves(survey: Survey) -> list[Wave]:
    """Waves with their response counts (one query)."""
    return list(survey.waves.annotate(response_count=Count("responses")).order_by("number"))


def survey_collection_points(survey: Survey) -> list[CollectionPoint]:
    return list(survey.collection_points.annotate(response_count=Count("responses")).order_by("name"))


def survey_responses(
    survey: Survey,
    *,
    wave_id: int | None = None,
    point_id: int | None = None,
    batch_id: int | None = None,
    submitted_from=None,
    submitted_to=None,
) -> QuerySet[Response]:
    """The survey's responses, newest first, with wave, point, import and the number of questions answered.

    ``batch_id`` 0 means the responses given online (not imported); dates are local calendar days, inclusive.
    One query per page whatever the filters; the answer count is a subquery on the answers' unique index.
    """
    from datetime import datetime, time, timedelta

    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    answered = (
        Answer.objects.filter(response=OuterRef("pk"))
        .order_by()
        .values("response")
        .annotate(n=Count("question", distinct=True))
        .values("n")
    )
    qs = (
        Response.objects.filter(wave__survey=survey)
        .select_related("wave", "collection_point", "import_batch")
        .annotate(answered=Coalesce(Subquery(answered[:1], output_field=IntegerField()), 0))
        .order_by("-submitted_at", "-pk")
    )
    if wave_id is not None:
        qs = qs.filter(wave_id=wave_id)
    if point_id is not None:
        qs = qs.filter(collection_point_id=point_id)
    if batch_id == 0:
        qs = qs.filter(import_batch__isnull=True)
    elif batch_id is not None:
        qs = qs.filter(import_batch_id=batch_id)
    if submitted_from is not None:
        qs = qs.filter(submitted_at__gte=timezone.make_aware(datetime.combine(submitted_from, time.min)))
    if submitted_to is not None:
        end = datetime.combine(submitted_to + timedelta(days=1), time.min)
        qs = qs.filter(submitted_at__lt=timezone.make_aware(end))
    return qs


def survey_import_batches(survey: Survey, *, imported_only: bool = False) -> QuerySet[ImportBatch]:
    """The survey's file imports (not pending uploads), newest first, with who imported them and how many of
    their responses remain (``remaining``), in one query."""
    qs = survey.import_batches.exclude(status=ImportBatch.Status.UPLOADED)
    if imported_only:
        qs = qs.filter(status=ImportBatch.Status.IMPORTED)
    remaining = Response.objects.filter(import_batch=OuterRef("pk")).order_by().values("import_batch")
    return (
        qs.select_related("wave", "created_by")
        .annotate(remaining=_subquery_count(remaining))
        .order_by("-created_at", "-pk")
    )


def survey_for_submission(token: str) -> Survey | None:
    """The survey of a public link with only what a submission needs, and ``open_wave_id``, in one query.

    The hottest read of the platform: every public API submission starts here. The SQL is written out
    because building the equivalent ORM query costs more time in Python than PostgreSQL needs to answer it.
    """
    survey_table = Survey._meta.db_table
    wave_table = Wave._meta.db_table
    surveys = Survey.objects.raw(
        "SELECT s.id, s.status, s.starts_at, s.ends_at, s.languages, s.updated_at, s.public_token, s.rate_limit, "  # noqa: S608 - table names from the models
        f"(SELECT w.id FROM {wave_table} w WHERE w.survey_id = s.id AND w.status = %s "
        "ORDER BY w.number DESC LIMIT 1) AS open_wave_id "
        f"FROM {survey_table} s WHERE s.public_token = %s",
        [Wave.Status.OPEN, token],
    )
    return next(iter(surveys), None)


def survey_by_token(token: str) -> Survey | None:
    """The survey of a public link with its programme, and the id of its open wave (``open_wave_id``)."""
    from django.db.models import Subquery

    open_wave = Wave.objects.filter(survey=OuterRef("pk"), status=Wave.Status.OPEN).order_by("-number")
    return (
        Survey.objects.select_related("programme__organisation")
        .annotate(open_wave_id=Subquery(open_wave.values("pk")[:1]))
        .filter(public_token=token)
        .first()
    )


# --- Results -----------------------------------------------------------------------------------------


def filtered_responses(survey: Survey, filters: ResultFilters | None = None) -> QuerySet[Response]:
    filters = filters or ResultFilters()
    qs = Response.objects.filter(wave__survey=survey)
    if filters.wave:
        qs = qs.filter(wave=filters.wave)
    if filters.collection_point:
        qs = qs.filter(collection_point=filters.collection_point)
    if filters.segment_choice:
        qs = qs.filter(Exists(Answer.objects.filter(response=OuterRef("pk"), choice=filters.segment_choice)))
    return qs


def _answers_under(answers: QuerySet[Answer], filters: ResultFilters) -> QuerySet[Answer]:
    """The answers given in the filters' wave, at their collection point, by respondents of their segment."""
    if filters.wave:
        answers = answers.filter(response__wave=filters.wave)
    if filters.collection_point:
        answers = answers.filter(response__collection_point=filters.collection_point)
    if filters.segment_choice:
        answers = answers.filter(
            Exists(Answer.objects.filter(response_id=OuterRef("response_id"), choice=filters.segment_choice))
        )
    return answers


def _filtered_answers(questions: list[Question], filters: ResultFilters) -> QuerySet[Answer]:
    return _answers_under(
        Answer.objects.filter(question_id__in=[q.pk for q in questions]), filters
    ).order_by()


def _median(histogram: list[tuple[float, int]], total: int) -> float | None:
    """Median of a sorted value histogram: the middle value, or the mean of the two middle values."""
    if not total:
        return None
    targets = [(total + 1) // 2, total // 2 + 1] if total % 2 == 0 else [(total + 1) // 2]
    found = []
    cumulative = 0
    for value, count in histogram:
        cumulative += count
        while targets and cumulative >= targets[0]:
            found.append(value)
            targets.pop(0)
        if not targets:
            break
    return sum(found) / len(found)


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def question_stats(
    question: Question,
    *,
    choice_hist: dict[int, int],
    number_hist: dict[Decimal, int],
    respondents: int,
    language: str = "de",
) -> dict:
    """Counts, shares, mean, median and NPS of one question, from its histograms."""
    result: dict = {
        "id": question.pk,
        "code": question.code,
        "text": question.localized_text(language),
        "type": question.type,
        "type_label": str(question.get_type_display()),
        "journey_stage": question.journey_stage,
        "target_group": question.target_group,
        "respondents": respondents,
        "distribution": [],
        "mean": None,
        "median": None,
        "nps": None,
    }
    if question.type in CHOICE_TYPES:
        result["distribution"] = [
            {
                "key": choice.code,
                "choice_id": choice.pk,
                "label": choice.localized_label(language),
                "count": choice_hist.get(choice.pk, 0),
                "share": _share(choice_hist.get(choice.pk, 0), respondents),
            }
            for choice in question.choices.all()
        ]
        return result
    if question.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        return result
    histogram = sorted((float(value), count) for value, count in number_hist.items())
    total = sum(count for _value, count in histogram)
    if total:
        result["mean"] = round(sum(value * count for value, count in histogram) / total, 2)
        result["median"] = _median(histogram, total)
    scale = SCALE_TYPES.get(question.type)
    if scale:
        counts = {int(value): count for value, count in histogram}
        values = range(scale[0], scale[1] + 1)
    else:
        counts = dict(histogram)
        values = [value for value, _count in histogram] if len(histogram) <= MAX_NUMBER_BARS else []
    result["distribution"] = [
        {
            "key": _format_number(value),
            "choice_id": None,
            "label": _format_number(value),
            "count": counts.get(value, 0),
            "share": _share(counts.get(value, 0), total),
        }
        for value in values
    ]
    if question.type == QuestionType.NPS and total:
        promoters = sum(c for v, c in histogram if v >= 9)
        detractors = sum(c for v, c in histogram if v <= 6)
        result["nps"] = {
            "promoters": _share(promoters, total),
            "passives": _share(total - promoters - detractors, total),
            "detractors": _share(detractors, total),
            "score": round(100 * (promoters - detractors) / total, 1),
        }
    return result


def _format_number(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def _histograms(answers: QuerySet[Answer], questions: list[Question], group: tuple[str, ...] = ()):
    """Counts per choice and per number from one aggregate query, respondents per question from a second.

    Every question but a multiple-choice one has at most one answer row per response, so its respondents
    are the sum of its histogram; only multiple-choice questions need a distinct count of responses.
    """
    choice_hist: dict = defaultdict(dict)
    number_hist: dict = defaultdict(dict)
    respondents: dict = defaultdict(int)
    for row in answers.values(*group, "question_id", "choice_id", "number").annotate(n=Count("id")):
        key = (*[row[g] for g in group], row["question_id"])
        if row["choice_id"] is not None:
            choice_hist[key][row["choice_id"]] = row["n"]
        elif row["number"] is not None:
            number_hist[key][row["number"]] = row["n"]
        respondents[key] += row["n"]
    multiple = [q.pk for q in questions if q.type == QuestionType.MULTIPLE_CHOICE]
    if multiple:
        distinct = (
            answers.filter(question_id__in=multiple)
            .values(*group, "question_id")
            .annotate(n=Count("response_id", distinct=True))
        )
        for key in [k for k in respondents if k[-1] in multiple]:
            del respondents[key]
        for row in distinct:
            respondents[(*[row[g] for g in group], row["question_id"])] = row["n"]
    return choice_hist, number_hist, respondents


def _tally_histograms(questions: list[Question], filters: ResultFilters, group: tuple[str, ...] = ()):
    """The same histograms as ``_histograms``, read from the pre-aggregated tallies (no segment filter).

    A tally row without choice and number counts the respondents of its question.
    """
    qs = AnswerTally.objects.filter(question_id__in=[q.pk for q in questions], count__gt=0)
    if filters.wave:
        qs = qs.filter(wave=filters.wave)
    if filters.collection_point:
        qs = qs.filter(collection_point=filters.collection_point)
    choice_hist: dict = defaultdict(dict)
    number_hist: dict = defaultdict(dict)
    respondents: dict = defaultdict(int)
    rows = qs.order_by().values(*group, "question_id", "choice_id", "number").annotate(n=Sum("count"))
    for row in rows:
        key = (*[row[g] for g in group], row["question_id"])
        if row["choice_id"] is not None:
            choice_hist[key][row["choice_id"]] = row["n"]
        elif row["number"] is not None:
            number_hist[key][row["number"]] = row["n"]
        else:
            respondents[key] = row["n"]
    return choice_hist, number_hist, respondents


def survey_results(
    survey: Survey,
    filters: ResultFilters | None = None,
    *,
    questions: list[Question] | None = None,
    language: str = "de",
) -> dict:
    """Every question's figures under the filters; a segment below the survey's threshold is suppressed."""
    filters = filters or ResultFilters()
    questions = questions if questions is not None else survey_questions(survey)
    total = filtered_responses(survey, filters).count()
    threshold = small_cell_threshold(survey)
    suppressed = filters.is_segment and total < threshold
    result = {
        "survey": survey.pk,
        "title": survey.title,
        "filters": filters.as_dict(),
        "responses": None if suppressed else total,
        "threshold": threshold,
        "suppressed": suppressed,
        "questions": [],
    }
    if suppressed:
        return result
    if filters.segment_choice:
        choice_hist, number_hist, respondents = _histograms(_filtered_answers(questions, filters), questions)
    else:
        choice_hist, number_hist, respondents = _tally_histograms(questions, filters)
    result["questions"] = [
        question_stats(
            question,
            choice_hist=choice_hist.get((question.pk,), {}),
            number_hist=number_hist.get((question.pk,), {}),
            respondents=respondents.get((question.pk,), 0),
            language=language,
        )
        for question in questions
    ]
    return result


# --- Split results (crosstab) ------------------------------------------------------------------------

SPLIT_BY_POINT = "collection_point"
CROSSTAB_TYPES = {*CHOICE_TYPES, *SCALE_TYPES}


def crosstab_targets(questions: list[Question], split_question: Question | None = None) -> list[Question]:
    """The questions a split can show: choice and scale questions, without the one that splits."""
    return [q for q in questions if q.type in CROSSTAB_TYPES and q != split_question]


def _split_segments(
    survey: Survey,
    split_question: Question | None,
    points: list[CollectionPoint],
    filters: ResultFilters,
    language,
) -> list[dict]:
    """The columns of a split: the options of the splitting question, or the collection points and the
    general link. A filter on the same question or point leaves only its own column."""
    if split_question is not None:
        choices = list(split_question.choices.all())
        if filters.segment_choice and filters.segment_choice.question_id == split_question.pk:
            choices = [c for c in choices if c.pk == filters.segment_choice.pk]
        return [{"id": c.pk, "key": c.code, "label": c.localized_label(language)} for c in choices]
    segments = [{"id": p.pk, "key": str(p.pk), "label": p.name} for p in points]
    segments.append({"id": None, "key": "none", "label": str(_("General link (no collection point)"))})
    if filters.collection_point:
        segments = [s for s in segments if s["id"] == filters.collection_point.pk]
    return segments


def survey_crosstab(
    survey: Survey,
    *,
    split_question: Question | None,
    filters: ResultFilters | None = None,
    questions: list[Question],
    points: list[CollectionPoint],
    targets: list[Question] | None = None,
    language: str = "de",
) -> dict:
    """Results side by side per segment: the answers of each target question (rows) by the answer to
    ``split_question`` or, when it is None, by collection point (columns), under the result filters.

    Every column has its segment size, and per question its respondents, counts, column shares, mean, median
    and NPS; a segment below the minimum segment size is suppressed. Aggregated in the database in two or three
    queries whatever the number of responses: segment sizes, then the histograms per segment (from the tallies
    when splitting by collection point without an answer filter). A respondent who chose several options of a
    multiple-choice split counts in each of their columns.
    """
    filters = filters or ResultFilters()
    targets = targets if targets is not None else crosstab_targets(questions, split_question)
    threshold = small_cell_threshold(survey)
    segments = _split_segments(survey, split_question, points, filters, language)
    if split_question is not None:
        sizes_rows = (
            _filtered_answers([split_question], filters)
            .filter(choice__isnull=False)
            .values("choice_id")
            .annotate(n=Count("id"))
        )
        sizes = {row["choice_id"]: row["n"] for row in sizes_rows}
        group = ("response__answers__choice_id",)
        answers = _filtered_answers(targets, filters).filter(response__answers__question_id=split_question.pk)
        histograms = _histograms(answers, targets, group) if targets else ({}, {}, {})
    else:
        sizes_rows = filtered_responses(survey, filters).order_by().values("collection_point_id")
        sizes = {row["collection_point_id"]: row["n"] for row in sizes_rows.annotate(n=Count("id"))}
        if not targets:
            histograms = ({}, {}, {})
        elif filters.segment_choice:
            group = ("response__collection_point_id",)
            histograms = _histograms(_filtered_answers(targets, filters), targets, group)
        else:
            histograms = _tally_histograms(targets, filters, ("collection_point_id",))
    choice_hist, number_hist, respondents = histograms
    for segment in segments:
        size = sizes.get(segment["id"], 0)
        segment["suppressed"] = size < threshold
        segment["responses"] = None if segment["suppressed"] else size
    rows = []
    for question in targets:
        columns = []
        for segment in segments:
            if segment["suppressed"]:
                columns.append({"segment": segment["key"], "suppressed": True, "stats": None})
                continue
            key = (segment["id"], question.pk)
            stats = question_stats(
                question,
                choice_hist=choice_hist.get(key, {}),
                number_hist=number_hist.get(key, {}),
                respondents=respondents.get(key, 0),
                language=language,
            )
            columns.append({"segment": segment["key"], "suppressed": False, "stats": stats})
        answers = [
            {"key": entry["key"], "label": entry["label"]}
            for entry in question_stats(
                question, choice_hist={}, number_hist={}, respondents=0, language=language
            )["distribution"]
        ]
        rows.append(
            {
                "id": question.pk,
                "code": question.code,
                "text": question.localized_text(language),
                "type": question.type,
                "type_label": str(question.get_type_display()),
                "answers": answers,
                "columns": columns,
            }
        )
    return {
        "survey": survey.pk,
        "title": survey.title,
        "filters": filters.as_dict(),
        "threshold": threshold,
        "split_by": {
            "kind": "question" if split_question is not None else SPLIT_BY_POINT,
            "question": split_question.pk if split_question is not None else None,
            "code": split_question.code if split_question is not None else SPLIT_BY_POINT,
            "text": (
                split_question.localized_text(language)
                if split_question is not None
                else str(_("Collection point"))
            ),
        },
        "segments": segments,
        "questions": rows,
    }


def question_snapshot(question: Question, filters: ResultFilters | None = None) -> dict:
    """One question's figures as they are now, for a finding's evidence (kept unchanged later)."""
    from django.utils import timezone

    results = survey_results(question.survey, filters, questions=[question])
    stats = results["questions"][0] if results["questions"] else None
    return {
        "taken_at": timezone.now().isoformat(),
        "survey": question.survey_id,
        "survey_title": question.survey.title,
        "question": question.pk,
        "question_text": question.text,
        "filters": results["filters"],
        "responses": results["responses"],
        "suppressed": results["suppressed"],
        "stats": stats,
    }


def wave_comparison(survey: Survey, *, language: str = "de") -> dict:
    """Per question and wave: respondents, mean, NPS and shares, with the change from the first to the last wave."""
    waves = survey_waves(survey)
    waves = [wave for wave in waves if wave.status != Wave.Status.PLANNED or wave.response_count]
    questions = survey_questions(survey)
    choice_hist, number_hist, respondents = _tally_histograms(questions, ResultFilters(), ("wave_id",))
    rows = []
    for question in questions:
        per_wave = []
        for wave in waves:
            key = (wave.pk, question.pk)
            stats = question_stats(
                question,
                choice_hist=choice_hist.get(key, {}),
                number_hist=number_hist.get(key, {}),
                respondents=respondents.get(key, 0),
                language=language,
            )
            per_wave.append(
                {"wave": wave.pk, "wave_label": wave.display_name, "responses": wave.response_count, **stats}
            )
        with_data = [entry for entry in per_wave if entry["respondents"]]
        change = None
        if len(with_data) >= 2:
            first, last = with_data[0], with_data[-1]
            change = {
                "from_wave": first["wave_label"],
                "to_wave": last["wave_label"],
                "mean": _delta(first["mean"], last["mean"]),
                "nps": _delta(
                    first["nps"]["score"] if first["nps"] else None,
                    last["nps"]["score"] if last["nps"] else None,
                ),
                # free numbers have different values per wave: compare the values both waves have
                "shares": {
                    a["key"]: _delta(a["share"], later[a["key"]])
                    for later in [{b["key"]: b["share"] for b in last["distribution"]}]
                    for a in first["distribution"]
                    if a["key"] in later
                },
            }
        rows.append(
            {
                "id": question.pk,
                "code": question.code,
                "text": question.localized_text(language),
                "type": question.type,
                "lower_is_better": question.type == QuestionType.SCHOOL_GRADE,
                "waves": per_wave,
                "change": change,
            }
        )
    return {
        "survey": survey.pk,
        "waves": [{"id": w.pk, "label": w.display_name, "responses": w.response_count} for w in waves],
        "questions": rows,
    }


def _delta(before, after):
    if before is None or after is None:
        return None
    return round(after - before, 2)


def segment_suppressed(survey: Survey, filters: ResultFilters) -> bool:
    """Whether the filters pick a segment (collection point, answer) smaller than the threshold (one query)."""
    if not filters.is_segment:
        return False
    return filtered_responses(survey, filters).count() < small_cell_threshold(survey)


def text_answers(
    question: Question, *, search: str = "", filters: ResultFilters | None = None
) -> QuerySet[Answer]:
    """Free-text answers of a question under the result filters, newest first, optionally searched.

    The caller hides them when ``segment_suppressed`` says the segment is too small.
    """
    qs = _answers_under(question.answers.exclude(text=""), filters or ResultFilters()).select_related(
        "response__wave", "response__collection_point"
    )
    if search:
        qs = qs.filter(text__icontains=search)
    return qs.order_by("-response__submitted_at", "-id")


# --- Findings ----------------------------------------------------------------------------------------


PRIORITY_RANK = Case(
    When(priority=Finding.Priority.HIGH, then=Value(0)),
    When(priority=Finding.Priority.MEDIUM, then=Value(1)),
    default=Value(2),
)


def programme_findings(programme: Programme) -> QuerySet[Finding]:
    """Findings with their evidence, discarded last, then high priority first (two queries)."""
    return (
        Finding.objects.filter(programme=programme)
        .annotate(
            evidence_count=Count("evidence"),
            priority_rank=PRIORITY_RANK,
            discarded=Case(When(status=Finding.Status.DISCARDED, then=Value(1)), default=Value(0)),
        )
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("question")))
        .order_by("discarded", "priority_rank", "-created_at")
    )


def findings_visible_to(user) -> QuerySet[Finding]:
    from programmes.selectors import programmes_visible_to

    return Finding.objects.filter(programme__in=programmes_visible_to(user).values("pk")).prefetch_related(
        "evidence"
    )


# --- Readiness ---------------------------------------------------------------------------------------


def readiness_history(programme: Programme, *, limit: int = 20) -> list:
    """The programme's self-checks, newest first, with their scores (two queries)."""
    from .models import ReadinessAssessment

    return list(
        ReadinessAssessment.objects.filter(programme=programme)
        .select_related("assessed_by")
        .prefetch_related("scores")[:limit]
    )


def readiness_rows(assessment) -> list[dict]:
    """Dimension, label and level of an assessment, in the fixed order of the dimensions."""
    from .models import ReadinessDimension

    levels = {score.dimension: score for score in assessment.scores.all()} if assessment else {}
    return [
        {
            "dimension": value,
            "label": str(label),
            "level": levels[value].level if value in levels else None,
            "note": levels[value].note if value in levels else "",
        }
        for value, label in ReadinessDimension.choices
    ]


def readiness_visible_to(user):
    from programmes.selectors import programmes_visible_to

    from .models import ReadinessAssessment

    return (
        ReadinessAssessment.objects.filter(programme__in=programmes_visible_to(user).values("pk"))
        .select_related("assessed_by")
        .prefetch_related("scores")
    )
