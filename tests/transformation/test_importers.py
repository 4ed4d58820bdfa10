"""File formats of data imports: both counter formats and encodings, generic CSV/XLSX, errors by row and column."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from transformation import importers

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the catalogues may be compiled, and German is the default)."""
    with translation.override("en"):
        yield


def counter(name: str) -> importers.ParseResult:
    with open(DATA / name, "rb") as stream:
        return importers.parse_counter(stream, name)


def generic(name: str) -> importers.ParseResult:
    with open(DATA / name, "rb") as stream:
        return importers.parse_generic(stream, name)


def days_by_key(result):
    return {(day.location, day.date): day for day in result.records}


def test_german_counter_export_in_iso_8859_1_is_summed_per_location_and_day():
    result = counter("counter_de_latin1.csv")
    assert result.encoding == "iso-8859-1"
    assert result.errors == [] and result.rows_total == 6
    days = days_by_key(result)
    market = days[("Marktplatz", date(2022, 7, 1))]
    assert (market.total, market.hours) == (40, 3)
    assert (market.direction_a, market.direction_b, market.adults, market.children) == (21, 19, 37, 3)
    assert market.temperature == Decimal("17.3")  # mean of 18.5, 17.5, 16.0
    assert market.weather == "Klar"  # most frequent non-empty weather; the blank field does not count
    street = days[("Bahnhofstraße", date(2022, 7, 1))]
    assert street.total == 2300  # "1.250" + "1.050": German thousands separators
    assert days[("Marktplatz", date(2022, 7, 2))].weather == "Regen"


def test_english_counter_export_in_utf8_with_bom_keeps_the_local_day_of_each_offset():
    result = counter("counter_en_utf8.csv")
    assert result.encoding == "utf-8-sig" and result.errors == []
    days = days_by_key(result)
    # 2022-06-30 23:30 +0100 is 2022-07-01 00:30 in +0200 but belongs to the 30th in its own offset.
    assert days[("Market Square", date(2022, 6, 30))].total == 5
    july = days[("Market Square", date(2022, 7, 1))]
    assert (july.total, july.direction_a, july.direction_b, july.children) == (20, 11, 9, 1)
    assert july.weather == "clear"  # tie between clear and rain: the first one seen wins
    assert days[("Market Square", date(2022, 6, 30))].weather == ""
    assert days[("Market Square", date(2022, 6, 30))].temperature is None


def test_the_same_counts_in_utf8_and_latin1_give_the_same_days():
    text = (DATA / "counter_de_latin1.csv").read_bytes().decode("iso-8859-1")
    utf8 = importers.parse_counter(io.BytesIO(text.encode("utf-8")), "x.csv")
    latin1 = counter("counter_de_latin1.csv")
    assert utf8.encoding == "utf-8-sig"
    assert [(d.location, d.date, d.total) for d in utf8.records] == [
        (d.location, d.date, d.total) for d in latin1.records
    ]


def test_counter_columns_are_matched_tolerantly():
    header = ["LAGE ", "Zeitpunkt  der Messung", "Temperatur in °C", "Fußgänger insgesamt", "", "Richtung 1"]
    columns = importers.counter_columns(header)
    assert columns["location"] == 0 and columns["time"] == 1 and columns["temperature"] == 2
    assert columns["total"] == 3 and columns["direction_a"] == 5 and "direction_b" not in columns


def test_counter_errors_name_row_and_column():
    result = counter("counter_errors.csv")
    assert result.records == []
    assert result.errors == [
        {"row": 2, "column": "Fußgänger insgesamt", "message": "“zwölf” is not a whole number."},
        {
            "row": 3,
            "column": "Zeitpunkt der Messung",
            "message": "“gestern” is not a timestamp (expected e.g. 2022-07-01 00:00:00 +0200).",
        },
        {"row": 4, "column": "Temperatur in ºc", "message": "“heiß” is not a temperature."},
    ]


def test_a_missing_required_counter_column_is_a_header_error():
    with pytest.raises(importers.HeaderError) as raised:
        counter("counter_no_total.csv")
    assert raised.value.errors[0]["row"] == 1
    assert "Fußgänger insgesamt" in raised.value.errors[0]["message"]


def test_a_duplicate_hour_of_a_location_is_an_error():
    text = (
        "Lage;Zeitpunkt der Messung;Fußgänger insgesamt\n"
        "A;2022-07-01 10:00:00 +0200;5\n"
        "A;2022-07-01 10:00:00 +0200;6\n"
    )
    result = importers.parse_counter(io.BytesIO(text.encode()), "x.csv")
    assert result.errors[0]["row"] == 3 and result.errors[0]["column"] == "Zeitpunkt der Messung"


def parse_rows(*rows: str) -> importers.ParseResult:
    text = "Lage;Zeitpunkt der Messung;Fußgänger insgesamt\n" + "".join(f"{row}\n" for row in rows)
    return importers.parse_counter(io.BytesIO(text.encode()), "x.csv")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("2025-03-01T10:00:00+01:00", "2025-03-01T09:00:00Z"),
        ("2025-03-01 10:00:00 +0100", "2025-03-01T09:00:00+00:00"),
        ("2025-03-01 10:00:00 +0100", "01.03.2025 10:00"),  # no offset: local time of Europe/Berlin
        ("2025-07-01 10:00:00 +0200", "2025-07-01 10:00:00"),
    ],
)
def test_the_same_hour_written_differently_is_a_duplicate(first, second):
    result = parse_rows(f"A;{first};5", f"A;{second};6", f"B;{second};7")
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "Zeitpunkt der Messung")]
    assert result.errors[0]["message"] == "This location already has a row for this time of measurement."
    assert [(d.location, d.total) for d in result.records] == [("A", 5), ("B", 7)]  # B's hour is its own


def test_the_repeated_hour_at_the_end_of_summer_time_is_two_hours_with_offsets():
    rows = [f"A;2022-10-30 {hour:02d}:00:00 +0200;1" for hour in range(3)]
    rows += [f"A;2022-10-30 {hour:02d}:00:00 +0100;1" for hour in range(2, 24)]
    result = parse_rows(*rows)
    assert result.errors == []
    assert [(d.date, d.total, d.hours) for d in result.records] == [(date(2022, 10, 30), 25, 25)]


def test_the_repeated_hour_at_the_end_of_summer_time_is_two_hours_without_offsets():
    rows = [f"A;2022-10-30 {hour:02d}:00:00;1" for hour in (0, 1, 2, 2, *range(3, 24))]
    result = parse_rows(*rows)
    assert result.errors == []
    assert [(d.date, d.total, d.hours) for d in result.records] == [(date(2022, 10, 30), 25, 25)]
    # a third 02:00 is one row too many
    third = parse_rows(*rows[:4], "A;2022-10-30 02:00:00;1")
    assert [e["row"] for e in third.errors] == [6]


def test_the_same_wall_time_on_the_day_summer_time_starts_is_no_duplicate_of_another_day():
    result = parse_rows(
        "A;2022-03-27 01:00:00 +0100;1", "A;2022-03-27 03:00:00 +0200;2", "A;2022-03-28 01:00:00;3"
    )
    assert result.errors == []
    assert [(d.date, d.total) for d in result.records] == [(date(2022, 3, 27), 3), (date(2022, 3, 28), 3)]


def test_an_empty_file_is_a_header_error():
    with pytest.raises(importers.HeaderError):
        importers.parse_counter(io.BytesIO(b""), "x.csv")
    with pytest.raises(importers.HeaderError):
        importers.parse_counter(io.BytesIO(b"Lage;Zeitpunkt der Messung;Fussgaenger insgesamt\n"), "x.csv")


def test_generic_csv_with_german_decimals_and_period_forms():
    result = generic("generic_de.csv")
    assert result.errors == [] and result.encoding == "iso-8859-1"
    rows = [(r.kpi_code, r.period_start, r.period_end, r.value, r.note) for r in result.records]
    assert rows == [
        ("FOOT", date(2024, 3, 1), date(2024, 3, 31), Decimal("1234.5"), "März"),
        ("VAC", date(2024, 1, 1), date(2024, 3, 31), Decimal("7.25"), "Leerstand"),
        ("VAC", date(2024, 1, 1), date(2024, 12, 31), Decimal("7.5"), "Jahreswert"),
        ("NPS", date(2024, 3, 15), date(2024, 3, 15), Decimal("-12"), ""),
    ]


def test_generic_csv_with_comma_delimiter_and_start_end_columns():
    result = generic("generic_en.csv")
    assert result.errors == []
    assert [(r.period_start, r.period_end, r.value) for r in result.records] == [
        (date(2024, 1, 1), date(2024, 1, 31), Decimal("1234.5")),
        (date(2024, 4, 1), date(2024, 6, 30), Decimal("7.25")),
    ]


def test_generic_xlsx():
    result = generic("generic.xlsx")
    assert result.errors == [] and result.encoding == "xlsx"
    assert [(r.kpi_code, r.period_start, r.period_end, r.value) for r in result.records] == [
        ("FOOT", date(2024, 5, 1), date(2024, 5, 31), Decimal("2345.75")),
        ("VAC", date(2024, 5, 31), date(2024, 5, 31), Decimal("6.5")),
        ("NPS", date(2024, 4, 1), date(2024, 6, 30), Decimal("14")),
    ]


def test_generic_errors_name_row_and_column():
    result = generic("generic_errors.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "period"), (4, "value"), (6, "kpi")]
    assert "Row 5" in result.errors[2]["message"]


def test_generic_header_error_lists_every_missing_column():
    with pytest.raises(importers.HeaderError) as raised:
        importers.parse_generic(io.BytesIO(b"kpi;note\nA;x\n"), "x.csv")
    assert {e["column"] for e in raised.value.errors} == {"value", "period"}


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("1.234.567", Decimal("1234567")),
        ("-3", Decimal("-3")),
        (" 7 ", Decimal("7")),
    ],
)
def test_numbers_in_german_and_english_notation(text, number):
    assert importers.parse_decimal(text) == number


@pytest.mark.parametrize("text", ["", "abc", "1,2,3.4.5", "1e5", "--1"])
def test_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        importers.parse_decimal(text)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2024", date(2024, 1, 1), date(2024, 12, 31)),
        ("05.03.2024", date(2024, 3, 5), date(2024, 3, 5)),
    ],
)
def test_periods(text, start, end):
    assert importers.parse_period(text) == (start, end)
