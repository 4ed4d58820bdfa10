"""The programme dashboard at scale: 50 KPIs × 5 years of daily measurements (about 91,000 rows).

Run on PostgreSQL, the way production runs::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt make bench PYTEST_ARGS="-k dashboard"

Reports the median time and the query count of the dashboard selector, ``kpi_summaries`` alone, the dashboard
page, the stakeholder view, the shared link and the dashboard API (test client, in-process, no web server).
Target (issue 6): the dashboard page under 200 ms median with a fixed number of queries.
Sizes: BENCH_KPIS (default 50), BENCH_YEARS (default 5), BENCH_RUNS (default 15).
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
from django.utils import timezone
from rest_framework.test import APIClient

from concept.models import Measure
from transformation import dashboards, share_links
from transformation.kpis import kpi_summaries
from transformation.models import KPI, KPITarget, Measurement, Milestone

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

KPIS = int(os.environ.get("BENCH_KPIS", "50"))
YEARS = int(os.environ.get("BENCH_YEARS", "5"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
TARGET_MS = 200


def fill(programme, today: date) -> int:
    """50 daily KPIs with baseline and two targets, 5 years of daily values each, and 60 milestones."""
    rng = random.Random(6)
    start = today - timedelta(days=365 * YEARS)
    kpis = KPI.objects.bulk_create(
        KPI(
            programme=programme,
            code=f"BENCH-{index:02d}",
            name_de=f"Kennzahl {index}",
            name_en=f"Indicator {index}",
            unit="persons/day",
            direction=["higher", "lower", "band"][index % 3],
            band_low=Decimal("900") if index % 3 == 2 else None,
            band_high=Decimal("1100") if index % 3 == 2 else None,
            frequency="daily",
            baseline_value=Decimal("1000"),
            baseline_date=start,
        )
        for index in range(KPIS)
    )
    KPITarget.objects.bulk_create(
        KPITarget(kpi=kpi, value=Decimal(value), date=when)
        for kpi in kpis
        for when, value in ((today, "1100"), (today + timedelta(days=365), "1200"))
    )
    days = (today - start).days
    rows = 0
    batch: list[Measurement] = []
    for kpi in kpis:
        for day in range(days):
            when = start + timedelta(days=day)
            value = Decimal(1000 + day // 20 + rng.randint(-80, 80))
            batch.append(
                Measurement(kpi=kpi, period_start=when, period_end=when, value=value, source="counter")
            )
            if len(batch) >= 20000:
                rows += len(Measurement.objects.bulk_create(batch))
                batch = []
    rows += len(Measurement.objects.bulk_create(batch))
    measure = Measure.objects.create(programme=programme, title="Bench", status="implementation")
    Milestone.objects.bulk_create(
        Milestone(
            measure=measure,
            title=f"M{index}",
            start=today - timedelta(days=100),
            due=today + timedelta(days=index - 30),
            status=["planned", "in_progress", "done", "blocked"][index % 4],
            quick_win=index % 5 == 0,
        )
        for index in range(60)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE transformation_measurement")
    return rows


def timed(function) -> tuple[float, int, float]:
    """(median ms, queries of the last run, ms spent in the database in the last run) over RUNS runs."""
    durations, queries, db_ms = [], 0, 0.0
    function()  # warm up: template loading, translation catalogues
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
        db_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    return statistics.median(durations), queries, db_ms


def test_dashboard_benchmark(world):
    today = timezone.localdate()
    started = time.perf_counter()
    rows = fill(world.programme, today)
    fill_seconds = time.perf_counter() - started
    assert rows == KPIS * 365 * YEARS

    page = Client()
    page.force_login(world.user("stakeholder"))
    api = APIClient()
    api.force_authenticate(world.user("stakeholder"))
    kwargs = world.programme.url_kwargs
    dashboard_url = reverse("programmes:transformation:dashboard", kwargs=kwargs)
    stakeholder_url = reverse("programmes:transformation:stakeholder_view", kwargs=kwargs)
    _link, token = share_links.share_link_create(
        programme=world.programme, label="Bench", expires_at=timezone.now() + timedelta(days=1), user=None
    )
    shared_url = reverse("share:dashboard", kwargs={"token": token})
    api_url = reverse("api:programme-dashboard", kwargs={"programme_pk": world.programme.pk})
    anonymous = Client()

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200
        return response

    results = [
        ("kpi_summaries", *timed(lambda: kpi_summaries(world.programme, as_of=today))),
        ("dashboard selector", *timed(lambda: dashboards.programme_dashboard(world.programme, today=today))),
        ("dashboard page", *timed(lambda: get(page, dashboard_url))),
        ("stakeholder view", *timed(lambda: get(page, stakeholder_url))),
        ("shared link page", *timed(lambda: get(anonymous, shared_url))),
        ("dashboard API", *timed(lambda: get(api, api_url))),
    ]
    print(
        f"\n\nDashboard benchmark: {KPIS} KPIs × {YEARS} years of daily values = {rows} measurements "
        f"on {connection.vendor} (filled in {fill_seconds:.0f} s), median of {RUNS} runs"
    )
    for name, median, queries, db_ms in results:
        print(
            f"  {name:<20} median {median:7.1f} ms   {queries:3d} queries   {db_ms:6.1f} ms in the database"
        )
    page_median = {name: median for name, median, *_rest in results}["dashboard page"]
    if connection.vendor == "postgresql":
        assert page_median < TARGET_MS, f"dashboard page median {page_median:.0f} ms ≥ {TARGET_MS} ms"
