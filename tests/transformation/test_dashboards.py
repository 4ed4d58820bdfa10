"""Programme dashboard, stakeholder view, share links and portfolio columns: figures, permissions, queries."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.portfolio import portfolio_registry
from programmes.risks import risk_registry
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.programmes.factories import ProgrammeFactory
from tests.transformation.factories_dashboards import (
    PERSON,
    PRIVATE_WORDS,
    acknowledge_money_warning,
    bulk_kpis,
    bulk_milestones,
    known_dataset,
    risk_rule,
    seed_personal_data,
)
from transformation import dashboards, share_links
from transformation.models import ShareLink

pytestmark = pytest.mark.django_db

VIEWERS = {"anonymous": REDIRECT, "stakeholder": OK, "member": OK, "lead": OK, "other_lead": NOT_FOUND}
LEADS_ONLY = {"anonymous": REDIRECT, "stakeholder": FORBIDDEN, "member": FORBIDDEN, "lead": OK}


@pytest.fixture
def risks(monkeypatch):
    """Only the test's risk rule is registered (rules of the installed apps set aside)."""
    monkeypatch.setattr(risk_registry, "_rules", {"tests.rule": risk_rule})


@pytest.fixture
def known(world, risks, failing_gate):
    data = known_dataset(world.programme, timezone.localdate())
    acknowledge_money_warning(world.programme, world.user("lead"))
    return data


def t_url(world, name, **kwargs):
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


def make_link(world, *, days=30, label="Rat der Stadt"):
    return share_links.share_link_create(
        programme=world.programme,
        label=label,
        expires_at=timezone.now() + timedelta(days=days),
        user=world.user("lead"),
    )


# --- Figures -----------------------------------------------------------------------------------------------


def test_dashboard_figures_of_a_known_programme(world, known):
    dashboard = dashboards.programme_dashboard(world.programme, today=known.today)

    assert (dashboard.gate.met, dashboard.gate.total, dashboard.gate.ready) == (0, 1, False)
    assert dashboard.gate.next_phase_label == "Konzeption"
    assert [p["current"] for p in dashboard.phases] == [True, False, False]

    statuses = {summary.kpi.code: summary.status for summary in dashboard.kpis}
    assert statuses == {"A-ON": "on_track", "B-OFF": "off_track", "C-NONE": "no_data"}
    off = next(s for s in dashboard.kpis if s.kpi.code == "B-OFF")
    assert off.latest_value == Decimal("8")  # the value dated after "today" does not count
    assert {status: count for status, _label, count in dashboard.kpi_status_counts} == {
        "off_track": 1,
        "at_risk": 0,
        "on_track": 1,
        "no_data": 1,
    }

    milestones = dashboard.milestones
    assert (milestones.total, milestones.done, milestones.overdue) == (4, 1, 1)
    assert milestones.by_status == {"planned": 1, "in_progress": 1, "done": 1, "blocked": 1}
    assert milestones.done_percent == 25
    assert milestones.next_due == known.next_due
    assert dashboard.quick_wins == [known.quick_open, known.quick_done]  # open first

    cases = dashboard.business_cases
    assert (cases.cases, cases.approved) == (2, 1)
    assert cases.investment == Decimal("100000")  # the superseded version (80,000) does not count
    assert cases.npv.quantize(Decimal("0.01")) == Decimal("41403.79")

    assert [(w.rule, w.acknowledged) for w in dashboard.risks] == [
        ("tests.stale", False),
        ("tests.money", True),
    ]
    assert dashboard.open_risks == 1


def test_a_draft_successor_keeps_the_approved_version_in_force(world):
    from tests.transformation.factories_dashboards import make_case

    approved = make_case(world.programme, title="App", approved=True)
    make_case(world.programme, title="App", approved=False, investment=Decimal("5"), previous=approved)

    totals = dashboards.business_case_totals(world.programme)

    assert (totals.cases, totals.approved, totals.investment) == (1, 1, Decimal("100000"))


def test_an_empty_programme_has_an_empty_dashboard(client_as, world, no_gate_criteria):
    response = client_as("stakeholder").get(t_url(world, "dashboard"))

    assert response.status_code == OK
    dashboard = response.context["dashboard"]
    assert dashboard.kpis == [] and dashboard.milestones.total == 0 and dashboard.business_cases.cases == 0
    assert "No KPIs defined yet." in response.text or "Noch keine KPIs" in response.text


# --- Pages ------------------------------------------------------------------------------------------------


def test_dashboard_page_shows_tiles_with_status_text_icon_and_rule(client_as, world, known):
    client = client_as("member")
    client.cookies["django_language"] = "en"
    response = client.get(t_url(world, "dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.text

    assert response.status_code == OK
    assert 'data-kpi="A-ON"' in html and "kpi-tile--off_track" in html
    assert "off track" in html and "kern-icon--danger" in html  # text and icon, not colour alone
    off = next(s for s in response.context["dashboard"].kpis if s.kpi.code == "B-OFF")
    assert f'title="{off.explanation}"' in html  # the rule on hover …
    assert "<svg" in html and 'role="img"' in html  # server-rendered sparklines
    assert 'id="kpi-table"' in html and 'id="milestone-table"' in html  # every chart has its table
    assert 'id="quick-wins"' in html and "Infostele Rathaus" in html
    assert 'data-figure="npv">41,403.79' in html
    assert html.index("Stale content") < html.index("Artificial footfall")  # unacknowledged first
    assert 'href="/x/"' in html  # the warning links to where it can be fixed
    assert "4 milestones" in html


def test_only_leads_see_the_link_to_the_transition_and_the_share_links(client_as, world, known):
    transition = reverse("programmes:transition", kwargs=world.programme.url_kwargs)
    share = t_url(world, "share_links")
    lead_page = client_as("lead").get(t_url(world, "dashboard")).text
    member_page = client_as("member").get(t_url(world, "dashboard")).text

    assert transition in lead_page and share in lead_page
    assert transition not in member_page and share not in member_page


@pytest.mark.parametrize("name", ["dashboard", "stakeholder_view"])
def test_dashboard_pages_permission_matrix(client_as, world, name, no_gate_criteria):
    check_matrix(client_as, t_url(world, name), {**VIEWERS, "org_admin": OK})


def test_share_link_management_permission_matrix(client_as, world):
    check_matrix(
        client_as, t_url(world, "share_links"), {**LEADS_ONLY, "other_lead": NOT_FOUND, "org_admin": OK}
    )


def test_share_link_creation_permission_matrix(client_as, world):
    data = {"label": "Rat", "valid_until": (timezone.localdate() + timedelta(days=10)).isoformat()}
    check_matrix(
        client_as,
        t_url(world, "share_links"),
        {**LEADS_ONLY, "lead": REDIRECT, "other_lead": NOT_FOUND, "org_admin": REDIRECT},
        method="post",
        data=data,
    )
    assert ShareLink.objects.filter(programme=world.programme).count() == 2  # lead and organisation admin


def test_share_link_revoke_permission_matrix(client_as, world):
    link, _token = make_link(world)
    check_matrix(
        client_as,
        t_url(world, "share_link_revoke", link=link.pk),
        {**LEADS_ONLY, "lead": REDIRECT, "other_lead": NOT_FOUND, "org_admin": REDIRECT},
        method="post",
    )


def test_another_programmes_link_cannot_be_revoked(client_as, world):
    other = share_links.share_link_create(
        programme=world.other_programme, label="x", expires_at=timezone.now() + timedelta(days=1), user=None
    )[0]
    response = client_as("lead").post(t_url(world, "share_link_revoke", link=other.pk))
    assert response.status_code == NOT_FOUND
    other.refresh_from_db()
    assert other.revoked_at is None


def test_stakeholder_view_is_read_only_printable_and_without_names(client_as, world, known):
    response = client_as("stakeholder").get(t_url(world, "stakeholder_view"))
    html = response.text

    assert response.status_code == OK
    assert "css/dashboard.css" in html and '<details class="chart-data" open>' in html
    assert PERSON not in html
    for role in ("stakeholder", "member", "lead"):
        assert world.user(role).email not in html
    assert "<form" not in html and "/edit/" not in html and "/milestones/" not in html
    assert "Infostele Rathaus" in html and "41.403,79" in html


# --- Share links ------------------------------------------------------------------------------------------


def test_a_lead_creates_a_link_and_sees_it_once(client_as, world):
    client = client_as("lead")
    url = t_url(world, "share_links")
    valid_until = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url, {"label": "Rat der Stadt", "valid_until": valid_until.isoformat()}, follow=True
    )

    link = ShareLink.objects.get(programme=world.programme)
    shown = response.context["new_link"]
    token = shown.rstrip("/").rsplit("/", 1)[-1]
    assert shown in response.text
    assert link.token_hash == share_links.hash_token(token) and token not in link.token_hash
    assert timezone.localtime(link.expires_at).date() == valid_until + timedelta(days=1)
    assert client.get(shown.split("testserver", 1)[1]).status_code == OK
    again = client.get(url)
    assert again.context["new_link"] is None and token not in again.text


@pytest.mark.parametrize(
    ("valid_until", "message"),
    [(-1, "future"), (400, "at most one year"), ("kein Datum", "valid date")],
)
def test_a_bad_expiry_is_a_field_error(client_as, world, valid_until, message):
    client = client_as("lead")
    client.cookies["django_language"] = "en"
    value = (
        valid_until if isinstance(valid_until, str) else (timezone.localdate() + timedelta(days=valid_until))
    )
    response = client.post(
        t_url(world, "share_links"), {"label": "Rat", "valid_until": str(value)}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in " ".join(response.context["form"].errors["valid_until"])
    assert response.context["form"].data["label"] == "Rat"  # nothing typed is lost
    assert not ShareLink.objects.exists()


def test_a_valid_link_shows_the_stakeholder_view_without_login(client, world, known):
    link, token = make_link(world)
    response = client.get(reverse("share:dashboard", kwargs={"token": token}))
    html = response.text

    assert response.status_code == OK
    assert response["X-Robots-Tag"].startswith("noindex") and response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "Infostele Rathaus" in html and 'data-kpi="A-ON"' in html
    link.refresh_from_db()
    assert link.last_used_at is not None


@pytest.fixture
def people(world):
    """A name wherever the programme keeps one, with the installed risk rules firing on them."""
    seed_personal_data(world.programme, world.user("lead"), timezone.localdate())


def assert_names_nobody(text):
    leaked = [word for word in PRIVATE_WORDS if word in text]
    assert not leaked, f"personal data leaked: {leaked}"


def test_a_shared_page_holds_no_personal_data_and_no_edit(client, world, people):
    _link, token = make_link(world)
    html = client.get(reverse("share:dashboard", kwargs={"token": token})).text

    # The warnings about the people are there, in their public form.
    assert "Einflussreicher Stakeholder nie eingebunden (Gruppe: Politik)" in html
    assert "Innenstadt-Website" in html and "Infotafel Markt" in html  # the touchpoints, not their owners
    assert_names_nobody(html)
    for role in ("stakeholder", "member", "lead", "org_admin"):
        user = world.user(role)
        assert user.email not in html and (not user.name or user.name not in html)
    assert "<form" not in html and "csrf" not in html.lower()
    assert "/p/" not in html  # no links into the programme's pages
    assert "kümmert sich" not in html  # acknowledgement notes stay inside


def test_the_signed_in_stakeholder_view_names_nobody_either(client_as, world, people):
    html = client_as("stakeholder").get(t_url(world, "stakeholder_view")).text
    assert "Innenstadt-Website" in html
    assert_names_nobody(html)


def test_the_team_still_reads_the_full_warnings_on_its_own_pages(client_as, world, people):
    for role in ("stakeholder", "member", "lead"):
        dashboard = client_as(role).get(t_url(world, "dashboard")).text
        radar = client_as(role).get(reverse("programmes:risks", kwargs=world.programme.url_kwargs)).text
        for page in (dashboard, radar):
            assert "Krämer" in page and "Vogelsang" in page, role


@pytest.mark.parametrize("state", ["expired", "revoked", "unknown"])
def test_expired_revoked_and_unknown_links_answer_the_same_polite_404(client, world, state):
    link, token = make_link(world)
    if state == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        share_links.share_link_revoke(link=link)
    else:
        token = "x" * 43
    client.cookies["django_language"] = "en"
    response = client.get(reverse("share:dashboard", kwargs={"token": token}), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == NOT_FOUND
    assert "This link does not work (any more)" in response.text
    assert world.programme.title not in response.text
    assert response["X-Robots-Tag"].startswith("noindex") and response["Referrer-Policy"] == "no-referrer"
    link.refresh_from_db()
    assert link.last_used_at is None


def test_a_revoked_link_is_marked_on_the_management_page(client_as, world):
    link, _token = make_link(world)
    client = client_as("lead")
    client.post(t_url(world, "share_link_revoke", link=link.pk))
    response = client.get(t_url(world, "share_links"))
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert 'data-state="revoked"' in response.text


def test_the_shared_page_only_answers_get(client, world):
    _link, token = make_link(world)
    assert client.post(reverse("share:dashboard", kwargs={"token": token})).status_code == 405


# --- Portfolio ----------------------------------------------------------------------------------------------


def test_portfolio_shows_kpi_status_counts_and_overdue_milestones(client_as, world, known):
    client = client_as("stakeholder")
    client.cookies["django_language"] = "en"
    html = client.get(reverse("programmes:portfolio"), HTTP_ACCEPT_LANGUAGE="en").text

    assert 'data-column="transformation.kpi_status">1 off track · 1 on track · 1 no data<' in html
    assert 'data-column="transformation.overdue_milestones">1<' in html


def test_portfolio_columns_come_from_the_registry(world):
    keys = [column.key for column in portfolio_registry.columns()]
    assert {"transformation.kpi_status", "transformation.overdue_milestones"} <= set(keys)
    assert portfolio_registry.evaluate([]) == {}


# --- Query counts ---------------------------------------------------------------------------------------------


def _fill_programme(programme, n, today):
    bulk_kpis(programme, n, measurements=20)
    bulk_milestones(programme, n, today=today)
    from tests.transformation.factories_dashboards import make_case

    for index in range(n):
        make_case(programme, title=f"Fall {index}", approved=index % 2 == 0)


@pytest.mark.parametrize("n", [1, 50])
def test_dashboard_selector_query_count_is_fixed(
    world, django_assert_num_queries, no_gate_criteria, risks, n
):
    today = timezone.localdate()
    _fill_programme(world.programme, n, today)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        dashboard = dashboards.programme_dashboard(world.programme, today=today)
    assert len(dashboard.kpis) == n and dashboard.milestones.total == n


DASHBOARD_QUERIES = (
    13  # KPIs 3, milestones 3, cases 2 + 4 prefetches, risk acknowledgements 1; no gate criteria
)


@pytest.mark.parametrize("name", ["dashboard", "stakeholder_view"])
@pytest.mark.parametrize("n", [1, 50])
def test_dashboard_pages_query_count_is_fixed(client_as, world, django_assert_max_num_queries, name, n):
    _fill_programme(world.programme, n, timezone.localdate())
    client = client_as("stakeholder")
    client.get(t_url(world, name))
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(t_url(world, name))
    assert response.status_code == OK and len(response.context["dashboard"].kpis) == n


PAGE_QUERIES = 40  # session, user, programme and role, plus the selector with every installed gate criterion


@pytest.mark.parametrize("n", [1, 50])
def test_shared_page_query_count_is_fixed(client, world, django_assert_max_num_queries, n):
    _fill_programme(world.programme, n, timezone.localdate())
    _link, token = make_link(world)
    url = reverse("share:dashboard", kwargs={"token": token})
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == OK


@pytest.mark.parametrize("n", [1, 50])
def test_share_link_page_query_count_is_fixed(client_as, world, django_assert_max_num_queries, n):
    for index in range(n):
        make_link(world, label=f"L{index}")
    client = client_as("lead")
    with django_assert_max_num_queries(12):
        response = client.get(t_url(world, "share_links"))
    assert len(response.context["links"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_portfolio_page_query_count_is_fixed(client_as, world, django_assert_max_num_queries, n):
    today = timezone.localdate()
    for _index in range(n):
        programme = ProgrammeFactory(organisation=world.organisation)
        bulk_kpis(programme, 2)
        bulk_milestones(programme, 3, today=today)
    client = client_as("org_admin")
    client.get(reverse("programmes:portfolio"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programmes:portfolio"))
    programmes = [p for group in response.context["groups"] for p in group["programmes"]]
    assert len(programmes) == n + 1
    assert all(len(p.portfolio_cells) == 2 for p in programmes)
