"""KPIs in the browser: a member starts a KPI from the catalogue, adds a measurement by hand and sees the
status, the chart and the tables; every page passes axe and raises no CSP violation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from transformation.models import KPI, FootfallDay

from .conftest import check_a11y, goto
from .test_transformation import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    user = MembershipFactory(programme=programme, role=Role.MEMBER).user
    return programme, user


def test_member_starts_a_kpi_from_the_catalogue_and_records_a_value(page, setup):
    programme, user = setup
    sign_in(page, user)
    kwargs = programme.url_kwargs
    goto(page, reverse("programmes:transformation:kpi_list", kwargs=kwargs))
    page.select_option("#id_catalogue", "wifi_hotspots")
    page.locator("#catalogue-form button[type=submit]").click()
    page.wait_for_url("**/kpis/new/?catalogue=wifi_hotspots")
    check_a11y(page)
    assert page.input_value("#id_code") == "WIFI"
    page.fill("#id_baseline_value", "6")
    page.fill("#id_baseline_date", "2025-01-01")
    page.fill("#id_targets_text", "2026-01-01;30")
    page.locator("main form .kern-btn--primary[type=submit]").first.click()
    kpi = KPI.objects.get(programme=programme, code="WIFI")
    page.wait_for_url(f"**/kpis/{kpi.pk}/")
    check_a11y(page)
    page.fill("#id_period_start", "2025-07-01")
    page.fill("#id_period_end", "2025-07-01")
    page.fill("#id_value", "20")
    page.locator("#measurement-form button[type=submit]").click()
    page.wait_for_url(f"**/kpis/{kpi.pk}/")
    page.locator("canvas[data-kpi-source]").wait_for()
    assert "auf Kurs" in page.locator(".kpi-status").first.inner_text()
    assert page.locator("#measurements tbody tr").count() == 1
    check_a11y(page)


def test_footfall_charts_pass_axe(page, setup):
    programme, user = setup
    kpi = KPI.objects.create(
        programme=programme,
        code="FOOTFALL",
        name_de="Passantenfrequenz",
        unit="Personen/Tag",
        direction="higher",
        frequency="daily",
        baseline_value=Decimal("1000"),
        baseline_date=date(2025, 1, 1),
    )
    for day in range(14):
        for location, share in (("Markt", 0.6), ("Bahnhofstraße", 0.3)):
            total = 1000 + 100 * day
            FootfallDay.objects.create(
                programme=programme,
                location=location,
                date=date(2025, 6, 2) + timedelta(days=day),
                total=total,
                direction_a=round(total * share),
                direction_b=total - round(total * share),
                hours=24,
                weather=["sonnig", "Regen", ""][day % 3],
            )
    sign_in(page, user)
    goto(page, reverse("programmes:transformation:kpi_detail", kwargs={**programme.url_kwargs, "pk": kpi.pk}))
    page.locator("canvas[data-footfall-source]").first.wait_for()
    assert page.locator("#footfall-weekday tbody tr").count() == 7
    # By location and by direction: a chart each (drawn by Chart.js) and a table with the figures
    assert page.locator("canvas[data-footfall-source]").count() == 4
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-footfall-source]')].every((c) => window.Chart.getChart(c))"
    )
    assert page.locator("#footfall-location tbody tr").count() == 2
    assert page.locator("#footfall-direction tbody tr").all_inner_texts() == [
        "Bahnhofstraße\t495\t1155\t30,0 %\t14",
        "Markt\t990\t660\t60,0 %\t14",
    ]
    check_a11y(page)
