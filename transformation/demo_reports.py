"""Demo reports for ``manage.py seed_demo``: a monthly KPI report schedule of "Digitale Innenstadt" and the
archived reports of the last two completed months.

The two reports are real frozen snapshots (built from the demo KPIs as of each month's end, with HTML and PDF),
marked as sent to the programme's leads and members without sending any e-mail: seeding a demo must not mail
anyone, whatever mail backend the settings name. Registered after the KPI step, so the figures are there.
Idempotent: the schedule is found by name, and each month's report by the (schedule, period) constraint.
"""

from django.db import transaction
from django.utils import timezone

from . import reports
from .models import Report, ReportDelivery, ReportSchedule

PROGRAMME_SLUG = "digitale-innenstadt"
SCHEDULE_NAME = "Monatsbericht Innenstadt"


def seed_reports(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None:
        return
    today = timezone.localdate()
    last = reports.latest_completed_period("monthly", today)
    before = reports.previous_period("monthly", last)
    schedule = ReportSchedule.objects.filter(programme=programme, name=SCHEDULE_NAME).first()
    if schedule is None:
        schedule = reports.report_schedule_create(
            programme=programme,
            created_by=demo.users.get("lead"),
            name=SCHEDULE_NAME,
            cadence=ReportSchedule.Cadence.MONTHLY,
            language="de",
            sections=list(ReportSchedule.SECTIONS),
            send_to_members=True,
            send_to_stakeholders=True,
            starts_on=before.start,
        )
    made = 0
    for period in (before, last):
        with transaction.atomic():
            template = reports.unsaved_report(schedule, period, Report.Trigger.SCHEDULED)
            report, _created = Report.objects.get_or_create(
                schedule=schedule,
                period_start=period.start,
                period_end=period.end,
                trigger=Report.Trigger.SCHEDULED,
                defaults={"programme": programme, "title": template.title, "language": template.language},
            )
        if report.status != Report.Status.BUILDING:
            continue
        report = reports.report_build(report=report)
        sent_at = timezone.now()
        for address in reports.report_recipients(report):
            ReportDelivery.objects.get_or_create(
                report=report,
                email=address,
                defaults={"status": ReportDelivery.Status.SENT, "attempts": 1, "sent_at": sent_at},
            )
        Report.objects.filter(pk=report.pk).update(status=Report.Status.SENT, sent_at=sent_at)
        made += 1
    if made:
        demo.log(f"Reports: a monthly schedule and {made} archived reports for {programme.title}")
