"""Recurring reports at scale: 100 programmes, each with KPIs, two years of monthly data and a monthly schedule.

Run on PostgreSQL, the way production runs; with REDIS_URL a real Celery worker (one thread of this process,
like ``celery worker --concurrency 1``) takes the tasks from Redis, without it the tasks run in-process::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt REDIS_URL=redis://127.0.0.1:6379/0 \
        make bench PYTEST_ARGS="-k reports"

Measures one ``dispatch_due_reports`` run until every report is built (HTML and, when WeasyPrint works, PDF)
and mailed (in-memory mail backend). Target (issue 6): 100 programmes' monthly reports in under 2 minutes.
BENCH_REPORT_PROGRAMMES and BENCH_REPORT_KPIS change the size.
"""

import itertools
import os
import statistics
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection

from programmes.models import Membership, Role
from tests.programmes.factories import OrganisationFactory, ProgrammeFactory, UserFactory
from tests.transformation.factories_reports import ReportScheduleFactory
from transformation import exporters
from transformation.models import KPI, KPITarget, Measurement, Report, ReportDelivery

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

PROGRAMMES = int(os.environ.get("BENCH_REPORT_PROGRAMMES", "100"))
KPIS = int(os.environ.get("BENCH_REPORT_KPIS", "5"))
MONTHS = 24
TODAY = date(2026, 4, 2)
REDIS_URL = os.environ.get("REDIS_URL", "")
BUILD = "transformation.report_tasks.build_and_send_report"


def month_start(back: int) -> date:
    month = TODAY.year * 12 + TODAY.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def fill() -> None:
    organisation = OrganisationFactory()
    users = [UserFactory() for _ in range(3)]
    measurements, targets = [], []
    for index in range(PROGRAMMES):
        programme = ProgrammeFactory(
            organisation=organisation, title=f"Programm {index}", slug=f"bench-{index}"
        )
        Membership.objects.bulk_create(
            [
                Membership(programme=programme, user=users[0], role=Role.LEAD),
                Membership(programme=programme, user=users[1], role=Role.MEMBER),
                Membership(programme=programme, user=users[2], role=Role.STAKEHOLDER),
            ]
        )
        ReportScheduleFactory(programme=programme, starts_on=date(2025, 1, 1), send_to_stakeholders=True)
        kpis = KPI.objects.bulk_create(
            [
                KPI(
                    programme=programme,
                    code=f"K{k}",
                    name_de=f"Kennzahl {k}",
                    unit="%",
                    direction="higher",
                    frequency="monthly",
                    baseline_value=Decimal("10"),
                    baseline_date=month_start(MONTHS),
                )
                for k in range(KPIS)
            ]
        )
        for kpi in kpis:
            targets.append(KPITarget(kpi=kpi, date=date(2027, 12, 31), value=Decimal("40")))
            for back in range(MONTHS, 0, -1):
                start = month_start(back)
                end = month_start(back - 1) - timedelta(days=1)
                measurements.append(
                    Measurement(
                        kpi=kpi, period_start=start, period_end=end, value=Decimal(10 + MONTHS - back)
                    )
                )
    KPITarget.objects.bulk_create(targets)
    Measurement.objects.bulk_create(measurements, batch_size=5000)


def run_in_process() -> None:
    from transformation.report_tasks import dispatch_due_reports

    dispatch_due_reports.delay(TODAY.isoformat())


def run_with_worker() -> None:
    from celery import Celery
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from config.celery_app import app as project_app

    app = Celery("stadtlotse-bench-reports", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=f"stadtlotse-bench-{uuid.uuid4().hex}",
        worker_hijack_root_logger=False,
    )
    import transformation.tasks  # noqa: F401

    done, count = threading.Event(), [0]

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == BUILD:
            count[0] += 1
            if count[0] >= PROGRAMMES:
                done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=60, concurrency=1):
            from transformation.report_tasks import dispatch_due_reports

            dispatch_due_reports.delay(TODAY.isoformat())
            assert done.wait(timeout=600), f"only {count[0]} of {PROGRAMMES} reports within 10 minutes"
    finally:
        task_postrun.disconnect(on_postrun)
        project_app.set_current()
        project_app.set_default()


def test_reports_benchmark():
    started = time.perf_counter()
    fill()
    fill_seconds = time.perf_counter() - started

    started = time.perf_counter()
    (run_with_worker if REDIS_URL else run_in_process)()
    total = time.perf_counter() - started

    reports = list(
        Report.objects.order_by("built_at").values_list("created_at", "built_at", "sent_at", "status")
    )
    assert len(reports) == PROGRAMMES
    assert {status for *_times, status in reports} == {Report.Status.SENT}
    assert len(mail.outbox) == PROGRAMMES * 3
    assert ReportDelivery.objects.filter(status="sent").count() == PROGRAMMES * 3
    built = [b for _c, b, _s, _st in reports]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(built)]
    with_pdf = Report.objects.filter(pdf__isnull=False).count()
    mode = "real worker (Redis, concurrency 1)" if REDIS_URL else "in-process (eager)"
    print(
        f"\n\nReports benchmark on {connection.vendor}, {mode}: {PROGRAMMES} programmes × {KPIS} KPIs × "
        f"{MONTHS} months (filled in {fill_seconds:.0f} s), WeasyPrint {'on' if exporters.pdf_available() else 'off'}"
    )
    print(f"  dispatch + build + send all    {total:6.1f} s   (target < 120 s)")
    print(f"  per report                     {total / PROGRAMMES * 1000:6.0f} ms mean")
    if gaps:
        print(f"  between two builds             {statistics.median(gaps) * 1000:6.0f} ms median")
    print(f"  reports with PDF               {with_pdf} of {PROGRAMMES};  e-mails sent {len(mail.outbox)}")
    assert total < 120
