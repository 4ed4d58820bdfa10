"""Browser tests: Playwright (sync API) drives Debian's Chromium against pytest-django's live server.

* ``browser`` is one headless Chromium for the whole session; every test gets a fresh context (cookies,
  storage) and page through ``context``/``page``, in German and at 1280×800.
* ``check_a11y(page)`` runs axe-core and fails on violations with impact serious or critical.
* Every page fails its test when the browser reports a Content Security Policy violation or an
  uncaught script error, so inline scripts or styles that slip into a template are caught here.
* The tests are skipped when /usr/bin/chromium is missing, except in CI (env CI set): there they fail.
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
E2E_DIR = Path(__file__).parent
BLOCKING_IMPACTS = {"serious", "critical"}

# Playwright's sync API keeps an asyncio loop marked as running in the main thread from start to stop.
# Django then treats every ORM call in the test process as "async context" and refuses it, so while the
# session-wide browser lives (up to the end of the session) that check has to be off.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    skip = None
    if not chromium_available() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (install Debian's chromium package)")
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if skip is not None:
                item.add_marker(skip)


# --- Browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not chromium_available():
        pytest.fail(f"{CHROMIUM} is missing, and in CI the browser tests must run.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserProblems:
    """Collects CSP violations and uncaught script errors that a page reports."""

    def __init__(self):
        self.messages: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.messages.append(f"uncaught error: {error}"))

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.messages.append(f"CSP: {message.text}")


@pytest.fixture
def new_page(browser, live_server):
    """new_page() → a page in a fresh browser context (own cookies), German, 1280×800."""
    contexts = []
    problems = BrowserProblems()

    def make(locale: str = "de-DE"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems.messages, "The browser reported problems:\n" + "\n".join(problems.messages)


@pytest.fixture
def page(new_page):
    return new_page()


# --- Helpers ---------------------------------------------------------------------------------------


def check_a11y(page) -> None:
    """Run axe-core on the current page; fail on any serious or critical violation, listing them all."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if violations:
        lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(
                    f"    at {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}"
                )
        pytest.fail("\n".join(lines), pytrace=False)


def goto(page, path: str, *, status: int = 200):
    """Open a path on the live server, assert the HTTP status and check accessibility."""
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    check_a11y(page)
    save_artifact(page)
    return response


def save_artifact(page, name: str | None = None) -> None:
    """With E2E_ARTIFACTS=<dir>, keep a full-page screenshot of each visited page there (for review, CI)."""
    directory = os.environ.get("E2E_ARTIFACTS")
    if not directory:
        return
    name = name or re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-") or "home"
    Path(directory).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def link_path(url: str) -> str:
    """The path (and query) of an absolute link from an e-mail, to open it on the live server."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links_in_mail(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def mails_to(address: str) -> list:
    from django.core import mail

    return [message for message in mail.outbox if address in message.to]
