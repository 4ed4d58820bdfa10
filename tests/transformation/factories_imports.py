"""Helpers for data-import tests: uploads from tests/transformation/data and synthetic counter exports."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

DATA = Path(__file__).parent / "data"
HEADER_DE = (
    "Lage;Zeitpunkt der Messung;Wochentag;Fußgänger insgesamt;Temperatur in ºc;Wetterlage;Vorfälle;"
    "Fußgänger Richtung links;Fußgänger Richtung rechts;Erwachsene;Kinder;;"
)
WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/csv")


def counter_csv(
    locations=("Marktplatz",), start: date = date(2022, 7, 1), days: int = 2, count=lambda loc, t: 10
) -> bytes:
    """A German counter export (ISO-8859-1) with one row per hour; ``count(location, datetime)`` gives counts."""
    lines = [HEADER_DE]
    offset = timezone(timedelta(hours=2))
    for location in locations:
        for day in range(days):
            for hour in range(24):
                moment = datetime.combine(start + timedelta(days=day), datetime.min.time(), offset)
                moment += timedelta(hours=hour)
                total = count(location, moment)
                left = total // 2
                lines.append(
                    f"{location};{moment.strftime('%Y-%m-%d %H:%M:%S %z')};{WEEKDAYS_DE[moment.weekday()]};"
                    f"{total};18,5;{'Regen' if hour % 5 == 0 else ''};;{left};{total - left};{total};0;;"
                )
    return ("\n".join(lines) + "\n").encode("iso-8859-1")
