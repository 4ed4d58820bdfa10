"""Demo step: two years of synthetic hourly pedestrian counts for two locations, imported through the pipeline.

The file looks like a real laser counter export (German columns, semicolon-separated, ISO-8859-1, timestamps
with +0100/+0200 offsets, blank weather fields, trailing empty columns) and goes through the same services as an
upload: store, check, apply. That fills FootfallDay rows and the daily values of the FOOTFALL KPI, which counts all
locations (their sum per day). A second, small import of the last eight weeks of Marktplatz from the same export
feeds FOOTFALL_MARKT, a KPI that counts that one location; so the demo shows both kinds of counter KPI, and the
footfall charts by location and by direction (the export has the two direction columns "links" and "rechts").

The pattern is believable: a daily curve with the peak in the early afternoon, Saturdays busiest, Sundays quiet
(shops closed), summer above winter, rain lowering the counts, December busy with the Christmas market, and about
8 % growth after the parking guidance system went live in the middle of the period. Deterministic (fixed seed),
dates relative to today. Idempotent: an import that has finished once is not repeated.
"""

import math
import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from . import import_services
from .models import KPI, DataImport

PROGRAMME_SLUG = "digitale-innenstadt"
FILE_NAME = "frequenzzaehler-innenstadt-demo.csv"
MARKT_FILE_NAME = "frequenzzaehler-marktplatz-8-wochen-demo.csv"
MARKT = "Marktplatz"
MARKT_DAYS = 56
DAYS = 730
BERLIN = ZoneInfo("Europe/Berlin")
LOCATIONS = {"Marktplatz": 10300, "Bahnhofstraße (Nord)": 8300}  # mean pedestrians per day before the measure
HOURLY = [
    0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 1.8, 3.0, 4.6, 6.2, 7.6,
    8.4, 8.6, 8.4, 8.2, 8.0, 7.4, 6.2, 4.6, 3.4, 2.4, 1.4, 0.6,
]  # relative weight of each hour of the day  # fmt: skip
HOURLY_SUM = sum(HOURLY)
WEEKDAY_FACTOR = [0.9, 0.92, 0.95, 1.0, 1.12, 1.38, 0.42]
WEEKDAYS_DE = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
HEADER = (
    "Lage;Zeitpunkt der Messung;Wochentag;Fußgänger insgesamt;Temperatur in ºC;Wetterlage;Vorfälle;"
    "Fußgänger Richtung links;Fußgänger Richtung rechts;Erwachsene;Kinder;;"
)


def counter_export(*, end: date, days: int = DAYS, seed: int = 2024) -> bytes:
    """The synthetic export, ISO-8859-1 encoded, for the ``days`` days up to ``end`` (inclusive)."""
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    first = end - timedelta(days=days - 1)
    measure_day = first + timedelta(days=days // 2)
    weather_by_day = {}
    for offset in range(days):
        day = first + timedelta(days=offset)
        season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365)  # 1 in mid-July
        rain_chance = 0.32 - 0.1 * season
        roll = rng.random()
        weather = "Regen" if roll < rain_chance else "Bewölkt" if roll < rain_chance + 0.35 else "Klar"
        if weather == "Regen" and season < -0.6 and rng.random() < 0.3:
            weather = "Schnee"
        weather_by_day[day] = (weather, 10 + 9 * season + rng.uniform(-3, 3))
    start = datetime.combine(first, datetime.min.time(), BERLIN).astimezone(UTC)
    stop = datetime.combine(end + timedelta(days=1), datetime.min.time(), BERLIN).astimezone(UTC)
    lines = [HEADER]
    for location, mean in LOCATIONS.items():
        moment = start
        while moment < stop:
            local = moment.astimezone(BERLIN)
            day = local.date()
            weather, temperature = weather_by_day[day]
            season = math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365)
            factor = WEEKDAY_FACTOR[day.weekday()] * (1 + 0.08 * season)
            if day.month == 12 and day.day < 24:
                factor *= 1.25  # Christmas market
            if day >= measure_day:
                factor *= 1.08  # after the parking guidance system went live
            if weather in {"Regen", "Schnee"}:
                factor *= 0.78
            expected = mean * factor * HOURLY[local.hour] / HOURLY_SUM
            total = max(0, round(rng.gauss(expected, math.sqrt(expected + 1))))
            left = round(total * rng.uniform(0.45, 0.55))
            children = round(total * rng.uniform(0.05, 0.12))
            hour_temperature = temperature + 4 * math.sin(math.pi * (local.hour - 8) / 14)
            recorded_weather = "" if rng.random() < 0.03 else weather  # the sensor misses some hours
            lines.append(
                f"{location};{local.strftime('%Y-%m-%d %H:%M:%S %z')};{WEEKDAYS_DE[day.weekday()]};{total};"
                f"{hour_temperature:.1f}".replace(".", ",")
                + f";{recorded_weather};;{left};{total - left};{total - children};{children};;"
            )
            moment += timedelta(hours=1)
    return ("\r\n".join(lines) + "\r\n").encode("iso-8859-1")


def location_extract(content: bytes, *, location: str, since: date) -> bytes:
    """The rows of one location from ``since`` on, cut from an export made by ``counter_export``."""
    lines = content.decode("iso-8859-1").split("\r\n")
    kept = [lines[0]] + [
        line
        for line in lines[1:]
        if line.split(";", 2)[0] == location and line.split(";", 2)[1][:10] >= since.isoformat()
    ]
    return ("\r\n".join(kept) + "\r\n").encode("iso-8859-1")


def _done(programme, name: str) -> bool:
    return DataImport.objects.filter(
        programme=programme, original_name=name, status=DataImport.Status.DONE
    ).exists()


def _run(demo, *, programme, kpi, name: str, content: bytes, location: str):
    """Store, check and apply one file through the same services as an upload; None when it failed."""
    data_import = import_services.data_import_create(
        programme=programme,
        kind=DataImport.Kind.COUNTER,
        kpi=kpi,
        location=location,
        file=ContentFile(content, name=name),
        user=demo.users.get("member") or demo.users.get("lead"),
    )
    data_import.refresh_from_db()
    if data_import.status == DataImport.Status.UPLOADED:  # the queued check runs only after the commit
        import_services.data_import_check(data_import=data_import)
    if data_import.status == DataImport.Status.READY:
        import_services.data_import_apply(data_import=data_import)
    if data_import.status != DataImport.Status.DONE:
        demo.log(f"Imports: the demo counter file {name} failed: {data_import.errors[:3]}")
        return None
    return data_import


def seed_imports(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None:
        return
    if _done(programme, FILE_NAME) and _done(programme, MARKT_FILE_NAME):
        return
    end = timezone.localdate() - timedelta(days=1)
    content = counter_export(end=end)
    if not _done(programme, FILE_NAME):
        kpi, _created = KPI.objects.get_or_create(
            programme=programme,
            code="FOOTFALL",
            defaults={
                "name_de": "Passantenfrequenz",
                "name_en": "Footfall",
                "unit": "Personen/Tag",
                "direction": KPI.Direction.HIGHER,
                "frequency": KPI.Frequency.DAILY,
                "baseline_value": Decimal("18000"),
            },
        )
        data_import = _run(demo, programme=programme, kpi=kpi, name=FILE_NAME, content=content, location="")
        if data_import is None:
            return
        demo.log(
            f"Imports: {data_import.rows_total} hourly counter rows of {len(LOCATIONS)} locations → "
            f"{data_import.summary['footfall_days']} footfall days, KPI {kpi.code} (all locations)"
        )
    markt, _created = KPI.objects.get_or_create(
        programme=programme,
        code="FOOTFALL_MARKT",
        defaults={
            "name_de": "Passantenfrequenz Marktplatz",
            "name_en": "Footfall Marktplatz",
            "unit": "Personen/Tag",
            "direction": KPI.Direction.HIGHER,
            "frequency": KPI.Frequency.DAILY,
            "data_source": "Laserzähler Marktplatz",
            "baseline_value": Decimal("10300"),
            "baseline_date": end - timedelta(days=DAYS - 1),
        },
    )
    extract = location_extract(content, location=MARKT, since=end - timedelta(days=MARKT_DAYS - 1))
    data_import = _run(
        demo, programme=programme, kpi=markt, name=MARKT_FILE_NAME, content=extract, location=MARKT
    )
    if data_import is not None:
        demo.log(f"Imports: {data_import.summary['days']} days of {MARKT} → KPI {markt.code} (one location)")
