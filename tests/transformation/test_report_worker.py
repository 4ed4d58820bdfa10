"""A real Celery worker (in a thread of this process) against the Redis broker of REDIS_URL dispatches, builds
and e-mails a report end to end. CI sets REDIS_URL and DATABASE_URL, so it runs there."""

import os
import threading
import uuid
from datetime import date
from decimal import Decimal

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, ProgrammeFactory
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from tests.transformation.factories_reports import ReportScheduleFactory
from transformation.models import Report

REDIS_URL = os.environ.get("REDIS_URL", "")
BUILD = "transformation.report_tasks.build_and_send_report"
DISPATCH = "transformation.report_tasks.dispatch_due_reports"


@pytest.fixture
def real_worker_app():
    """Like config.celery_app, but with a real broker, not eager, and a queue of its own (see test_celery_worker)."""
    from config.celery_app import app as project_app

    app = Celery("stadtlotse-test-report-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=f"stadtlotse-test-{uuid.uuid4().hex}",
        worker_hijack_root_logger=False,
    )
    import transformation.tasks  # noqa: F401  (registers the shared tasks)

    yield app
    project_app.set_current()
    project_app.set_default()


@pytest.mark.celery_worker
@pytest.mark.skipif(not REDIS_URL, reason="needs a Redis broker: set REDIS_URL (CI does)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_dispatches_builds_and_mails_a_report(real_worker_app):
    from transformation.report_tasks import dispatch_due_reports

    programme = ProgrammeFactory(title="Digitale Innenstadt")
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    ReportScheduleFactory(programme=programme, extra_recipients="rat@example.org")
    kpi = KPIFactory(programme=programme, code="FOOT", name_de="Passanten")
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), value=Decimal("1200")
    )
    done = threading.Event()
    runs = []
    main_thread = threading.current_thread()

    def on_postrun(sender=None, state=None, **kwargs):
        if sender is not None and sender.name in (BUILD, DISPATCH):
            runs.append(
                (sender.name, state, sender.request.is_eager, threading.current_thread() is main_thread)
            )
            if sender.name == BUILD:
                done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(real_worker_app, perform_ping_check=False, shutdown_timeout=60):
            dispatch_due_reports.delay("2026-04-02")
            assert done.wait(timeout=90), "the worker did not build the report within 90 s"
    finally:
        task_postrun.disconnect(on_postrun)

    assert runs == [(DISPATCH, "SUCCESS", False, False), (BUILD, "SUCCESS", False, False)]
    report = Report.objects.get()
    assert report.status == Report.Status.SENT
    assert (report.period_start, report.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert report.data["kpis"]["rows"][0]["latest_value"] == "1200"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, "rat@example.org"])
