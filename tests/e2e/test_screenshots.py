"""Screenshots of the demo city for the documentation (``make screenshots``).

With UPDATE_SCREENSHOTS=1 the pages are saved as docs/screenshots/*.png (1280×800, the visible part of
the page). Without it the same pages are still seeded, opened and checked (status, content, axe), so the
test guards the pages the documentation shows.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from programmes.models import Membership, Programme, Role

from .conftest import VIEWPORT, goto

pytestmark = pytest.mark.e2e

SCREENSHOT_DIR = Path(settings.BASE_DIR) / "docs" / "screenshots"
PASSWORD = "Lotse-Test-Passwort-42"


def update_screenshots() -> bool:
    return os.environ.get("UPDATE_SCREENSHOTS", "").strip().lower() in {"1", "true", "yes", "on"}


@pytest.fixture
def demo_lead():
    """The demo city from ``manage.py seed_demo`` and its programme lead, with a password we know."""
    call_command("seed_demo", stdout=StringIO())
    programme = Programme.objects.order_by("pk").first()
    lead = Membership.objects.filter(programme=programme, role=Role.LEAD).select_related("user").first().user
    lead.set_password(PASSWORD)
    lead.save(update_fields=["password"])
    return lead, programme


def shoot(page, name: str) -> None:
    if update_screenshots():
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=False)


def test_screenshots_of_portfolio_and_programme(page, demo_lead):
    lead, programme = demo_lead
    assert page.viewport_size == VIEWPORT

    goto(page, "/accounts/login/")
    page.fill("#id_login", lead.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")

    goto(page, "/programmes/")
    cards = page.locator("main .kern-card")
    assert cards.count() >= 2
    assert page.locator("main").get_by_text(programme.title).first.is_visible()
    page.evaluate("document.fonts.ready")
    shoot(page, "portfolio")

    goto(page, programme.get_absolute_url())
    assert page.locator("main h1").inner_text().strip() == programme.title
    assert page.locator("main .phase-track").is_visible()
    page.evaluate("document.fonts.ready")
    shoot(page, "programme")

    if update_screenshots():
        for name in ("portfolio", "programme"):
            assert (SCREENSHOT_DIR / f"{name}.png").stat().st_size > 10_000
