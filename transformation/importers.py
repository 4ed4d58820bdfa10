"""File formats of data imports: parsing only (no database writes), streaming, errors by row and column.

Two formats (documented for users in docs/imports.md):

- **Generic KPI values** (CSV or XLSX): columns ``kpi`` (the KPI code), ``period`` (``YYYY-MM-DD``, ``YYYY-MM``,
  ``YYYY-Qn``, ``YYYY``, or ``DD.MM.YYYY``) or the two columns ``start`` and ``end`` (dates), ``value`` (German
  decimal comma or English decimal point) and an optional ``note``. German headers work too
  (``Kennzahl``, ``Zeitraum``, ``Beginn``, ``Ende``, ``Wert``, ``Notiz``).
- **Pedestrian counter exports**: semicolon-separated hourly rows with German or English column names
  (``Lage;Zeitpunkt der Messung;Wochentag;Fußgänger insgesamt;Temperatur in ºc;Wetterlage;…`` or
  ``location;time of measurement;weekday;pedestrians count;temperature in ºc;weather condition;…``) plus the
  optional per-direction and adult/child counts; aggregated per location and local day.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2. Every error is
a dict ``{"row": int | None, "column": str, "message": str}`` (row None: a problem of the whole file).
"""

import codecs
import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone as django_timezone
from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 200
CHUNK = 1024 * 1024
PROGRESS_EVERY = 5_000
MAX_VALUE = Decimal("1e12")  # Measurement.value: 16 digits, 4 of them decimals

ProgressCallback = Callable[[int], None]


# --- Shared helpers ------------------------------------------------------------------------------


class HeaderError(Exception):
    """A problem with the file as a whole (unreadable, empty, a required column missing)."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


def error(row: int | None, column: str, message: str) -> dict:
    return {"row": row, "column": column, "message": str(message)}


def normalise(name: str) -> str:
    """A column name compared loosely: lower case, ``º``/``°`` unified, single spaces, no BOM or quotes."""
    text = (name or "").replace("\ufeff", "").replace("º", "°").strip().strip('"').lower()
    return re.sub(r"[\s_]+", " ", text)


C1_BYTES = re.compile(rb"[\x80-\x9f]")
CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")


def detect_encoding(stream) -> tuple[str, int]:
    """Read the byte stream once in chunks: ``utf-8-sig`` when it decodes as UTF-8, else ``iso-8859-1``, or
    ``cp1252`` when bytes 0x80–0x9F occur that Windows uses for € „ “ – and the like. Also returns the number
    of lines (for progress)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, c1, cp1252, lines, size = True, False, True, 0, 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise HeaderError(
                [error(None, "", _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_BYTES >> 20})]
            )
        lines += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                utf8 = False
        c1 = c1 or bool(C1_BYTES.search(chunk))
        cp1252 = cp1252 and not CP1252_UNDEFINED.search(chunk)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    stream.seek(0)
    if size == 0:
        raise HeaderError([error(None, "", _("The file is empty."))])
    if utf8:
        return "utf-8-sig", max(lines, 1)
    return ("cp1252" if c1 and cp1252 else "iso-8859-1"), max(lines, 1)


def sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def csv_rows(stream, encoding: str, *, delimiter: str | None = None) -> Iterator[list[str]]:
    """Rows of a CSV byte stream as lists of stripped strings, decoded on the fly."""
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    first = text.readline()
    if delimiter is None:
        delimiter = sniff_delimiter(first)
    try:
        yield from csv.reader(_chain([first], text), delimiter=delimiter)
    finally:
        with contextlib.suppress(ValueError):  # the caller's stream may be closed already
            text.detach()  # else closing the wrapper would close the caller's stream


def _chain(first: list[str], rest) -> Iterator[str]:
    yield from first
    yield from rest


def xlsx_rows(stream) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise HeaderError([error(None, "", _("The file could not be read as an Excel workbook."))]) from exc
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


SIMPLE_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def parse_decimal(text: str) -> Decimal:
    """A number written the German (``1.234,5``) or the English way (``1,234.5``).

    With both separators the last one is the decimal mark; a lone comma is a decimal comma; a lone point is a
    decimal point; a separator repeated (``1.234.567``) groups thousands. Raises ValueError.
    """
    simple = text.strip()
    if SIMPLE_NUMBER.fullmatch(simple):  # the common case, fast: 12 / -3,5 / 18.5
        return Decimal(simple.replace(",", "."))
    value = simple.replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not value:
        raise ValueError("empty")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif value.count(",") > 1:
        value = value.replace(",", "")
    elif value.count(".") > 1:
        value = value.replace(".", "")
    else:
        value = value.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise ValueError(text)
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(text) from exc


THOUSANDS = re.compile(r"\d{1,3}([.,]\d{3})+")


def parse_count(text: str) -> int:
    """A non-negative whole number; ``1.234`` and ``1,234`` read as thousands. Raises ValueError."""
    value = text.strip()
    if value.isdigit():  # the common case, fast
        return int(value)
    value = value.replace("\u00a0", "").replace(" ", "")
    if THOUSANDS.fullmatch(value):
        value = value.replace(".", "").replace(",", "")
    number = parse_decimal(value)
    if number != number.to_integral_value() or number < 0:
        raise ValueError(text)
    return int(number)


# --- Generic KPI values --------------------------------------------------------------------------

GENERIC_COLUMNS = {
    "kpi": ("kpi", "kpi code", "code", "kennzahl", "kennzahl code", "kpi-code"),
    "period": ("period", "zeitraum", "periode", "date", "datum"),
    "start": ("start", "period start", "from", "beginn", "von", "start date"),
    "end": ("end", "period end", "to", "ende", "bis", "end date"),
    "value": ("value", "wert"),
    "note": ("note", "notiz", "bemerkung", "anmerkung", "comment", "kommentar"),
}


@dataclass
class ValueRow:
    row: int
    kpi_code: str
    period_start: date
    period_end: date
    value: Decimal
    note: str
    kpi_id: int | None = None


@dataclass
class ParseResult:
    encoding: str = ""
    rows_total: int = 0
    records: list = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # counter exports: field → the file's column name

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error(row, column, message))


def parse_period(text: str) -> tuple[date, date]:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` (a day), ``YYYY-MM`` (a month), ``YYYY-Qn`` (a quarter), ``YYYY``."""
    value = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        day = date(*map(int, match.groups()))
        return day, day
    if match := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value):
        d, m, y = map(int, match.groups())
        day = date(y, m, d)
        return day, day
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
        year, month = map(int, match.groups())
        return date(year, month, 1), _month_end(year, month)
    if match := re.fullmatch(r"(\d{4})-?Q([1-4])", value):
        year, quarter = int(match.group(1)), int(match.group(2))
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
    if re.fullmatch(r"\d{4}", value):
        year = int(value)
        return date(year, 1, 1), date(year, 12, 31)
    raise ValueError(text)


def parse_date(text: str) -> date:
    start, end = parse_period(text)
    if start != end:
        raise ValueError(text)
    return start


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _match_columns(header: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = normalise(name)
        for target, names in aliases.items():
            if target not in found and key in names:
                found[target] = index
    return found


def _open_rows(stream, name: str, result: ParseResult) -> tuple[Iterator[list[str]], int]:
    if name.lower().endswith(".xlsx"):
        result.encoding = "xlsx"
        return xlsx_rows(stream), 0
    result.encoding, lines = detect_encoding(stream)
    return csv_rows(stream, result.encoding), lines


def parse_generic(stream, name: str, *, progress: ProgressCallback | None = None) -> ParseResult:
    """KPI values from a CSV or XLSX byte stream. Header problems raise HeaderError; row problems are collected."""
    result = ParseResult()
    rows, lines = _open_rows(stream, name, result)
    try:
        return _generic(rows, lines, result, progress)
    finally:
        rows.close()


def _generic(rows, lines: int, result: ParseResult, progress: ProgressCallback | None) -> ParseResult:
    header = _header(rows)
    columns = _match_columns(header, GENERIC_COLUMNS)
    missing = [target for target in ("kpi", "value") if target not in columns]
    if "period" not in columns and not ("start" in columns and "end" in columns):
        missing.append("period")
    if missing:
        raise HeaderError(
            [
                error(1, target, _("The column “%(column)s” is missing.") % {"column": target})
                for target in missing
            ]
        )
    seen: dict[tuple, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        result.rows_total += 1
        if progress and lines and result.rows_total % PROGRESS_EVERY == 0:
            progress(min(99, 100 * number // lines))

        def cell(target: str, row=row) -> str:
            index = columns.get(target)
            return row[index].strip() if index is not None and index < len(row) else ""

        errors_before = result.error_count
        code = cell("kpi")
        if not code:
            result.add_error(number, header[columns["kpi"]], _("The KPI code is missing."))
        try:
            if "period" in columns and cell("period"):
                start, end = parse_period(cell("period"))
            else:
                start = parse_date(cell("start"))
                end = parse_date(cell("end"))
                if end < start:
                    result.add_error(number, header[columns["end"]], _("The period ends before it starts."))
        except ValueError:
            column = header[columns["period"]] if "period" in columns else header[columns["start"]]
            result.add_error(
                number,
                column,
                _("“%(value)s” is not a period (use YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY).")
                % {"value": cell("period") or cell("start")},
            )
            start = end = None
        try:
            value = parse_decimal(cell("value"))
            if abs(value) >= MAX_VALUE:
                raise ValueError(cell("value"))
            value = value.quantize(Decimal("0.0001"))
        except (ValueError, InvalidOperation):
            result.add_error(
                number, header[columns["value"]], _("“%(value)s” is not a number.") % {"value": cell("value")}
            )
            value = None
        if value is None or start is None or not code or result.error_count > errors_before:
            continue
        key = (code.lower(), start, end)
        if key in seen:
            result.add_error(
                number,
                header[columns["kpi"]],
                _("Row %(row)d already gives a value for this KPI and period.") % {"row": seen[key]},
            )
            continue
        seen[key] = number
        result.records.append(ValueRow(number, code, start, end, value, cell("note")[:2000]))
    if result.rows_total == 0:
        raise HeaderError([error(None, "", _("The file has no data rows."))])
    return result


def _header(rows: Iterator[list[str]]) -> list[str]:
    for row in rows:
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    raise HeaderError([error(None, "", _("The file is empty."))])


# --- Pedestrian counter exports --------------------------------------------------------------------

COUNTER_EXACT = {
    "location": ("lage", "location", "standort", "zählstelle", "ort"),
    "time": ("zeitpunkt der messung", "time of measurement", "zeitpunkt", "timestamp", "zeit", "time"),
    "total": (
        "fußgänger insgesamt",
        "fussgänger insgesamt",
        "fussgaenger insgesamt",
        "passanten insgesamt",
        "pedestrians count",
        "pedestrian count",
        "pedestrians total",
    ),
    "weather": ("wetterlage", "weather condition", "wetter", "weather"),
}
COUNTER_PREFIX = {"temperature": ("temperatur",)}  # "Temperatur in ºc", "temperature in °c"
DIRECTION_WORDS = ("richtung", "direction", "ltr", "rtl", "links", "rechts", "left", "right")
ADULT_WORDS = ("erwachsene", "adult")
CHILD_WORDS = ("kinder", "kind ", "child")


def counter_columns(header: list[str]) -> dict[str, int]:
    """Column index per field, matched by normalised name or prefix; directions are the first two columns that
    name a direction (and no age group), adults and children the columns that name the age group only."""
    columns: dict[str, int] = {}
    directions: list[int] = []
    for index, name in enumerate(header):
        key = normalise(name)
        if not key:
            continue
        padded = f" {key} "
        matched = next(
            (t for t, names in COUNTER_EXACT.items() if t not in columns and key in names), None
        ) or next((t for t, p in COUNTER_PREFIX.items() if t not in columns and key.startswith(p)), None)
        if matched:
            columns[matched] = index
            continue
        is_adult = any(word in padded for word in ADULT_WORDS)
        is_child = any(word in padded for word in CHILD_WORDS)
        is_direction = any(re.search(rf"\b{word}\b", key) for word in DIRECTION_WORDS)
        if is_direction and not (is_adult or is_child):
            directions.append(index)
        elif is_adult and not is_direction and "adults" not in columns:
            columns["adults"] = index
        elif is_child and not is_direction and "children" not in columns:
            columns["children"] = index
    for target, index in zip(("direction_a", "direction_b"), directions, strict=False):
        columns[target] = index
    return columns


@dataclass
class CounterDay:
    location: str
    date: date
    total: int = 0
    direction_a: int | None = None
    direction_b: int | None = None
    adults: int | None = None
    children: int | None = None
    hours: int = 0
    temperature_sum: Decimal = Decimal(0)
    temperature_count: int = 0
    weather_counts: Counter = field(default_factory=Counter)
    first_row: int = 0

    @property
    def temperature(self) -> Decimal | None:
        if not self.temperature_count:
            return None
        return (self.temperature_sum / self.temperature_count).quantize(Decimal("0.1"))

    @property
    def weather(self) -> str:
        return self.weather_counts.most_common(1)[0][0] if self.weather_counts else ""


def parse_timestamp(text: str) -> datetime:
    """``2022-07-01 00:00:00 +0200`` (also ISO 8601 with ``T`` or ``+02:00``, or without an offset, or
    ``01.07.2022 00:00``). The day is taken in the timestamp's own offset. Raises ValueError."""
    value = text.strip()
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    for fmt in ("%d.%m.%Y %H:%M:%S %z", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M %z", "%d.%m.%Y %H:%M"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError(text)


def instant_key(moment: datetime, seen: set) -> datetime:
    """The instant a counter row stands for, in UTC, for finding two rows of the same hour.

    A timestamp with an offset is that instant (``10:00+01:00`` and ``09:00Z`` are the same hour). One without
    an offset is local time of the platform's time zone; when a wall time occurs twice (the hour repeated when
    daylight-saving time ends) and its first occurrence is already in ``seen``, it is the second, later one.
    """
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return moment.astimezone(UTC)
    zone = django_timezone.get_default_timezone()
    first = moment.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first in seen:
        second = moment.replace(tzinfo=zone, fold=1).astimezone(UTC)
        if second != first:
            return second
    return first


def _add(current: int | None, amount: int) -> int:
    return amount if current is None else current + amount


def parse_counter(stream, name: str = "", *, progress: ProgressCallback | None = None) -> ParseResult:
    """Hourly counter rows aggregated to one CounterDay per location and local day (records sorted)."""
    result = ParseResult()
    rows, lines = _open_rows(stream, name, result)
    try:
        return _counter(rows, lines, result, progress)
    finally:
        rows.close()


def _counter(rows, lines: int, result: ParseResult, progress: ProgressCallback | None) -> ParseResult:
    header = _header(rows)
    columns = counter_columns(header)
    required = {
        "location": _("location (Lage)"),
        "time": _("time of measurement (Zeitpunkt der Messung)"),
        "total": _("pedestrians count (Fußgänger insgesamt)"),
    }
    missing = [label for target, label in required.items() if target not in columns]
    if missing:
        raise HeaderError(
            [
                error(1, str(label), _("The column “%(column)s” is missing.") % {"column": label})
                for label in missing
            ]
        )
    names = {target: header[index] for target, index in columns.items()}
    result.columns = names
    i_location, i_time, i_total = columns["location"], columns["time"], columns["total"]
    optional_counts = [
        (t, columns[t]) for t in ("direction_a", "direction_b", "adults", "children") if t in columns
    ]
    i_temperature, i_weather = columns.get("temperature"), columns.get("weather")
    width = max(columns.values()) + 1
    days: dict[tuple[str, date], CounterDay] = {}
    seen_times: dict[str, set[datetime]] = {}  # per location: the instants (UTC) of its rows so far
    for number, row in enumerate(rows, start=2):
        if not any(row):
            continue
        result.rows_total += 1
        if progress and result.rows_total % PROGRESS_EVERY == 0:
            progress(min(99, 100 * number // lines) if lines else 50)
        if len(row) < width:
            row = row + [""] * (width - len(row))
        location = row[i_location].strip()
        if not location:
            result.add_error(number, names["location"], _("The location is missing."))
            continue
        raw_time = row[i_time].strip()
        try:
            moment = parse_timestamp(raw_time)
        except ValueError:
            result.add_error(
                number,
                names["time"],
                _("“%(value)s” is not a timestamp (expected e.g. 2022-07-01 00:00:00 +0200).")
                % {"value": raw_time},
            )
            continue
        ok = True
        try:
            total = parse_count(row[i_total])
        except ValueError:
            result.add_error(
                number, names["total"], _("“%(value)s” is not a whole number.") % {"value": row[i_total]}
            )
            ok = False
        counts = {}
        for target, index in optional_counts:
            if row[index].strip():
                try:
                    counts[target] = parse_count(row[index])
                except ValueError:
                    result.add_error(
                        number, names[target], _("“%(value)s” is not a whole number.") % {"value": row[index]}
                    )
                    ok = False
        temperature = None
        if i_temperature is not None and row[i_temperature].strip():
            try:
                temperature = parse_decimal(row[i_temperature])
                if abs(temperature) > 70:
                    raise ValueError(row[i_temperature])
            except ValueError:
                result.add_error(
                    number,
                    names["temperature"],
                    _("“%(value)s” is not a temperature.") % {"value": row[i_temperature]},
                )
                ok = False
        instants = seen_times.setdefault(location, set())
        instant = instant_key(moment, instants)
        if instant in instants:
            result.add_error(
                number, names["time"], _("This location already has a row for this time of measurement.")
            )
            continue
        instants.add(instant)
        if not ok:
            continue
        key = (location, moment.date())
        day = days.get(key)
        if day is None:
            day = days[key] = CounterDay(location=location, date=moment.date(), first_row=number)
        day.total += total
        day.hours += 1
        if day.hours > 25:
            result.add_error(
                number,
                names["time"],
                _("More than 25 rows for one location and day: hourly rows are expected."),
            )
        for target, amount in counts.items():
            setattr(day, target, _add(getattr(day, target), amount))
        if temperature is not None:
            day.temperature_sum += temperature
            day.temperature_count += 1
        if i_weather is not None:
            weather = row[i_weather].strip()
            if weather:
                day.weather_counts[weather[:60]] += 1
    if result.rows_total == 0:
        raise HeaderError([error(None, "", _("The file has no data rows."))])
    result.records = sorted(days.values(), key=lambda d: (d.location, d.date))
    return result
