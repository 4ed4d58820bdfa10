"""The phase apps register their pages with the hub: URL includes under the programme and main-navigation links.

The hub itself knows nothing of the phase apps: it imports none of their modules and names none of their pages.
"""

import ast
import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import programmes
from programmes.models import Role
from programmes.navigation import NavEntry, ProgrammePages, programme_pages

PHASE_APPS = ("evaluation", "concept", "transformation")
NAV = re.compile(r'<nav class="main-nav".*?</nav>', re.S)
LINK = re.compile(
    r'<a class="kern-link[^"]*" href="(?P<href>[^"]+)"(?P<current> aria-current="page")?>(?P<text>.*?)</a>'
)


def nav_links(response) -> list[tuple[str, str, bool]]:
    """(address, visible text, is current) of every link in the main navigation, in order."""
    nav = NAV.search(response.content.decode()).group(0)
    return [
        (m["href"], re.sub(r"<[^>]+>", "", m["text"]).strip(), bool(m["current"])) for m in LINK.finditer(nav)
    ]


def p_url(name: str, programme, **kwargs) -> str:
    return reverse(name, kwargs={**programme.url_kwargs, **kwargs})


# --- The registry ------------------------------------------------------------------------------------------


def test_entries_come_in_their_order_and_only_to_the_roles_named():
    pages = ProgrammePages()
    pages.register_nav(NavEntry(key="late", label="Late", url_name="x", order=90))
    pages.register_nav(
        NavEntry(key="leads", label="Leads only", url_name="x", order=5, roles=frozenset({"lead"}))
    )
    pages.register_nav(NavEntry(key="early", label="Early", url_name="x", order=10))

    assert [e.key for e in pages.nav_entries("lead")] == ["leads", "early", "late"]
    assert [e.key for e in pages.nav_entries("member")] == ["early", "late"]
    pages.unregister_nav("early")
    assert [e.key for e in pages.nav_entries("member")] == ["late"]


def test_a_url_prefix_must_end_with_a_slash():
    with pytest.raises(ValueError):
        ProgrammePages().register_urls("evaluation", "evaluation.urls")


def test_the_phase_apps_mount_their_pages_under_the_programme():
    assert programme_pages.includes() == [
        ("evaluation/", "evaluation.urls"),
        ("konzeption/", "concept.urls"),
        ("transformation/", "transformation.urls"),
    ]


# --- The main navigation -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_programme_navigation_shows_the_registered_pages_in_order(client_as, world):
    programme = world.programme
    response = client_as("member").get(p_url("programmes:evaluation", programme))

    assert response.status_code == HTTPStatus.OK
    assert nav_links(response) == [
        (reverse("programmes:portfolio"), "Programmübersicht", False),
        (p_url("programmes:detail", programme), programme.title, False),
        (p_url("programmes:transformation:dashboard", programme), "Dashboard", False),
        (p_url("programmes:evaluation", programme), "E Evaluation", True),
        (p_url("programmes:konzeption", programme), "K Konzeption", False),
        (p_url("programmes:transformation", programme), "T Transformation", False),
        (p_url("programmes:members", programme), "Mitglieder", False),
        (p_url("programmes:stakeholders", programme), "Stakeholder", False),
        (p_url("programmes:workshop_list", programme), "Workshops", False),
    ]


@pytest.mark.django_db
def test_a_phase_link_stays_current_on_the_pages_below_it_the_dashboard_only_on_its_own(client_as, world):
    programme = world.programme
    client = client_as("stakeholder")

    current = [
        text
        for _href, text, is_current in nav_links(
            client.get(p_url("programmes:evaluation:readiness", programme))
        )
        if is_current
    ]
    assert current == ["E Evaluation"]
    current = [
        text
        for _href, text, is_current in nav_links(
            client.get(p_url("programmes:transformation:dashboard", programme))
        )
        if is_current
    ]
    assert current == ["Dashboard", "T Transformation"]


@pytest.mark.django_db
def test_an_entry_for_some_roles_shows_only_to_them(client_as, world):
    entry = NavEntry(
        key="tests.leads_only",
        label="Nur Leitung",
        url_name="programmes:gate_settings",
        order=50,
        roles=frozenset({Role.LEAD, "admin"}),
    )
    programme_pages.register_nav(entry)
    try:
        seen = {}
        for role in ("stakeholder", "member", "lead", "org_admin"):
            response = client_as(role).get(p_url("programmes:detail", world.programme))
            seen[role] = "Nur Leitung" in [text for _href, text, _current in nav_links(response)]
    finally:
        programme_pages.unregister_nav(entry.key)

    assert seen == {"stakeholder": False, "member": False, "lead": True, "org_admin": True}


@pytest.mark.django_db
def test_the_navigation_costs_no_queries_beyond_the_page(client_as, world, django_assert_max_num_queries):
    """The role is the one the permission check already looked up; resolving links reads nothing."""
    client = client_as("member")
    address = p_url("programmes:stakeholders", world.programme)
    client.get(address)
    with CaptureQueriesContext(connection) as baseline:
        client.get(address)
    entry = NavEntry(
        key="tests.members_only", label="X", url_name="programmes:members", roles=frozenset({Role.MEMBER})
    )
    programme_pages.register_nav(entry)
    try:
        with django_assert_max_num_queries(len(baseline.captured_queries)):
            response = client.get(address)
    finally:
        programme_pages.unregister_nav(entry.key)
    assert "X" in [text for _href, text, _current in nav_links(response)]


# --- The hub knows nothing of the phase apps ---------------------------------------------------------------


def _names_a_phase_app(module_path: str) -> bool:
    return module_path.split(".")[0] in PHASE_APPS


def _phase_app_references(path: Path) -> list[str]:
    """Imports of a phase app, and dotted paths into one handed to include(), import_module() or import_string()."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _names_a_phase_app(alias.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _names_a_phase_app(node.module or ""):
            found.append(node.module)
        elif isinstance(node, ast.Call):
            function = (
                node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            )
            if function in {"include", "import_module", "import_string", "__import__"}:
                found += [
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and _names_a_phase_app(arg.value)
                ]
    return [f"{path.name}: {name}" for name in found]


def test_the_hub_imports_no_phase_app_module():
    package = Path(programmes.__file__).parent
    offenders = [hit for path in sorted(package.rglob("*.py")) for hit in _phase_app_references(path)]
    assert offenders == []


def test_the_reference_check_would_catch_an_import_and_an_include(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "import evaluation.models\n"
        "from concept import services\n"
        "from .models import Programme\n"
        "urls = [include('transformation.urls')]\n"
        "text = 'evaluation.closed_wave in a docstring is fine'\n"
    )
    assert _phase_app_references(module) == [
        "sample.py: evaluation.models",
        "sample.py: concept",
        "sample.py: transformation.urls",
    ]


def test_the_hub_templates_name_no_phase_page():
    templates = Path(settings.BASE_DIR) / "templates"
    hub_templates = [templates / "base.html", *sorted((templates / "programmes").rglob("*.html"))]
    pattern = re.compile(r"programmes:(evaluation|konzeption|transformation)\b")
    offenders = [
        str(path.relative_to(templates)) for path in hub_templates if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_phase_apps_add_panels_to_the_programme_page_in_order(monkeypatch):
    from programmes.navigation import programme_pages

    monkeypatch.setattr(programme_pages, "_panels", {})
    programme_pages.register_panel("late", "programmes/test_panels/late.html", order=90)
    programme_pages.register_panel("early", "programmes/test_panels/early.html", order=10)
    assert programme_pages.panels() == [
        "programmes/test_panels/early.html",
        "programmes/test_panels/late.html",
    ]
    programme_pages.unregister_panel("late")
    assert programme_pages.panels() == ["programmes/test_panels/early.html"]
