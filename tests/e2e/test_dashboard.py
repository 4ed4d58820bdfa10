"""Dashboards in the browser: a stakeholder opens the programme dashboard and the printable stakeholder view; a
lead creates a share link, and someone without an account opens it (and a revoked one) in a fresh browser."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory
from tests.transformation.factories_dashboards import PERSON, PRIVATE_WORDS, seed_personal_data
from transformation import share_links

from .conftest import check_a11y, goto, save_artifact

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    stakeholder = MembershipFactory(programme=programme, role=Role.STAKEHOLDER).user
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    seed_personal_data(programme, lead, timezone.localdate())  # names wherever a programme keeps them
    return programme, stakeholder, lead


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def test_stakeholder_opens_the_dashboard_and_the_printable_view(page, setup):
    _programme, stakeholder, _lead = setup
    sign_in(page, stakeholder)
    # the portfolio shows the programme's overdue milestones
    overdue = page.locator("[data-column='transformation.overdue_milestones']")
    assert overdue.inner_text() == "1"

    page.get_by_role("link", name="Digitale Innenstadt").first.click()
    page.locator("nav.main-nav a[href$='/transformation/dashboard/']").click()
    page.wait_for_url("**/transformation/dashboard/")
    check_a11y(page)
    save_artifact(page, "dashboard")
    assert page.locator(".kpi-tile").count() == 3
    assert page.locator(".kpi-tile svg[role=img]").count() == 3
    tile = page.locator(".kpi-tile[data-kpi='B-OFF']")
    assert tile.locator(".kern-badge").get_attribute("title")  # the status rule on hover
    page.locator("summary", has_text="KPI").first.click()
    assert page.locator("#kpi-table").is_visible()
    assert page.locator("a[href$='/transition/']").count() == 0  # only leads get the transition link

    page.locator("main a[href$='/dashboard/stakeholders/']").click()
    page.wait_for_url("**/dashboard/stakeholders/")
    check_a11y(page)
    save_artifact(page, "dashboard-stakeholder-view")
    assert page.locator("form").count() == 0
    assert PERSON not in page.content()
    assert not [word for word in PRIVATE_WORDS if word in page.content()]
    assert page.locator("#risk-list li").count() >= 3  # the warnings about people, in their public form
    page.emulate_media(media="print")
    assert not page.locator(".no-print").first.is_visible()
    assert page.locator("#kpi-table").is_visible()


def test_a_shared_link_opens_without_an_account(new_page, setup):
    programme, _stakeholder, lead = setup
    lead_page = new_page()
    sign_in(lead_page, lead)
    goto(lead_page, reverse("programmes:transformation:share_links", kwargs=programme.url_kwargs))
    lead_page.fill("#id_label", "Rat der Stadt")
    lead_page.fill("#id_valid_until", (timezone.localdate() + timedelta(days=14)).isoformat())
    lead_page.locator("main form .kern-btn--primary[type=submit]").click()
    lead_page.wait_for_selector("#new-share-link-url")
    check_a11y(lead_page)
    url = lead_page.locator("#new-share-link-url").inner_text().strip()
    path = "/share/" + url.split("/share/", 1)[1]

    visitor = new_page()  # a fresh browser context: no session, no cookies
    response = goto(visitor, path)
    save_artifact(visitor, "dashboard-shared")
    assert response.headers["x-robots-tag"].startswith("noindex")
    assert visitor.locator("h1").inner_text() == "Digitale Innenstadt"
    assert visitor.locator(".kpi-tile").count() == 3
    assert visitor.locator("form").count() == 0
    assert PERSON not in visitor.content() and lead.email not in visitor.content()
    assert not [word for word in PRIVATE_WORDS if word in visitor.content()]
    assert "Gruppe: Politik" in visitor.locator("#risk-list").inner_text()

    link = programme.share_links.get()
    share_links.share_link_revoke(link=link)
    goto(visitor, path, status=404)
    assert "Digitale Innenstadt" not in visitor.content()
