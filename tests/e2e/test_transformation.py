"""Transformation in the browser: a lead builds a business case, compares the scenarios, states the
recommendation, approves the case, then moves the measure to implementation and plans a quick win."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from concept import services as concept_services
from evaluation import services as evaluation_services
from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from transformation.models import BusinessCase

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
    finding = evaluation_services.finding_create(
        programme=programme, statement="Autofahrende finden schwer einen Parkplatz.", priority="high"
    )
    measure = concept_services.measure_create(
        programme=programme,
        title="Digitales Parkleitsystem",
        findings=[finding],
        one_off_costs=Decimal("100000"),
    )
    concept_services.measure_select(measure=measure)
    return programme, user, measure


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def save(page) -> None:
    page.locator("main form .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()


def add_line(page, link_id: str, fields: dict) -> None:
    page.locator(f"#{link_id}").click()
    page.wait_for_url("**/lines/**/new/")
    for selector, value in fields.items():
        if selector.startswith("select:"):
            page.select_option(selector.removeprefix("select:"), value)
        else:
            page.fill(selector, value)
    save(page)
    page.wait_for_url("**/cases/*/")


def test_build_compare_approve_and_plan(page, setup):
    programme, user, measure = setup
    sign_in(page, user)
    k = programme.url_kwargs

    goto(page, reverse("programmes:transformation", kwargs=k))
    check_a11y(page)
    page.locator("main a[href$='/cases/new/']").first.click()
    page.wait_for_url("**/cases/new/")
    check_a11y(page)
    page.select_option("#id_measure", str(measure.pk))
    page.fill("#id_horizon_years", "5")
    page.fill("#id_discount_rate", "2")
    save(page)
    page.wait_for_url("**/cases/*/")
    case = BusinessCase.objects.get()
    assert case.discount_rate == Decimal("0.02") and case.title == "Digitales Parkleitsystem"

    add_line(
        page,
        "add-cost",
        {"#id_label": "Sensoren", "select:#id_kind": "investment", "#id_year": "0", "#id_amount": "100000"},
    )
    for year in range(1, 6):
        add_line(
            page,
            "add-benefit",
            {
                "#id_label": "Einsparung",
                "select:#id_kind": "savings",
                "#id_year": str(year),
                "#id_amount": "30000",
            },
        )
    figures = page.locator("#scenario-figures")
    assert figures.locator("thead th").count() == 4  # figure + three scenarios side by side
    assert "41.403,79" in figures.inner_text()
    assert page.locator("#yearly-table tbody tr").count() == 6  # the chart's figures as a table
    check_a11y(page)

    page.locator("#edit-recommendation").click()
    page.wait_for_url("**/recommendation/")
    page.select_option("#id_recommendation", "go")
    page.fill("#id_recommendation_reason", "Kapitalwert positiv in allen Szenarien.")
    save(page)
    page.wait_for_url("**/cases/*/")
    page.locator("#approve").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.is_approved and case.approved_by == user
    assert page.locator("#new-version").is_visible()
    assert page.locator("#add-cost").count() == 0  # frozen: no editing offered
    check_a11y(page)

    goto(page, reverse("programmes:transformation:plan", kwargs={**k, "measure": measure.pk}))
    page.locator("#start-implementation").click()
    page.wait_for_load_state()
    assert page.locator("#quick-win-warning").is_visible()
    check_a11y(page)
    page.locator("#add-milestone").click()
    page.wait_for_url("**/milestones/new/")
    today = timezone.localdate()
    page.fill("#id_title", "Freie Plätze online anzeigen")
    page.fill("#id_start", today.isoformat())
    page.fill("#id_due", (today + timedelta(days=30)).isoformat())
    page.check("#id_quick_win")
    check_a11y(page)
    save(page)
    page.wait_for_url("**/plan/*/")
    assert page.locator("#quick-win-warning").count() == 0
    assert "Freie Plätze online anzeigen" in page.locator("#quick-wins").inner_text()
    assert page.locator("#timeline .timeline__bar").count() == 1
    check_a11y(page)


def test_demo_pages_pass_axe(page):
    """The demo city's cases (one approved and positive, one negative but justified), its plan with a blocked
    and an overdue item, and the programme timeline: every page loads without CSP errors and passes axe."""
    from io import StringIO

    from django.core.management import call_command

    from programmes.models import Membership, Programme

    call_command("seed_demo", stdout=StringIO())
    programme = Programme.objects.get(slug="digitale-innenstadt")
    lead = Membership.objects.filter(programme=programme, role=Role.LEAD).select_related("user").first().user
    lead.set_password(PASSWORD)
    lead.save(update_fields=["password"])
    sign_in(page, lead)
    k = programme.url_kwargs
    goto(page, reverse("programmes:transformation", kwargs=k))
    check_a11y(page)
    for case in BusinessCase.objects.filter(programme=programme):
        goto(page, reverse("programmes:transformation:case_detail", kwargs={**k, "pk": case.pk}))
        check_a11y(page)
        goto(page, reverse("programmes:transformation:case_print", kwargs={**k, "pk": case.pk}))
    parking = BusinessCase.objects.get(programme=programme, title="Digitales Parkleitsystem").measure
    goto(page, reverse("programmes:transformation:plan", kwargs={**k, "measure": parking.pk}))
    assert "blockiert" in page.locator("#milestones").inner_text().lower()
    check_a11y(page)
    goto(page, reverse("programmes:transformation:timeline", kwargs=k))
    check_a11y(page)
