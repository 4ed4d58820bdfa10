"""Recurring KPI reports: periods, what is due, idempotent dispatch/build/send, the frozen snapshot."""

import json
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from programmes import services as programme_services
from programmes.models import Role
from tests.programmes.factories import MembershipFactory
from tests.transformation.factories_dashboards import PRIVATE_WORDS, seed_personal_data
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from tests.transformation.factories_reports import ReportScheduleFactory
from transformation import reports
from transformation.models import Report, ReportDelivery, ReportSchedule
from transformation.report_tasks import build_and_send_report, dispatch_due_reports

APRIL_2 = date(2026, 4, 2)


# --- Periods -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "day", "start", "end"),
    [
        ("weekly", date(2026, 4, 2), date(2026, 3, 30), date(2026, 4, 5)),  # Thursday → Monday–Sunday
        ("weekly", date(2026, 3, 30), date(2026, 3, 30), date(2026, 4, 5)),
        ("weekly", date(2026, 1, 1), date(2025, 12, 29), date(2026, 1, 4)),  # across the year
        ("monthly", date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
        ("monthly", date(2028, 2, 29), date(2028, 2, 1), date(2028, 2, 29)),  # leap year
        ("monthly", date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
        ("quarterly", date(2026, 5, 20), date(2026, 4, 1), date(2026, 6, 30)),
        ("quarterly", date(2026, 12, 1), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_periods_are_weeks_from_monday_calendar_months_and_quarters(cadence, day, start, end):
    assert reports.period_containing(cadence, day) == reports.Period(start, end)


@pytest.mark.parametrize(
    ("cadence", "today", "start", "end"),
    [
        ("weekly", date(2026, 4, 6), date(2026, 3, 30), date(2026, 4, 5)),  # Monday: last week is complete
        ("weekly", date(2026, 4, 5), date(2026, 3, 23), date(2026, 3, 29)),  # Sunday: this week is not
        ("monthly", date(2026, 4, 1), date(2026, 3, 1), date(2026, 3, 31)),
        ("monthly", date(2026, 1, 15), date(2025, 12, 1), date(2025, 12, 31)),
        ("quarterly", date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
        ("quarterly", date(2026, 2, 10), date(2025, 10, 1), date(2025, 12, 31)),
    ],
)
def test_the_latest_completed_period_ended_before_today(cadence, today, start, end):
    assert reports.latest_completed_period(cadence, today) == reports.Period(start, end)


def unbuilt_report(schedule, start=date(2026, 3, 1), end=date(2026, 3, 31)):
    """A scheduled report not built yet, as the dispatch creates it (by default of March 2026)."""
    return Report.objects.create(
        programme=schedule.programme,
        schedule=schedule,
        title="Bericht",
        period_start=start,
        period_end=end,
        language=schedule.language,
    )


# --- What is due -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_latest_completed_period_of_active_schedules_is_due():
    monthly = ReportScheduleFactory(starts_on=date(2025, 1, 1))
    ReportScheduleFactory(active=False)
    quarterly = ReportScheduleFactory(cadence="quarterly", starts_on=date(2026, 1, 1))

    due = {(d.schedule.pk, d.period) for d in reports.due_reports(APRIL_2)}

    # no flood of the 14 months since January 2025: only March 2026
    assert due == {
        (monthly.pk, reports.Period(date(2026, 3, 1), date(2026, 3, 31))),
        (quarterly.pk, reports.Period(date(2026, 1, 1), date(2026, 3, 31))),
    }


@pytest.mark.django_db
def test_a_period_that_starts_before_the_schedule_is_not_due():
    ReportScheduleFactory(starts_on=date(2026, 3, 15))
    assert reports.due_reports(APRIL_2) == []
    assert len(reports.due_reports(date(2026, 5, 1))) == 1  # April is the first whole month


@pytest.mark.django_db
def test_a_period_with_a_scheduled_report_is_no_longer_due():
    schedule = ReportScheduleFactory()
    unbuilt_report(schedule)
    assert reports.due_reports(APRIL_2) == []


# --- Idempotency --------------------------------------------------------------------------------------------


@pytest.fixture
def team(world):
    """The world's programme with a monthly schedule to members and stakeholders and one further address."""
    schedule = ReportScheduleFactory(
        programme=world.programme,
        send_to_stakeholders=True,
        extra_recipients="rat@musterstadt.example, ",
    )
    kpi = KPIFactory(programme=world.programme, code="FOOT", name_de="Passanten", unit="Personen/Tag")
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), value=Decimal("1200")
    )
    return schedule, kpi


def recipients(world):
    users = [world.user(role).email for role in ("lead", "member", "stakeholder")]
    return sorted([*users, "rat@musterstadt.example"])


@pytest.mark.django_db
def test_dispatching_twice_makes_one_report_and_one_email_per_recipient(
    world, team, django_capture_on_commit_callbacks
):
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reports.report_dispatch_due(APRIL_2)

    report = Report.objects.get()
    assert report.status == Report.Status.SENT
    assert (report.period_start, report.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert sorted(address for message in mail.outbox for address in message.to) == recipients(world)
    assert set(report.deliveries.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_the_beat_task_dispatches_due_reports(world, team, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: APRIL_2)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_due_reports.delay().get() == 1
    assert Report.objects.get().status == Report.Status.SENT
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_running_the_build_task_twice_keeps_one_snapshot_and_mails_nobody_twice(world, team):
    report = unbuilt_report(team[0])
    build_and_send_report.delay(report.pk)
    first = Report.objects.get(pk=report.pk)
    build_and_send_report.delay(report.pk)
    second = Report.objects.get(pk=report.pk)

    assert second.built_at == first.built_at
    assert second.html == first.html
    assert len(mail.outbox) == 4
    assert ReportDelivery.objects.filter(report=report).count() == 4


@pytest.mark.django_db
def test_parallel_dispatch_that_lost_the_race_finds_the_existing_report(world, team):
    schedule = team[0]
    existing = unbuilt_report(schedule)
    # what a second dispatch would do if its due_reports() ran before the first one committed
    report, created = Report.objects.get_or_create(
        schedule=schedule,
        period_start=existing.period_start,
        period_end=existing.period_end,
        trigger=Report.Trigger.SCHEDULED,
        defaults={"programme": world.programme, "title": "x"},
    )
    assert (report.pk, created) == (existing.pk, False)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            programme=world.programme,
            schedule=schedule,
            title="Doppelt",
            period_start=existing.period_start,
            period_end=existing.period_end,
        )


# --- The frozen snapshot ------------------------------------------------------------------------------------


def build(schedule, start=date(2026, 3, 1), end=date(2026, 3, 31)):
    return reports.report_build(report=unbuilt_report(schedule, start, end))


@pytest.mark.django_db
def test_a_snapshot_does_not_change_when_later_data_arrives(world, team):
    schedule, kpi = team
    report = build(schedule)
    row = report.data["kpis"]["rows"][0]
    assert (row["code"], row["latest_value"], row["latest_period_end"]) == ("FOOT", "1200", "2026-03-31")

    # a value for April, and a late correction entered for March after the report was built
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 4, 1), period_end=date(2026, 4, 30), value=Decimal("5000")
    )
    kpi.measurements.filter(period_end=date(2026, 3, 31)).update(value=Decimal("999"))
    reports.report_build(report=report)  # a second build does nothing

    stored = Report.objects.get(pk=report.pk)
    assert stored.data == report.data
    assert stored.html == report.html
    assert "1.200" in stored.html and "5.000" not in stored.html


@pytest.mark.django_db
def test_kpis_count_only_measurements_up_to_the_period_end(world, team):
    schedule, kpi = team
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 4, 1), period_end=date(2026, 4, 30), value=Decimal("5000")
    )
    report = build(schedule)
    assert report.data["kpis"]["rows"][0]["latest_value"] == "1200"


@pytest.mark.django_db
def test_a_report_holds_only_the_schedules_sections(world, team):
    schedule, _kpi = team
    schedule.sections = ["milestones"]
    schedule.save()
    report = build(schedule)
    assert report.data["sections"] == ["milestones"]
    assert "kpis" not in report.data and "gate" not in report.data
    assert "Passanten" not in report.html
    assert 'id="report-milestones"' in report.html and 'id="report-kpis"' not in report.html


@pytest.mark.django_db
def test_a_report_is_written_in_the_schedules_language(world, team):
    schedule, _kpi = team
    schedule.language = "en"
    schedule.save()
    english = build(schedule)
    schedule.language = "de"
    schedule.save()
    german = build(schedule, date(2026, 2, 1), date(2026, 2, 28))

    assert '<html lang="en">' in english.html and "Milestones and quick wins" in english.html
    assert english.data["kpis"]["rows"][0]["status_label"] == "on track"
    assert '<html lang="de">' in german.html
    assert german.data["milestones"]["by_status"][0]["label"] == "geplant"
    assert english.data["milestones"]["by_status"][0]["label"] == "planned"


@pytest.mark.django_db
def test_the_snapshot_is_self_contained_html_without_script(world, team):
    report = build(team[0])
    html = report.html.lower()
    assert "<script" not in html and "<link" not in html and "src=" not in html
    assert "<svg" in html and 'role="img"' in html and "<style>" in html


@pytest.mark.django_db
def test_a_gate_override_and_its_reason_are_in_the_report(world, team, failing_gate):
    programme_services.programme_transition(
        programme=world.programme,
        user=world.user("lead"),
        rationale="Stadtrat hat den Start trotz fehlender Umfrage beschlossen.",
        override=True,
    )
    today = timezone.localdate()
    report = build(team[0], today.replace(day=1), today)
    transition = report.data["gate"]["transitions"][0]
    assert transition["overridden"] is True
    assert transition["rationale"] == "Stadtrat hat den Start trotz fehlender Umfrage beschlossen."
    assert "Stadtrat hat den Start trotz fehlender Umfrage beschlossen." in report.html


def override_now(world, reason="Stadtrat hat den Start trotz fehlender Umfrage beschlossen."):
    return programme_services.programme_transition(
        programme=world.programme, user=world.user("lead"), rationale=reason, override=True
    )


def next_month(day: date) -> reports.Period:
    return reports.period_containing(
        "monthly", reports.period_containing("monthly", day).end + timedelta(days=1)
    )


@pytest.mark.django_db
def test_a_report_for_a_later_period_still_shows_the_override_in_force(world, team, failing_gate):
    override_now(world)
    later = next_month(timezone.localdate())
    report = build(team[0], later.start, later.end)

    assert report.data["gate"]["transitions"] == []  # no decision in that period …
    [in_force] = report.data["gate"]["overrides_in_force"]  # … but the cycle still runs on the override
    assert (in_force["from_phase"], in_force["to_phase"]) == ("evaluation", "konzeption")
    assert in_force["rationale"] == "Stadtrat hat den Start trotz fehlender Umfrage beschlossen."
    assert in_force["unmet"] == [{"label": "A survey wave is closed", "detail": "0 of 1 waves closed"}]
    assert "Stadtrat hat den Start trotz fehlender Umfrage beschlossen." in report.html
    assert "A survey wave is closed" in report.html
    mail_text = reports.report_text(report.data, "https://example.org/r/1/")
    assert "Stadtrat hat den Start" in mail_text


@pytest.mark.django_db
def test_an_override_decided_after_the_period_is_not_in_its_report(world, team, failing_gate):
    override_now(world)
    earlier = reports.previous_period("monthly", reports.period_containing("monthly", timezone.localdate()))
    report = build(team[0], earlier.start, earlier.end)
    assert report.data["gate"]["overrides_in_force"] == []
    assert "Gültige Gate-Übersteuerungen in diesem Zyklus" in report.html  # the section, saying there is none


@pytest.mark.django_db
def test_a_new_cycle_starts_without_the_overrides_of_the_last_one(world, team, failing_gate):
    override_now(world)  # E → K, overridden
    lead = world.user("lead")
    for reason in ["Konzept steht", "Neuer Zyklus"]:  # K → T and T → E: no criteria registered, met
        programme_services.programme_transition(programme=world.programme, user=lead, rationale=reason)
    world.programme.refresh_from_db()
    assert world.programme.cycle == 2
    later = next_month(timezone.localdate())
    assert build(team[0], later.start, later.end).data["gate"]["overrides_in_force"] == []


@pytest.mark.django_db
def test_a_stored_report_keeps_its_overrides_when_later_decisions_follow(world, team, failing_gate):
    override_now(world)
    later = next_month(timezone.localdate())
    report = build(team[0], later.start, later.end)
    html = report.html

    for reason in ["Konzept steht", "Neuer Zyklus"]:
        programme_services.programme_transition(
            programme=world.programme, user=world.user("lead"), rationale=reason
        )
    reports.report_build(report=report)  # a second build changes nothing

    stored = Report.objects.get(pk=report.pk)
    assert stored.html == html and len(stored.data["gate"]["overrides_in_force"]) == 1
    # A snapshot built before this section existed renders as it did (no overrides heading).
    del stored.data["gate"]["overrides_in_force"]
    assert "Gültige Gate-Übersteuerungen in diesem Zyklus" not in reports.report_html(stored.data)


@pytest.mark.django_db
def test_the_report_mail_has_html_text_and_the_pdf(world, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_dispatch_due(APRIL_2)
    message = mail.outbox[0]
    assert world.programme.title in message.subject and "31.03.2026" in message.subject
    assert "FOOT Passanten: 1.200 Personen/Tag" in message.body
    assert message.alternatives[0][1] == "text/html"
    report = Report.objects.get()
    assert f"/reports/{report.pk}/" in message.body
    if report.pdf:
        assert message.attachments[0][2] == "application/pdf"
        assert bytes(report.pdf).startswith(b"%PDF")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["de", "en"])
def test_a_report_and_its_emails_name_nobody(world, team, language):
    """Reports go to stakeholders and further addresses: no names of people, in the snapshot or the e-mail."""
    today = timezone.localdate()
    seed_personal_data(world.programme, world.user("lead"), today)
    schedule = team[0]
    schedule.language = language
    schedule.save(update_fields=["language"])
    report = build(schedule, today.replace(day=1), today)
    reports.report_send(report=report)

    assert "rat@musterstadt.example" in [address for message in mail.outbox for address in message.to]
    texts = {"html": report.html, "data": json.dumps(report.data, ensure_ascii=False)}
    for message in mail.outbox:
        texts.update(subject=message.subject, body=message.body, alternative=message.alternatives[0][0])
    # The report still holds the warnings about people (public form) and the override with its reason.
    assert "Infotafel Markt" in report.html and "Ratsbeschluss vom März" in report.html
    assert {r["rule"] for r in report.data["risks"]} >= {
        "programmes.unengaged_stakeholder",
        "concept.stale_content",
    }
    for where, text in texts.items():
        leaked = [word for word in PRIVATE_WORDS if word in text]
        assert not leaked, f"{where}: {leaked}"
        for role in ("stakeholder", "member", "lead"):
            assert world.user(role).name not in text, (where, role)


class _ChartRows(HTMLParser):
    """The cell texts of every row of the e-mail's table charts, per chart (class mail-chart / mail-spark)."""

    def __init__(self):
        super().__init__()
        self.charts, self.tables, self.row, self.cell, self.depth = [], [], None, None, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table":
            is_chart = self.cell is None and ("mail-chart" in classes or "mail-spark" in classes)
            self.tables.append(is_chart)
            if is_chart:
                self.charts.append({"label": attrs.get("aria-label"), "rows": []})
        elif tag == "tr" and "mail-chart__row" in classes:
            self.row = []
            self.charts[-1]["rows"].append(self.row)
        elif tag == "td" and self.row is not None:
            if self.cell is None:
                self.cell, self.depth = "", 1
            else:
                self.depth += 1

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.depth -= 1
            if self.depth == 0:
                text = self.cell.replace("\xa0", " ").strip()
                if text:
                    self.row.append(text)
                self.cell = None
        elif (tag == "tr" and self.cell is None) or (tag == "table" and self.tables and self.tables.pop()):
            self.row = None  # the end of a chart row, or of a chart

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def chart_rows(html):
    parser = _ChartRows()
    parser.feed(html)
    return {chart["label"]: chart["rows"] for chart in parser.charts}


@pytest.mark.django_db
def test_the_email_body_draws_its_charts_as_tables_with_the_figures_and_no_svg(world, team):
    schedule, kpi = team
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 2, 1), period_end=date(2026, 2, 28), value=Decimal("1100")
    )
    report = build(schedule)
    assert "<svg" in report.html  # the stored snapshot (and its PDF) keep their SVG charts
    # A late correction after the build: the e-mail still says what the snapshot says
    kpi.measurements.filter(period_end=date(2026, 3, 31)).update(value=Decimal("999"))
    assert reports.report_send(report=report) == 4
    html = mail.outbox[0].alternatives[0][0]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert "<svg" not in html.lower() and "<script" not in html.lower() and "<img" not in html.lower()
    charts = chart_rows(html)
    assert charts["KPIs nach Status"] == [
        ["auf Kurs", "1"],
        ["gefährdet", "0"],
        ["nicht auf Kurs", "0"],
        ["keine Daten", "0"],
    ]
    assert charts["Passanten: die letzten Werte"] == [["1.100 → 1.200"]]  # the sparkline in the KPI table
    assert charts["Passanten: die letzten Werte nach Zeitraum"] == [
        ["28.02.2026", "1.100 Personen/Tag"],
        ["31.03.2026", "1.200 Personen/Tag"],
    ]
    # Bars are coloured table cells whose width is the share of the largest figure
    assert 'width="100%" height="14" bgcolor="#1d4e89"' in html
    assert "999" not in html


# --- Recipients and schedules ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_members_only_schedules_skip_stakeholders(world, team):
    schedule = team[0]
    schedule.send_to_stakeholders = False
    schedule.extra_recipients = ""
    schedule.save()
    report = build(schedule)
    assert sorted(reports.report_recipients(report)) == sorted(
        [world.user("lead").email, world.user("member").email]
    )


@pytest.mark.django_db
def test_a_schedule_refuses_bad_addresses_and_unknown_sections(world):
    with pytest.raises(ValidationError) as error:
        reports.report_schedule_create(
            programme=world.programme,
            name="Monatsbericht",
            cadence="monthly",
            sections=["kpis", "gossip"],
            extra_recipients="gut@example.org, kein-mail",
        )
    assert set(error.value.message_dict) == {"sections", "extra_recipients"}
    assert "kein-mail" in error.value.message_dict["extra_recipients"][0]
    assert not ReportSchedule.objects.exists()


@pytest.mark.django_db
def test_a_schedule_keeps_sections_in_order_and_addresses_one_per_line(world):
    schedule = reports.report_schedule_create(
        programme=world.programme,
        name="Quartalsbericht",
        cadence="quarterly",
        sections=["risks", "kpis", "kpis"],
        extra_recipients="a@example.org; b@example.org\nA@example.org",
    )
    assert schedule.sections == ["kpis", "risks"]
    assert schedule.extra_recipients == "a@example.org\nb@example.org"


# --- Mail errors ---------------------------------------------------------------------------------------------


class FlakyMailServer(EmailBackend):
    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.failures:
            FlakyMailServer.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail_server(settings, monkeypatch):
    from config.celery_app import app

    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    FlakyMailServer.attempts = 0
    yield FlakyMailServer
    FlakyMailServer.failures = 0


@pytest.mark.django_db
def test_a_mail_error_is_retried_and_nobody_gets_the_report_twice(world, team, flaky_mail_server):
    flaky_mail_server.failures = 2  # the first two sending attempts fail
    report = unbuilt_report(team[0])
    build_and_send_report.delay(report.pk)

    assert sorted(a for m in mail.outbox for a in m.to) == recipients(world)
    report.refresh_from_db()
    assert report.status == Report.Status.SENT
    assert sum(report.deliveries.values_list("attempts", flat=True)) == 4 + 2


@pytest.mark.django_db
def test_the_report_is_marked_failed_after_the_last_retry(world, team, flaky_mail_server):
    flaky_mail_server.failures = 1000
    report = unbuilt_report(team[0])
    build_and_send_report.delay(report.pk)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "Connection unexpectedly closed" in report.error
    assert mail.outbox == []
    assert report.html  # the snapshot itself is kept


@pytest.mark.django_db
def test_send_now_mails_a_manual_report_of_the_latest_period(world, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_send_now(schedule=team[0], today=APRIL_2)
    report.refresh_from_db()
    assert report.trigger == Report.Trigger.MANUAL and report.status == Report.Status.SENT
    assert len(mail.outbox) == 4
    # the scheduled report of March is still due
    assert len(reports.due_reports(APRIL_2)) == 1


@pytest.mark.django_db
def test_a_preview_stores_nothing(world, team):
    data = reports.report_preview(schedule=team[0], today=APRIL_2)
    assert data["period_start"] == "2026-04-01" and data["period_end"] == "2026-04-02"
    assert data["kpis"]["rows"][0]["code"] == "FOOT"
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_a_stale_report_is_enqueued_again(world, team, django_capture_on_commit_callbacks):
    report = unbuilt_report(team[0])
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(hours=1))
    reports.report_dispatch_due(APRIL_2)
    assert Report.objects.get(pk=report.pk).status == Report.Status.SENT


@pytest.mark.django_db
def test_a_deactivated_member_gets_no_report(world, team):
    user = MembershipFactory(programme=world.programme, role=Role.MEMBER).user
    user.is_active = False
    user.save()
    report = build(team[0])
    assert user.email not in reports.report_recipients(report)


@pytest.mark.django_db
def test_a_double_click_on_send_now_makes_one_report(world, team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = reports.report_send_now(schedule=team[0], today=APRIL_2)
        second = reports.report_send_now(schedule=team[0], today=APRIL_2)
    assert first.pk == second.pk
    assert len(mail.outbox) == 4


@pytest.mark.django_db
def test_a_failed_report_tried_again_mails_only_those_not_reached(
    world, team, flaky_mail_server, django_capture_on_commit_callbacks
):
    report = unbuilt_report(team[0])
    flaky_mail_server.failures = 1000
    build_and_send_report.delay(report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    # one address got through before the server broke down for good
    first = report.deliveries.order_by("email").first()
    ReportDelivery.objects.filter(pk=first.pk).update(status="sent")

    flaky_mail_server.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_retry(report=report)

    report.refresh_from_db()
    assert report.status == Report.Status.SENT
    assert first.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 3
    with pytest.raises(ValidationError):
        reports.report_retry(report=report)


# --- At most one e-mail per recipient, even when a worker dies ----------------------------------------------


class WorkerDied(BaseException):
    """The process stops (killed, out of memory): no ``except Exception`` of ours catches it."""


class CrashAfterSending(EmailBackend):
    """The in-memory backend; the worker dies right after the message to one of ``crash_after`` went out."""

    crash_after: set[str] = set()

    def send_messages(self, messages):
        count = super().send_messages(messages)
        if any(address in CrashAfterSending.crash_after for m in messages for address in m.to):
            raise WorkerDied
        return count


class RefusingAddress(EmailBackend):
    """The in-memory backend, but the mail server refuses every address in ``refused``."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            bad = {a: (550, b"mailbox unavailable") for a in message.to if a in RefusingAddress.refused}
            if bad:
                raise SMTPRecipientsRefused(bad)
        return super().send_messages(messages)


def statuses(report):
    return dict(report.deliveries.values_list("email", "status"))


@pytest.mark.django_db
def test_sending_twice_mails_each_recipient_once(world, team):
    report = build(team[0])
    assert reports.report_send(report=report) == 4
    assert reports.report_send(report=report) == 0
    assert sorted(a for m in mail.outbox for a in m.to) == recipients(world)
    assert set(statuses(report).values()) == {"sent"}


@pytest.mark.django_db
def test_a_worker_that_died_after_sending_is_not_followed_by_a_second_email(world, team, settings):
    settings.EMAIL_BACKEND = f"{__name__}.CrashAfterSending"
    report = build(team[0])
    first, *others = recipients(world)
    CrashAfterSending.crash_after = {first}
    try:
        with pytest.raises(WorkerDied):  # the e-mail to the first address left, then the worker died
            reports.report_send(report=report)
    finally:
        CrashAfterSending.crash_after = set()
    assert [m.to for m in mail.outbox] == [[first]]
    assert statuses(report) == {first: "sending", **dict.fromkeys(others, "pending")}

    build_and_send_report.delay(report.pk)  # the task comes back (acks_late) on another worker

    assert sorted(a for m in mail.outbox for a in m.to) == recipients(world)  # nobody twice
    assert statuses(report) == {first: "sending", **dict.fromkeys(others, "sent")}
    report.refresh_from_db()
    assert report.status == Report.Status.SENT
    delivery = report.deliveries.get(email=first)
    assert delivery.attempts == 1 and delivery.claimed_at is not None and delivery.sent_at is None


@pytest.fixture
def refusing_mail_server(settings, monkeypatch):
    from config.celery_app import app

    settings.EMAIL_BACKEND = f"{__name__}.RefusingAddress"
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)  # eager tasks retry inline like a worker
    yield RefusingAddress
    RefusingAddress.refused = set()


@pytest.mark.django_db
def test_a_refused_address_is_retried_alone_and_the_others_get_one_email(
    world, team, refusing_mail_server, django_capture_on_commit_callbacks
):
    stakeholder = world.user("stakeholder").email
    refusing_mail_server.refused = {stakeholder}
    report = unbuilt_report(team[0])
    build_and_send_report.delay(report.pk)

    reached = [a for m in mail.outbox for a in m.to]
    assert sorted(reached) == sorted(set(recipients(world)) - {stakeholder})  # each once, over six runs
    refused = report.deliveries.get(email=stakeholder)
    assert refused.status == "failed" and "mailbox unavailable" in refused.error
    assert refused.attempts == build_and_send_report.max_retries + 1
    assert set(report.deliveries.exclude(email=stakeholder).values_list("attempts", flat=True)) == {1}
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED

    refusing_mail_server.refused = set()
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_retry(report=report)
    assert [m.to for m in mail.outbox[len(reached) :]] == [[stakeholder]]
    report.refresh_from_db()
    assert report.status == Report.Status.SENT and set(statuses(report).values()) == {"sent"}


# --- Reports built before they were kept free of names ----------------------------------------------------------


def old_style_report(world, schedule, stakeholder, overdue_owner="Erika Mustermann"):
    """A report as built before: milestone owner, decision author and the stakeholder's name in a warning."""
    data = {
        "version": 1,
        "title": "Bericht März",
        "language": "de",
        "programme": {"title": world.programme.title, "organisation": "Musterstadt", "phase_label": "Evaluation"},
        "sections": ["milestones", "gate", "risks"],
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "generated_at": "2026-04-01T03:00:00+02:00",
        "milestones": {
            "total": 1,
            "by_status": [],
            "overdue": [
                {"title": "Ausschreibung", "measure": "Parkleitsystem", "owner": overdue_owner, "due": "2026-03-20",
                 "status": "planned", "status_label": "geplant"}
            ],
            "due_in_period": [],
            "quick_wins": [],
        },
        "gate": {
            "phase": "evaluation", "phase_label": "Evaluation", "cycle": 1, "criteria": [], "met": 0, "total": 0,
            "transitions": [
                {"from_label": "Evaluation", "to_label": "Konzeption", "decided_at": "2026-03-10T10:00:00+01:00",
                 "decided_by": "Lothar Leitmann", "overridden": True, "rationale": "Ratsbeschluss"}
            ],
            "overrides_in_force": [],
        },
        "risks": [
            {"rule": "programmes.unengaged_stakeholder", "subject": f"stakeholder:{stakeholder.pk}",
             "title": f"Einflussreiche Stakeholder nie angesprochen: {stakeholder.name}", "explanation": "Einfluss 5",
             "url": "", "acknowledged": False, "acknowledgement_note": ""},
            {"rule": "programmes.unengaged_stakeholder", "subject": "stakeholder:999999",
             "title": "Einflussreiche Stakeholder nie angesprochen: Egon Vergessen", "explanation": "Einfluss 4",
             "url": "", "acknowledged": False, "acknowledgement_note": ""},
            {"rule": "transformation.running_costs", "subject": "case:1", "title": "Betriebskosten fehlen",
             "explanation": "Version 1", "url": "", "acknowledged": False, "acknowledgement_note": ""},
        ],
        "measure_ids": [],
    }  # fmt: skip
    return Report.objects.create(
        programme=world.programme,
        schedule=schedule,
        title="Bericht März",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=Report.Status.SENT,
        data=data,
        # as the templates of then rendered it, with the owner column and the author of the decision
        html=reports.report_html(data).replace(
            "</body>", f"<td>{overdue_owner}</td> · Lothar Leitmann</body>"
        ),
    )


@pytest.mark.django_db
def test_the_redact_command_removes_names_from_reports_built_before(world, team):
    from django.core.management import call_command

    mayor = programme_services.stakeholder_create(
        programme=world.programme, name="Dr. Sabine Krämer", group="politics", influence=5, interest=4
    )
    report = old_style_report(world, team[0], mayor)
    untouched = Report.objects.create(
        programme=world.other_programme,
        title="Anderes",
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        status=Report.Status.SENT,
        data={**report.data, "title": "Anderes"},
        html=report.html,
    )
    names = ["Krämer", "Mustermann", "Leitmann", "Egon Vergessen"]
    assert all(name in report.html for name in names)

    call_command("redact_report_snapshots", "--dry-run", "--programme", world.programme.pk)
    report.refresh_from_db()
    assert "Krämer" in report.html  # a dry run changes nothing

    call_command("redact_report_snapshots", "--programme", world.programme.pk)
    report.refresh_from_db()
    stored = json.dumps(report.data, ensure_ascii=False)
    assert not [name for name in names if name in report.html or name in stored]
    risks = {row["subject"]: row for row in report.data["risks"]}
    assert "Politik" in risks[f"stakeholder:{mayor.pk}"]["title"]  # the public form of the current warning
    assert "entfernt" in risks["stakeholder:999999"]["title"]  # gone since: a neutral text
    assert risks["case:1"]["title"] == "Betriebskosten fehlen"  # names nobody: left as it was
    assert "Ratsbeschluss" in report.html and "Ausschreibung" in report.html
    assert "Namen von Personen entfernt" in report.html
    assert report.pdf is None or bytes(report.pdf).startswith(b"%PDF")
    untouched.refresh_from_db()
    assert "Krämer" in untouched.html  # only the programme asked for

    html = report.html
    assert reports.report_redact_personal_data(report=report) is False  # a second run finds nothing to do
    report.refresh_from_db()
    assert report.html == html


@pytest.mark.django_db
def test_the_redact_command_refuses_an_unknown_programme():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("redact_report_snapshots", "--programme", 987654)


def test_mail_charts_scale_bars_to_the_largest_figure_and_write_every_figure():
    from transformation import mailcharts

    html = mailcharts.bar_chart_html(
        [("geplant", 3), ("erledigt", 1), ("blockiert", 0)], label="Meilensteine"
    )
    assert chart_rows(html) == {"Meilensteine": [["geplant", "3"], ["erledigt", "1"], ["blockiert", "0"]]}
    assert 'width="100%" height="14" bgcolor="#1d4e89"' in html  # 3 of 3
    assert 'width="33%" height="14" bgcolor="#1d4e89"' in html  # 1 of 3
    assert html.count('bgcolor="#1d4e89"') == 2  # no bar at all for 0
    assert "<svg" not in html and "<script" not in html
    escaped = mailcharts.bar_chart_html([("<b>x</b>", 1)], label="a&b")
    assert "&lt;b&gt;x&lt;/b&gt;" in escaped and 'aria-label="a&amp;b"' in escaped
    assert "–" in mailcharts.sparkline_html([], label="leer")
    assert chart_rows(mailcharts.sparkline_html([(date(2026, 1, 31), Decimal("7"))], label="s")) == {
        "s": [["7"]]
    }
