"""Import of responses from CSV or XLSX (paper surveys typed in, or another survey tool's export).

Steps: ``read_table`` turns the file into a header and rows of strings; ``auto_mapping`` proposes which
column answers which question (question code, or ``code__choice`` 0/1 columns as in our export); the mapping
can be changed; ``records_from_rows`` turns rows into answers per question code; the service
``services.responses_import`` validates every row and stores all of them or none.
"""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import QuestionType

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
SEPARATORS = (";", "|", ",")
TRUE_VALUES = {"1", "x", "ja", "yes", "true", "wahr"}


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(upload) -> Table:
    """Header and rows of a CSV (UTF-8 or ISO-8859-1, ; or , separated) or XLSX file, as strings."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is too large (at most 10 MB).")})
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for broken files
            raise ValidationError({"file": _("The file could not be read as an Excel workbook.")}) from error
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("iso-8859-1")
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        rows = [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [row for row in rows if any(row)]
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    if len(rows) - 1 > MAX_ROWS:
        raise ValidationError({"file": _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}})
    header = rows[0]
    width = len(header)
    body = [(row + [""] * width)[:width] for row in rows[1:]]
    return Table(header=header, rows=body)


def auto_mapping(header: list[str], questions) -> dict[int, str]:
    """Column index → target: a question code, or ``code__choicecode`` for a 0/1 option column."""
    targets = set(mapping_choices(questions))
    mapping = {}
    for index, column in enumerate(header):
        key = column.strip()
        if key in targets:
            mapping[index] = key
    return mapping


def mapping_choices(questions) -> dict[str, str]:
    """Every target a column can be mapped to, with a readable label."""
    choices = {}
    for question in questions:
        choices[question.code] = f"{question.code} – {question.text[:60]}"
        if question.type == QuestionType.MULTIPLE_CHOICE:
            for choice in question.choices.all():
                choices[f"{question.code}__{choice.code}"] = f"{question.code}: {choice.label} (0/1)"
    return choices


def _choice_code(question, value: str) -> str:
    """Accept an option's code or its (German or English) label, case-insensitively."""
    lowered = value.strip().lower()
    for choice in question.choices.all():
        if lowered in {choice.code.lower(), choice.label.lower(), (choice.label_en or "").lower()}:
            return choice.code
    return value


def records_from_rows(table: Table, mapping: dict[int, str], questions) -> list[dict]:
    """One answers dict per row (question code → raw value), ready for the service's validation."""
    by_code = {question.code: question for question in questions}
    records = []
    for row in table.rows:
        answers: dict = {}
        for index, target in mapping.items():
            value = row[index] if index < len(row) else ""
            if "__" in target:
                code, choice_code = target.split("__", 1)
                if value.strip().lower() in TRUE_VALUES:
                    answers.setdefault(code, []).append(choice_code)
                continue
            question = by_code.get(target)
            if question is None or value == "":
                continue
            if question.type == QuestionType.MULTIPLE_CHOICE:
                parts = [value]
                for separator in SEPARATORS:
                    if separator in value:
                        parts = value.split(separator)
                        break
                answers[target] = [_choice_code(question, part) for part in parts if part.strip()]
            elif question.type == QuestionType.SINGLE_CHOICE:
                answers[target] = _choice_code(question, value)
            else:
                answers[target] = value
        records.append(answers)
    return records
