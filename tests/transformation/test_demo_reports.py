"""The demo's report schedule and its two archived reports: real snapshots, marked sent, no e-mail."""

import pytest
from django.core import mail

from programmes.demo import DemoContext, registered_demo_steps
from transformation.demo_kpis import seed_kpis
from transformation.demo_reports import seed_reports
from transformation.models import Report, ReportSchedule

pytestmark = pytest.mark.django_db


def test_the_report_step_runs_after_the_kpi_step_as_the_last_step():
    steps = registered_demo_steps()
    assert steps.index(seed_kpis) < steps.index(seed_reports) == len(steps) - 1


def test_demo_reports_are_archived_once_and_nobody_is_mailed(world):
    demo = DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"lead": world.user("lead")},
        log=lambda message: None,
    )
    seed_kpis(demo)
    seed_reports(demo)
    seed_reports(demo)

    schedule = ReportSchedule.objects.get(programme=world.programme)
    assert schedule.cadence == "monthly"
    archived = list(Report.objects.filter(schedule=schedule).order_by("period_start"))
    assert len(archived) == 2
    assert archived[0].period_end < archived[1].period_start
    for report in archived:
        assert report.status == Report.Status.SENT and report.html
        assert report.data["kpis"]["rows"], "the demo KPIs are in the snapshot"
        assert set(report.deliveries.values_list("status", flat=True)) == {"sent"}
    assert mail.outbox == []
