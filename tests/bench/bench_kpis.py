"""KPIs at scale: 50 KPIs × 5 years of daily measurements (≈ 91,000 rows; BENCH_KPI_YEARS=…).

Run on PostgreSQL, the way production runs::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt make bench PYTEST_ARGS="-k kpis"

Reports the median time and the query count of ``kpi_summaries`` (what dashboards and reports call), the KPI
list page, the KPI API list and the detail page of one KPI with five years of daily values. Target (issue 6):
the summaries in well under 200 ms with a fixed number of queries.
"""

import os
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from transformation.kpis import kpi_summaries
from transformation.models import KPI, KPITarget, Measurement

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

KPIS = 50
YEARS = int(os.environ.get("BENCH_KPI_YEARS", "5"))
RUNS = 7


def fill(programme) -> int:
    rng = random.Random(6)
    start = date(2021, 1, 1)
    days = 365 * YEARS + YEARS // 4
    for index in range(KPIS):
        kpi = KPI.objects.create(
            programme=programme,
            code=f"BENCH{index}",
            name_de=f"Kennzahl {index}",
            unit="x",
            direction=["higher", "lower"][index % 2],
            frequency="daily",
            baseline_value=Decimal(100),
            baseline_date=start,
        )
        KPITarget.objects.bulk_create(
            [
                KPITarget(kpi=kpi, date=start + timedelta(days=365 * y), value=Decimal(100 + 10 * y))
                for y in (1, 3, 5)
            ]
        )
        Measurement.objects.bulk_create(
            [
                Measurement(
                    kpi=kpi,
                    period_start=start + timedelta(days=d),
                    period_end=start + timedelta(days=d),
                    value=Decimal(rng.randint(80, 160)),
                )
                for d in range(days)
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE transformation_measurement")
    return Measurement.objects.filter(kpi__programme=programme).count()


def timed(function) -> tuple[float, int]:
    function()  # warm up
    durations = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            function()
            durations.append(time.perf_counter() - started)
    return statistics.median(durations), len(queries)


def test_kpi_benchmark(world):
    rows = fill(world.programme)
    as_of = date(2021, 1, 1) + timedelta(days=365 * YEARS)
    summaries_s, summaries_q = timed(lambda: kpi_summaries(world.programme, as_of=as_of))
    client = Client()
    client.force_login(world.user("member"))
    list_url = reverse("programmes:transformation:kpi_list", kwargs=world.programme.url_kwargs)
    page_s, page_q = timed(lambda: client.get(list_url))
    api = APIClient()
    api.force_authenticate(world.user("member"))
    api_s, api_q = timed(lambda: api.get(reverse("api:kpi-list"), {"programme": world.programme.pk}))
    kpi = KPI.objects.filter(programme=world.programme).first()
    detail_url = reverse(
        "programmes:transformation:kpi_detail", kwargs={**world.programme.url_kwargs, "pk": kpi.pk}
    )
    detail_s, detail_q = timed(lambda: client.get(detail_url))
    print(f"\nKPIs: {KPIS} KPIs, {rows} measurements ({connection.vendor})")
    print(f"  kpi_summaries      median {summaries_s * 1000:7.1f} ms, {summaries_q} queries")
    print(f"  KPI list page      median {page_s * 1000:7.1f} ms, {page_q} queries")
    print(f"  KPI API list (50)  median {api_s * 1000:7.1f} ms, {api_q} queries")
    print(
        f"  KPI detail page    median {detail_s * 1000:7.1f} ms, {detail_q} queries (one KPI, {rows // KPIS} values)"
    )
    assert summaries_q == 3
    assert summaries_s < 0.2
