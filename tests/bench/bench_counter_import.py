"""Pedestrian counter import at scale: one year of hourly rows for 10 locations (87,600 rows, about 8 MB).

Run on PostgreSQL, the way production runs::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt make bench PYTEST_ARGS="-k counter_import"

Generates a German counter export in ISO-8859-1 (BENCH_COUNTER_LOCATIONS, BENCH_COUNTER_DAYS change the size),
then times the whole pipeline through the services the upload page and the API use: store the upload, check it
(parse, aggregate, preview) and apply it (one transaction with bulk upserts of the footfall days and the KPI's
daily values). A second run imports the same file again to time the replacement path. Target (issue 6): under
10 s end-to-end.
"""

import os
import random
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tests.transformation.factories_imports import HEADER_DE, WEEKDAYS_DE
from transformation import import_services
from transformation.models import KPI, DataImport, FootfallDay, Measurement

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

LOCATIONS = int(os.environ.get("BENCH_COUNTER_LOCATIONS", "10"))
DAYS = int(os.environ.get("BENCH_COUNTER_DAYS", "365"))
TARGET_SECONDS = 10


def counter_export(locations: int, days: int) -> bytes:
    rng = random.Random(3)
    offset = timezone(timedelta(hours=1))
    start = datetime.combine(date(2025, 1, 1), datetime.min.time(), offset)
    lines = [HEADER_DE]
    for index in range(locations):
        location = f"Messpunkt {index + 1} - Fußgängerzone"
        for hour in range(days * 24):
            moment = start + timedelta(hours=hour)
            total = rng.randint(0, 900) if 8 <= moment.hour <= 20 else rng.randint(0, 60)
            left = total // 2
            weather = rng.choice(["Klar", "Bewölkt", "Regen", ""])
            lines.append(
                f"{location};{moment.strftime('%Y-%m-%d %H:%M:%S %z')};{WEEKDAYS_DE[moment.weekday()]};{total};"
                f"{rng.randint(-50, 300) / 10:.1f}".replace(".", ",")
                + f";{weather};;{left};{total - left};{total - total // 10};{total // 10};;"
            )
    return ("\n".join(lines) + "\n").encode("iso-8859-1")


def run_once(programme, kpi, content: bytes) -> tuple[DataImport, dict]:
    """Upload (whose check runs right after the commit: inline here, as with eager Celery), then apply."""
    times = {}
    started = time.perf_counter()
    data_import = import_services.data_import_create(
        programme=programme, kind="counter", kpi=kpi, file=SimpleUploadedFile("zaehlung.csv", content)
    )
    data_import.refresh_from_db()
    if data_import.status == DataImport.Status.UPLOADED:  # no on-commit run (a worker would do it)
        import_services.data_import_check(data_import=data_import)
    times["check"] = time.perf_counter() - started
    assert data_import.status == DataImport.Status.READY, data_import.errors[:3]
    mark = time.perf_counter()
    import_services.data_import_apply(data_import=data_import)
    times["apply"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    assert data_import.status == DataImport.Status.DONE, data_import.errors[:3]
    return data_import, times


def test_one_year_of_hourly_counts_for_ten_locations_imports_in_under_ten_seconds(world):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark measures PostgreSQL")
    kpi = KPI.objects.create(
        programme=world.programme,
        code="FOOTFALL",
        name_de="Passantenfrequenz",
        unit="Personen/Tag",
        direction="higher",
        frequency="daily",
    )
    started = time.perf_counter()
    content = counter_export(LOCATIONS, DAYS)
    generated = time.perf_counter() - started
    rows = LOCATIONS * DAYS * 24
    _first, times = run_once(world.programme, kpi, content)
    second, again = run_once(world.programme, kpi, content)
    assert FootfallDay.objects.count() == LOCATIONS * DAYS
    assert Measurement.objects.filter(kpi=kpi).count() == DAYS
    assert second.summary["replaced"] == LOCATIONS * DAYS
    print(
        f"\n\nCounter import, {rows:,} hourly rows ({LOCATIONS} locations × {DAYS} days, "
        f"{len(content) / 1e6:.1f} MB ISO-8859-1; generated in {generated:.1f} s):\n"
        f"  first import:  upload and check {times['check']:.2f} s, "
        f"apply {times['apply']:.2f} s, total {times['total']:.2f} s\n"
        f"  re-import (replaces {second.summary['replaced']:,} days): upload and check {again['check']:.2f} s, "
        f"apply {again['apply']:.2f} s, total {again['total']:.2f} s\n"
        f"  target: < {TARGET_SECONDS} s"
    )
    assert times["total"] < TARGET_SECONDS and again["total"] < TARGET_SECONDS
