"""Report pages: who sees what (matrix), query counts, preview, send now, the sandboxed snapshot."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from tests.transformation.factories_reports import ReportFactory, ReportScheduleFactory
from transformation.models import Report, ReportDelivery, ReportSchedule

pytestmark = pytest.mark.django_db

READ_ALL = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDITORS = {**READ_ALL, "stakeholder": FORBIDDEN}


def url(world, name, **kwargs):
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


@pytest.fixture
def schedule(world):
    return ReportScheduleFactory(programme=world.programme, name="Monatsbericht")


@pytest.fixture
def report(schedule):
    return ReportFactory(schedule=schedule, pdf=b"%PDF-1.7 test")


def test_everyone_in_the_programme_reads_the_archive_and_the_reports(client_as, world, report):
    for name, kwargs in [
        ("report_archive", {}),
        ("report_detail", {"report": report.pk}),
        ("report_snapshot", {"report": report.pk}),
        ("report_download_html", {"report": report.pk}),
        ("report_download_pdf", {"report": report.pk}),
    ]:
        check_matrix(client_as, url(world, name, **kwargs), READ_ALL)


def test_only_leads_and_members_see_and_manage_schedules(client_as, world, schedule):
    for name, kwargs in [
        ("report_schedules", {}),
        ("report_schedule_create", {}),
        ("report_schedule_edit", {"schedule": schedule.pk}),
        ("report_preview", {"schedule": schedule.pk}),
    ]:
        check_matrix(client_as, url(world, name, **kwargs), EDITORS)


def test_send_now_and_delete_are_post_only_for_leads_and_members(client_as, world, schedule):
    expected = {
        "anonymous": REDIRECT,
        "stakeholder": FORBIDDEN,
        "member": REDIRECT,
        "lead": REDIRECT,
        "other_lead": NOT_FOUND,
        "org_admin": REDIRECT,
    }
    check_matrix(client_as, url(world, "report_send_now", schedule=schedule.pk), expected, method="post")
    # member, lead and admin each pressed it within a minute: one report, not three e-mails each
    assert Report.objects.filter(trigger="manual").count() == 1
    assert client_as("lead").get(url(world, "report_send_now", schedule=schedule.pk)).status_code == (
        HTTPStatus.METHOD_NOT_ALLOWED
    )
    # the member deletes it first; after that it is gone for everybody
    deleted = {**expected, "lead": NOT_FOUND, "org_admin": NOT_FOUND}
    check_matrix(
        client_as, url(world, "report_schedule_delete", schedule=schedule.pk), deleted, method="post"
    )
    assert not ReportSchedule.objects.exists()


def test_another_programmes_report_and_schedule_are_not_found(client_as, world):
    foreign_schedule = ReportScheduleFactory(programme=world.other_programme)
    foreign = ReportFactory(schedule=foreign_schedule)
    lead = client_as("lead")
    assert lead.get(url(world, "report_detail", report=foreign.pk)).status_code == NOT_FOUND
    assert lead.get(url(world, "report_download_html", report=foreign.pk)).status_code == NOT_FOUND
    assert lead.get(url(world, "report_schedule_edit", schedule=foreign_schedule.pk)).status_code == NOT_FOUND
    assert lead.post(url(world, "report_send_now", schedule=foreign_schedule.pk)).status_code == NOT_FOUND


def test_the_snapshot_is_served_under_a_strict_policy_for_a_sandboxed_frame(client_as, world, report):
    lead = client_as("lead")
    page = lead.get(url(world, "report_detail", report=report.pk))
    assert b"<iframe" in page.content and b" sandbox " in page.content
    snapshot = lead.get(url(world, "report_snapshot", report=report.pk))
    policy = snapshot["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert snapshot["X-Frame-Options"] == "SAMEORIGIN"
    assert snapshot.content.decode() == report.html
    download = lead.get(url(world, "report_download_html", report=report.pk))
    assert download["Content-Disposition"].startswith("attachment;")
    pdf = lead.get(url(world, "report_download_pdf", report=report.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content == b"%PDF-1.7 test"


def test_a_report_without_pdf_answers_404_for_the_pdf(client_as, world, schedule):
    report = ReportFactory(schedule=schedule, pdf=None)
    assert client_as("lead").get(url(world, "report_download_pdf", report=report.pk)).status_code == NOT_FOUND


DELIVERY_STATUSES = ["sent", "failed", "sending"]


def deliver(report, n):
    """``n`` deliveries of the report, their statuses in turn sent, failed, sending (not confirmed)."""
    ReportDelivery.objects.bulk_create(
        ReportDelivery(report=report, email=f"r{i}@example.org", status=DELIVERY_STATUSES[i % 3], attempts=1)
        for i in range(n)
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_the_archive_runs_a_fixed_number_of_queries(
    client_as, world, schedule, rows, django_assert_max_num_queries
):
    for month in range(rows):
        year, index = divmod(month, 12)
        start = date(2020 + year, index + 1, 1)
        deliver(ReportFactory(schedule=schedule, period_start=start, period_end=start.replace(day=28)), 3)
    lead = client_as("lead")
    with django_assert_max_num_queries(8):
        response = lead.get(url(world, "report_archive"))
    assert response.status_code == OK
    assert response.content.count(b"/download.html") == rows
    assert {
        (r.delivery_count, r.sent_count, r.failed_count, r.unconfirmed_count)
        for r in response.context["reports"]
    } == {(3, 1, 1, 1)}


@pytest.mark.parametrize("n", [1, 50])
def test_the_report_page_runs_a_fixed_number_of_queries_for_1_or_50_deliveries(
    client_as, world, report, n, django_assert_max_num_queries
):
    deliver(report, n)
    member = client_as("member")
    with django_assert_max_num_queries(8):
        response = member.get(url(world, "report_detail", report=report.pk))
    assert response.content.count(b"data-delivery-status=") == n


@pytest.mark.parametrize("rows", [1, 50])
def test_the_schedule_list_runs_a_fixed_number_of_queries(
    client_as, world, rows, django_assert_max_num_queries
):
    ReportScheduleFactory.create_batch(rows, programme=world.programme)
    lead = client_as("lead")
    with django_assert_max_num_queries(8):
        response = lead.get(url(world, "report_schedules"))
    assert response.content.count(b"/send-now/") == rows


def test_a_lead_creates_a_schedule_and_bad_addresses_are_shown_at_the_field(client_as, world):
    lead = client_as("lead")
    data = {
        "name": "Monatsbericht Innenstadt",
        "cadence": "monthly",
        "language": "de",
        "sections": ["kpis", "gate"],
        "send_to_members": "on",
        "extra_recipients": "rat@example.org, kaputt",
        "starts_on": "2026-01-01",
        "active": "on",
    }
    response = lead.post(url(world, "report_schedule_create"), data)
    assert response.status_code == OK
    assert "kaputt" in response.context["form"].errors["extra_recipients"][0]
    assert not ReportSchedule.objects.exists()

    data["extra_recipients"] = "rat@example.org"
    response = lead.post(url(world, "report_schedule_create"), data)
    assert response.status_code == REDIRECT
    schedule = ReportSchedule.objects.get()
    assert (schedule.sections, schedule.created_by) == (["kpis", "gate"], world.user("lead"))


def test_the_preview_shows_the_current_figures_and_stores_nothing(client_as, world, schedule):
    kpi = KPIFactory(programme=world.programme, code="FOOT", name_de="Passantenfrequenz")
    MeasurementFactory(kpi=kpi, value=Decimal("4321"), period_end=date(2025, 6, 30))  # before today
    response = client_as("member").get(url(world, "report_preview", schedule=schedule.pk))
    assert response.status_code == OK
    content = response.content.decode()
    assert 'id="report-kpis"' in content and "Passantenfrequenz" in content and "4.321" in content
    assert not Report.objects.exists()


def test_send_now_builds_and_mails_a_manual_report(
    client_as, world, schedule, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("lead").post(url(world, "report_send_now", schedule=schedule.pk))
    assert response.status_code == REDIRECT
    report = Report.objects.get()
    assert report.trigger == "manual" and report.status == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.user("lead").email, world.user("member").email]
    )


def test_the_overview_links_to_the_reports(client_as, world):
    response = client_as("stakeholder").get(
        reverse("programmes:transformation", kwargs=world.programme.url_kwargs)
    )
    assert url(world, "report_archive").encode() in response.content


def test_only_leads_and_members_try_a_failed_report_again(client_as, world, schedule):
    report = ReportFactory(schedule=schedule, status=Report.Status.FAILED, error="SMTP down")
    expected = {
        "anonymous": REDIRECT,
        "stakeholder": FORBIDDEN,
        "member": REDIRECT,
        "lead": REDIRECT,
        "other_lead": NOT_FOUND,
        "org_admin": REDIRECT,
    }
    check_matrix(client_as, url(world, "report_retry", report=report.pk), expected, method="post")
    assert Report.objects.get(pk=report.pk).status == Report.Status.BUILT  # the member's try

    failed = ReportFactory(
        schedule=schedule, trigger="manual", status=Report.Status.FAILED, error="SMTP down"
    )
    lead_page = client_as("lead").get(url(world, "report_detail", report=failed.pk)).content
    stakeholder_page = client_as("stakeholder").get(url(world, "report_detail", report=failed.pk)).content
    assert b"/retry/" in lead_page and b"SMTP down" in lead_page
    assert b"/retry/" not in stakeholder_page and b"SMTP down" not in stakeholder_page


def test_the_report_page_shows_each_recipients_delivery_status(client_as, world, report):
    ReportDelivery.objects.create(report=report, email="a@example.org", status="sent", attempts=1)
    ReportDelivery.objects.create(report=report, email="b@example.org", status="failed", error="550 refused")
    ReportDelivery.objects.create(report=report, email="c@example.org", status="sending", attempts=1)
    page = client_as("lead").get(url(world, "report_detail", report=report.pk), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="report-deliveries"' in html
    assert [(d.email, d.status) for d in page.context["deliveries"]] == [
        ("a@example.org", "sent"),
        ("b@example.org", "failed"),
        ("c@example.org", "sending"),
    ]
    assert "failed: 550 refused" in html and "sending, not confirmed" in html
    stakeholder = client_as("stakeholder").get(url(world, "report_detail", report=report.pk)).content.decode()
    assert "a@example.org" not in stakeholder and 'id="report-deliveries"' not in stakeholder
    archive = (
        client_as("member").get(url(world, "report_archive"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "1 / 3 · 1 failed · 1 not confirmed" in archive
    german = client_as("member").get(url(world, "report_archive"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "1 / 3 · 1 fehlgeschlagen · 1 nicht bestätigt" in german
