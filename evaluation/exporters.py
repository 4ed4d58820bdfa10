"""Response exports: CSV (streamed) and XLSX (written row by row), one row per response.

Both read responses and answers with server-side iterators in response order and merge them, so memory
stays constant whatever the number of responses. Text cells that a spreadsheet would run as a formula are
prefixed with an apostrophe.
"""

import csv
import tempfile
from collections.abc import Iterator

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

from .models import Answer, QuestionType, Response, Survey
from .selectors import survey_questions

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _columns(questions) -> list[tuple[str, object, object]]:
    """(header, question, choice) per column; a multiple-choice question has one 0/1 column per option."""
    columns = []
    for question in questions:
        if question.type == QuestionType.MULTIPLE_CHOICE:
            columns += [
                (f"{question.code}__{choice.code}", question, choice) for choice in question.choices.all()
            ]
        else:
            columns.append((question.code, question, None))
    return columns


def export_rows(survey: Survey) -> Iterator[list]:
    """The header row, then one row per response (codes for choices, numbers, texts)."""
    questions = survey_questions(survey)
    columns = _columns(questions)
    yield ["response_id", "wave", "collection_point", "submitted_at", "language", *[c[0] for c in columns]]
    index = {}
    for position, (_header, question, choice) in enumerate(columns):
        index[(question.pk, choice.pk if choice else None)] = position
    choice_codes = {c.pk: c.code for q in questions for c in q.choices.all()}
    multiple = {q.pk for q in questions if q.type == QuestionType.MULTIPLE_CHOICE}
    multiple_positions = [position for (qid, cid), position in index.items() if qid in multiple and cid]
    responses = (
        Response.objects.filter(wave__survey=survey)
        .order_by("pk")
        .values_list("pk", "wave__number", "collection_point__name", "submitted_at", "language")
        .iterator(chunk_size=CHUNK)
    )
    answers = (
        Answer.objects.filter(response__wave__survey=survey)
        .order_by("response_id", "pk")
        .values_list("response_id", "question_id", "choice_id", "number", "text")
        .iterator(chunk_size=CHUNK)
    )
    pending = next(answers, None)
    for response_id, wave, point, submitted_at, language in responses:
        cells = [""] * len(columns)
        for position in multiple_positions:
            cells[position] = 0
        while pending is not None and pending[0] <= response_id:
            if pending[0] == response_id:
                _rid, question_id, choice_id, number, text = pending
                if question_id in multiple:
                    position = index.get((question_id, choice_id))
                    if position is not None:
                        cells[position] = 1
                else:
                    position = index.get((question_id, None))
                    if position is not None:
                        if choice_id is not None:
                            cells[position] = choice_codes.get(choice_id, "")
                        elif number is not None:
                            cells[position] = number.normalize() if number == number.to_integral() else number
                        else:
                            cells[position] = neutralise(text)
            pending = next(answers, None)
        yield [
            response_id,
            wave,
            neutralise(point or ""),
            timezone.localtime(submitted_at).strftime("%Y-%m-%d %H:%M:%S"),
            language,
            *cells,
        ]


class _Echo:
    def write(self, value):
        return value


def _csv_stream(survey: Survey) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    for row in export_rows(survey):
        yield writer.writerow([format(v, "f") if hasattr(v, "as_tuple") else v for v in row])


def export_response(survey: Survey, *, kind: str):
    stem = f"{slugify(survey.title)[:50] or 'survey'}-{timezone.localdate():%Y-%m-%d}"
    if kind == "csv":
        response = StreamingHttpResponse(_csv_stream(survey), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    for row in export_rows(survey):
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{stem}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
