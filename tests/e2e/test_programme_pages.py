"""The hub's remaining pages with the demo city's data, for a lead and a stakeholder: they load and pass axe.

Forms are also checked in their error state, where the error messages, their colours and the ARIA wiring
appear. (The phase apps test their own pages.)
"""

from io import StringIO

import pytest
from django.core.management import call_command

from programmes.models import Membership, Programme, Role

from .conftest import check_a11y, goto

pytestmark = pytest.mark.e2e

PASSWORD = "Lotse-Test-Passwort-42"


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    programme = Programme.objects.order_by("pk").first()
    users = {}
    for role in (Role.LEAD, Role.STAKEHOLDER):
        user = Membership.objects.filter(programme=programme, role=role).select_related("user").first().user
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        users[role] = user
    return programme, users


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def submit_empty(page, field_id: str) -> None:
    """Clear a required field, submit, and check the page with the error shown."""
    page.fill(f"#{field_id}", "")
    page.locator("main form .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"
    assert page.locator(f"#{field_id}_error").is_visible()
    check_a11y(page)


def test_lead_pages(page, demo):
    programme, users = demo
    base = programme.get_absolute_url()
    sign_in(page, users[Role.LEAD])

    for path in ("/programmes/", base, f"{base}members/", f"{base}stakeholders/", f"{base}konzeption/"):
        goto(page, path)
    goto(page, f"{base}transformation/")

    goto(page, f"{base}edit/")
    submit_empty(page, "id_title")

    goto(page, f"{base}transition/")
    submit_empty(page, "id_rationale")

    goto(page, f"{base}stakeholders/new/")
    submit_empty(page, "id_name")
    goto(page, f"{base}stakeholders/")
    page.locator("#stakeholder-table a.kern-btn").first.click()
    page.wait_for_load_state()
    assert "/edit/" in page.url
    check_a11y(page)

    goto(page, f"/organisations/{programme.organisation.slug}/edit/", status=403)


def test_stakeholder_pages(page, demo):
    programme, users = demo
    base = programme.get_absolute_url()
    sign_in(page, users[Role.STAKEHOLDER])

    goto(page, "/programmes/")
    goto(page, base)
    # The gate is there to read (criteria, no form to move on); only leads move the programme.
    assert page.locator("#gate-link").count() == 1
    assert page.locator("main a.kern-btn--primary[href$='/transition/']").count() == 0
    goto(page, f"{base}transition/")
    assert page.locator("#transition-read-only").count() == 1 and page.locator("#id_rationale").count() == 0
    goto(page, f"{base}members/")
    assert page.locator("#invite-form").count() == 0
    goto(page, f"{base}stakeholders/")
