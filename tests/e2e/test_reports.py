"""Reports in the browser: a lead creates a monthly report schedule, previews it and sees the KPI section;
the archive shows a frozen report in its sandboxed frame. Every page passes axe."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation import reports
from transformation.models import Report, ReportSchedule

from .conftest import check_a11y, goto

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    user = MembershipFactory(programme=programme, role=Role.LEAD).user
    kpi = KPIFactory(programme=programme, code="FOOT", name_de="Passantenfrequenz", unit="Personen/Tag")
    MeasurementFactory(
        kpi=kpi, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), value=Decimal("4321")
    )
    return programme, user


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def test_a_lead_creates_a_monthly_schedule_and_previews_the_report(page, setup):
    programme, user = setup
    sign_in(page, user)
    k = programme.url_kwargs

    goto(page, reverse("programmes:transformation", kwargs=k))
    page.locator("#reports-link a").click()
    page.wait_for_url("**/reports/")
    check_a11y(page)
    page.locator("main a[href$='/reports/schedules/']").first.click()
    page.wait_for_url("**/reports/schedules/")
    check_a11y(page)
    page.locator("main a[href$='/reports/schedules/new/']").click()
    page.wait_for_url("**/reports/schedules/new/")
    check_a11y(page)
    page.fill("#id_name", "Monatsbericht Innenstadt")
    page.select_option("#id_cadence", "monthly")
    page.fill("#id_extra_recipients", "rat@musterstadt.example")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url(re.compile(r".*/reports/schedules/#schedule-\d+$"))
    check_a11y(page)
    schedule = ReportSchedule.objects.get()
    assert schedule.cadence == "monthly" and schedule.extra_recipients == "rat@musterstadt.example"

    page.locator(f"#schedule-{schedule.pk} a[href$='/preview/']").click()
    page.wait_for_url("**/preview/")
    check_a11y(page)
    preview = page.locator("#report-preview")
    assert preview.locator("section[aria-labelledby=report-kpis]").is_visible()
    assert "Passantenfrequenz" in preview.inner_text()
    assert preview.locator("svg[role=img]").count() >= 2
    assert not Report.objects.exists()


def test_an_archived_report_is_shown_in_a_sandboxed_frame(page, setup):
    programme, user = setup
    schedule = reports.report_schedule_create(programme=programme, name="Monatsbericht", cadence="monthly")
    report = Report.objects.create(
        programme=programme,
        schedule=schedule,
        title="Digitale Innenstadt – Bericht März 2025",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 3, 31),
    )
    reports.report_build(report=report)
    sign_in(page, user)
    goto(
        page,
        reverse(
            "programmes:transformation:report_detail", kwargs={**programme.url_kwargs, "report": report.pk}
        ),
    )
    frame = page.frame_locator("iframe.report-frame")
    assert "Passantenfrequenz" in frame.locator("section[aria-labelledby=report-kpis]").inner_text()
