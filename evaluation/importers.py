"""Import of responses from CSV or XLSX (paper surveys typed in, or another survey tool's export).

Steps: ``read_table`` turns the file into a header and rows of strings, remembering each row's line in the
file; ``auto_mapping`` proposes which column answers which question (question code, or ``code__choice`` 0/1
columns as in our export) and which columns hold the collection point and the submission date; the mapping
can be changed (column by column on the page, by column name in the API: ``mapping_by_name``);
``records_from_rows`` turns rows into answers per question code; the service ``services.responses_import``
validates every row and stores all of them or none.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import QuestionType

MAX_ROWS = 20_000
MAX_BYTES = 10 * 1024 * 1024
SEPARATORS = (";", "|", ",")
TRUE_VALUES = {"1", "x", "ja", "yes", "true", "wahr"}


# Targets of a column that are no question: they start with "@", which no question code can
POINT_TARGET = "@collection_point"
SUBMITTED_TARGET = "@submitted_at"
# matched automatically by these column names only (those of our export), never by a guess
META_HEADERS = {POINT_TARGET: {"collection_point"}, SUBMITTED_TARGET: {"submitted_at"}}


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    # the file line (CSV) or sheet row (XLSX) of each row, so errors name the line a user sees; header first
    line_numbers: list[int] = field(default_factory=list)
    header_line: int = 1

    def __post_init__(self):
        if not self.line_numbers:
            self.line_numbers = list(range(self.header_line + 1, self.header_line + 1 + len(self.rows)))


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
        numbered = [
            (number, [_cell(v) for v in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("iso-8859-1")
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        numbered = []
        start = 1
        try:
            for row in reader:
                # a quoted cell may span lines: a row starts on the line after the previous row ended
                numbered.append((start, [_cell(v) for v in row]))
                start = reader.line_num + 1
        except csv.Error as error:
            raise ValidationError(
                {"file": _("The file could not be read as CSV (line %(line)d).") % {"line": reader.line_num}}
            ) from error
    # blank lines are skipped, but every row keeps the number of its line in the file
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise ValidationError({"file": _("The file is empty.")})
    if len(numbered) - 1 > MAX_ROWS:
        raise ValidationError({"file": _("The file has more than %(max)d rows.") % {"max": MAX_ROWS}})
    header_line, header = numbered[0]
    width = len(header)
    body = [(row + [""] * width)[:width] for _number, row in numbered[1:]]
    return Table(
        header=header,
        rows=body,
        line_numbers=[number for number, _row in numbered[1:]],
        header_line=header_line,
    )


def auto_mapping(header: list[str], questions) -> dict[int, str]:
    """Column index → target: a question code, ``code__choicecode`` for a 0/1 option column, or the
    collection point or submission date (columns named like ours, e.g. ``collection_point``, ``submitted_at``)."""
    targets = set(mapping_choices(questions))
    mapping = {}
    taken = set()
    for index, column in enumerate(header):
        key = column.strip()
        if key in targets:
            mapping[index] = key
            taken.add(key)
    for index, column in enumerate(header):
        key = column.strip().casefold()
        for target, names in META_HEADERS.items():
            if index not in mapping and target not in taken and key in names | {target}:
                mapping[index] = target
                taken.add(target)
    return mapping


def mapping_by_name(header: list[str], questions, names: dict[str, str]) -> dict[int, str]:
    """``auto_mapping`` changed column by column name (the API's ``mapping``): name → target; "" ignores it."""
    targets = mapping_choices(questions)
    mapping = auto_mapping(header, questions)
    for index, column in enumerate(header):
        if column not in names:
            continue
        target = names[column]
        if target and target not in targets:
            raise ValidationError({"mapping": _("Unknown question code: %(code)s") % {"code": target[:100]}})
        if target:
            mapping[index] = target
        else:
            mapping.pop(index, None)
    return mapping


def mapping_choices(questions) -> dict[str, str]:
    """Every target a column can be mapped to, with a readable label."""
    choices = {
        POINT_TARGET: str(_("Collection point (name or token)")),
        SUBMITTED_TARGET: str(_("Submission date")),
    }
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
    """One answers dict per row (question code → raw value, and the "@" targets), ready for the service."""
    by_code = {question.code: question for question in questions}
    records = []
    for row in table.rows:
        answers: dict = {}
        for index, target in mapping.items():
            value = row[index] if index < len(row) else ""
            if target.startswith("@"):
                if value != "":
                    answers[target] = value
                continue
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


def column_names(table: Table, mapping: dict[int, str]) -> dict[str, str]:
    """The file column behind each key of the records (for a question's 0/1 option columns, the first one), so
    the service's errors name the column a user sees."""
    columns: dict[str, str] = {}
    for index, target in mapping.items():
        columns.setdefault(target.split("__", 1)[0], table.header[index])
    return columns
