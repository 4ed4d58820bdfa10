"""Report API: schedules (leads and members), the archive (every role), download, send now, query counts."""

from datetime import date
from http import HTTPStatus

import pytest
from django.core import mail

from tests.conftest import ROLES
from tests.transformation.factories_reports import ReportFactory, ReportScheduleFactory
from transformation.models import Report, ReportDelivery, ReportSchedule

pytestmark = pytest.mark.django_db

SCHEDULES = "/api/v1/report-schedules/"
REPORTS = "/api/v1/reports/"


def statuses(api_as, method, path, data=None):
    return {role: getattr(api_as(role), method)(path, data, format="json").status_code for role in ROLES}


@pytest.fixture
def schedule(world):
    return ReportScheduleFactory(programme=world.programme, extra_recipients="rat@example.org")


@pytest.fixture
def report(schedule):
    return ReportFactory(
        schedule=schedule, pdf=b"%PDF-1.7 test", data={"title": "Bericht", "kpis": {"rows": []}}
    )


def test_schedules_are_visible_to_leads_members_and_admins_only(api_as, world, schedule):
    assert statuses(api_as, "get", f"{SCHEDULES}{schedule.pk}/") == {
        "anonymous": HTTPStatus.UNAUTHORIZED,
        "stakeholder": HTTPStatus.NOT_FOUND,  # schedules hold addresses: stakeholders read the archive only
        "member": HTTPStatus.OK,
        "lead": HTTPStatus.OK,
        "other_lead": HTTPStatus.NOT_FOUND,
        "org_admin": HTTPStatus.OK,
    }
    assert api_as("stakeholder").get(SCHEDULES).json()["count"] == 0


def test_the_archive_is_visible_to_every_role_of_the_programme(api_as, world, report):
    expected = {
        "anonymous": HTTPStatus.UNAUTHORIZED,
        "stakeholder": HTTPStatus.OK,
        "member": HTTPStatus.OK,
        "lead": HTTPStatus.OK,
        "other_lead": HTTPStatus.NOT_FOUND,
        "org_admin": HTTPStatus.OK,
    }
    assert statuses(api_as, "get", f"{REPORTS}{report.pk}/") == expected
    body = api_as("stakeholder").get(f"{REPORTS}{report.pk}/").json()
    assert body["data"] == {"title": "Bericht", "kpis": {"rows": []}} and body["has_pdf"] is True


def test_a_member_creates_updates_and_deletes_a_schedule(api_as, world):
    api = api_as("member")
    response = api.post(
        SCHEDULES,
        {
            "programme": world.programme.pk,
            "name": "Quartalsbericht",
            "cadence": "quarterly",
            "language": "en",
            "sections": ["risks", "kpis"],
            "extra_recipients": "a@example.org; b@example.org",
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    body = response.json()
    assert (
        body["sections"] == ["kpis", "risks"] and body["extra_recipients"] == "a@example.org\nb@example.org"
    )
    schedule = ReportSchedule.objects.get()
    assert schedule.created_by == world.user("member")

    response = api.patch(f"{SCHEDULES}{schedule.pk}/", {"active": False}, format="json")
    assert response.status_code == HTTPStatus.OK and response.json()["active"] is False
    assert api.delete(f"{SCHEDULES}{schedule.pk}/").status_code == HTTPStatus.NO_CONTENT
    assert not ReportSchedule.objects.exists()


def test_bad_input_is_a_400_with_field_errors(api_as, world):
    response = api_as("lead").post(
        SCHEDULES,
        {
            "programme": world.programme.pk,
            "name": "Bericht",
            "cadence": "daily",
            "sections": ["gossip"],
            "extra_recipients": "kein-mail",
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert {"cadence", "sections"} <= set(response.json())
    response = api_as("lead").post(
        SCHEDULES,
        {
            "programme": world.programme.pk,
            "name": "Bericht",
            "cadence": "monthly",
            "extra_recipients": "kein-mail",
        },
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and "extra_recipients" in response.json()


def test_stakeholders_and_strangers_cannot_create_schedules(api_as, world):
    data = {"programme": world.programme.pk, "name": "Bericht", "cadence": "monthly"}
    assert api_as("stakeholder").post(SCHEDULES, data, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert api_as("other_lead").post(SCHEDULES, data, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert not ReportSchedule.objects.exists()


def test_download_returns_the_frozen_html_or_pdf(api_as, world, report):
    api = api_as("stakeholder")
    html = api.get(f"{REPORTS}{report.pk}/download/?format=html")
    assert html.status_code == HTTPStatus.OK and html["Content-Type"].startswith("text/html")
    assert html.content.decode() == report.html
    assert "default-src 'none'" in html["Content-Security-Policy"]
    pdf = api.get(f"{REPORTS}{report.pk}/download/?format=pdf")
    assert pdf.status_code == HTTPStatus.OK and pdf.content == b"%PDF-1.7 test"
    assert api.get(f"{REPORTS}{report.pk}/download/?format=xlsx").status_code == HTTPStatus.NOT_FOUND
    assert (
        api_as("other_lead").get(f"{REPORTS}{report.pk}/download/?format=pdf").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_send_now_answers_202_and_mails_the_report(
    api_as, world, schedule, django_capture_on_commit_callbacks
):
    assert (
        api_as("stakeholder").post(f"{SCHEDULES}{schedule.pk}/send-now/").status_code == HTTPStatus.NOT_FOUND
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("lead").post(f"{SCHEDULES}{schedule.pk}/send-now/")
    assert response.status_code == HTTPStatus.ACCEPTED
    report = Report.objects.get(pk=response.json()["id"])
    assert report.trigger == "manual" and report.status == "sent"
    assert "rat@example.org" in [m.to[0] for m in mail.outbox]


@pytest.mark.parametrize("rows", [1, 50])
def test_lists_run_a_fixed_number_of_queries(api_as, world, schedule, rows, django_assert_max_num_queries):
    ReportScheduleFactory.create_batch(rows, programme=world.programme)
    for month in range(rows):
        year, index = divmod(month, 12)
        start = date(2020 + year, index + 1, 1)
        ReportFactory(schedule=schedule, period_start=start, period_end=start.replace(day=28))
    api = api_as("lead")
    with django_assert_max_num_queries(4):
        assert api.get(SCHEDULES).json()["count"] == rows + 1
    with django_assert_max_num_queries(4):
        assert api.get(f"{REPORTS}?programme={world.programme.pk}").json()["count"] == rows


@pytest.mark.parametrize("n", [1, 50])
def test_the_report_detail_runs_a_fixed_number_of_queries_for_1_or_50_deliveries(
    api_as, world, report, n, django_assert_max_num_queries
):
    ReportDelivery.objects.bulk_create(
        ReportDelivery(report=report, email=f"r{i}@example.org", status="sent", attempts=1) for i in range(n)
    )
    api = api_as("member")
    with django_assert_max_num_queries(7):
        body = api.get(f"{REPORTS}{report.pk}/").json()
    assert len(body["deliveries"]) == body["sent_count"] == n


def test_the_report_detail_lists_each_recipients_delivery_for_those_who_see_addresses(api_as, world, report):
    ReportDelivery.objects.create(report=report, email="a@example.org", status="sent", attempts=1)
    ReportDelivery.objects.create(
        report=report, email="b@example.org", status="failed", attempts=3, error="550"
    )
    ReportDelivery.objects.create(report=report, email="c@example.org", status="sending", attempts=1)
    body = api_as("member").get(f"{REPORTS}{report.pk}/").json()
    assert [(d["email"], d["status"], d["attempts"]) for d in body["deliveries"]] == [
        ("a@example.org", "sent", 1),
        ("b@example.org", "failed", 3),
        ("c@example.org", "sending", 1),
    ]
    assert body["deliveries"][1]["error"] == "550"
    assert (body["delivery_count"], body["sent_count"], body["failed_count"], body["unconfirmed_count"]) == (
        3,
        1,
        1,
        1,
    )
    listed = api_as("lead").get(REPORTS).json()["results"][0]
    assert (listed["sent_count"], listed["failed_count"], listed["unconfirmed_count"]) == (1, 1, 1)
    assert "deliveries" not in listed
    # stakeholders read the report, not the addresses it went to
    stakeholder = api_as("stakeholder").get(f"{REPORTS}{report.pk}/").json()
    assert stakeholder["deliveries"] is None and stakeholder["delivery_count"] == 3
    assert (
        api_as("org_admin").get(f"{REPORTS}{report.pk}/").json()["deliveries"][0]["email"] == "a@example.org"
    )
