"""API: the programme dashboard figures and the portfolio, with permissions and fixed query counts."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.risks import risk_registry
from tests.permissions import NOT_FOUND, OK, UNAUTHORIZED
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

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": UNAUTHORIZED,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}


@pytest.fixture
def known(world, monkeypatch, failing_gate):
    monkeypatch.setattr(risk_registry, "_rules", {"tests.rule": risk_rule})
    data = known_dataset(world.programme, timezone.localdate())
    acknowledge_money_warning(world.programme, world.user("lead"))
    return data


def dashboard_url(programme) -> str:
    return reverse("api:programme-dashboard", kwargs={"programme_pk": programme.pk})


def test_dashboard_api_permission_matrix(api_as, world, no_gate_criteria):
    url = dashboard_url(world.programme)
    results = {role: api_as(role).get(url).status_code for role in ROLES}
    assert results == ROLES


def test_dashboard_api_of_an_unknown_programme_is_404(api_as, world):
    assert (
        api_as("lead").get(reverse("api:programme-dashboard", kwargs={"programme_pk": 999999})).status_code
        == 404
    )


def test_dashboard_api_is_read_only(api_as, world):
    assert api_as("lead").post(dashboard_url(world.programme), {}).status_code == 405


def test_dashboard_api_figures(api_as, world, known):
    data = api_as("stakeholder").get(dashboard_url(world.programme)).json()

    assert data["programme"] == {
        "id": world.programme.pk,
        "title": world.programme.title,
        "phase": "evaluation",
        "cycle": 1,
    }
    assert data["as_of"] == known.today.isoformat()
    assert (data["gate"]["met"], data["gate"]["total"]) == (0, 1)
    assert data["kpi_status_counts"] == {"on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 1}
    tiles = {tile["code"]: tile for tile in data["kpis"]}
    assert tiles["B-OFF"]["status"] == "off_track" and Decimal(tiles["B-OFF"]["latest_value"]) == 8
    assert tiles["B-OFF"]["explanation"]
    assert [Decimal(p["value"]) for p in tiles["A-ON"]["sparkline"]] == [12, 18, 25]
    assert tiles["C-NONE"]["latest_value"] is None and tiles["C-NONE"]["sparkline"] == []
    assert data["milestones"]["total"] == 4 and data["milestones"]["overdue"] == 1
    assert data["milestones"]["by_status"] == {"planned": 1, "in_progress": 1, "done": 1, "blocked": 1}
    assert data["milestones"]["next_due"]["id"] == known.next_due.pk
    assert [q["id"] for q in data["quick_wins"]] == [known.quick_open.pk, known.quick_done.pk]
    assert data["business_cases"] == {"cases": 2, "approved": 1, "investment": "100000.00", "npv": "41403.79"}
    assert [(r["rule"], r["acknowledged"]) for r in data["risks"]] == [
        ("tests.stale", False),
        ("tests.money", True),
    ]


def test_dashboard_api_holds_no_personal_data(api_as, world, known):
    text = api_as("stakeholder").get(dashboard_url(world.programme)).content.decode()
    assert PERSON not in text and world.user("lead").email not in text


def test_dashboard_api_names_nobody_in_the_warnings_of_the_installed_rules(api_as, world):
    seed_personal_data(world.programme, world.user("lead"), timezone.localdate())
    for role in ("stakeholder", "lead"):
        data = api_as(role).get(dashboard_url(world.programme)).json()
        text = json.dumps(data, ensure_ascii=False)
        assert "programmes.unengaged_stakeholder" in text and "Infotafel Markt" in text
        assert not [word for word in PRIVATE_WORDS if word in text], role
        assert all("acknowledgement_note" not in risk for risk in data["risks"])


@pytest.mark.parametrize("n", [1, 50])
def test_dashboard_api_query_count_is_fixed(api_as, world, django_assert_max_num_queries, n):
    today = timezone.localdate()
    bulk_kpis(world.programme, n, measurements=20)
    bulk_milestones(world.programme, n, today=today)
    api = api_as("member")
    with django_assert_max_num_queries(30):
        response = api.get(dashboard_url(world.programme))
    assert response.status_code == 200 and len(response.json()["kpis"]) == n


# --- Portfolio ------------------------------------------------------------------------------------------------


def test_portfolio_api_lists_the_visible_programmes_with_their_counts(api_as, world, known):
    response = api_as("stakeholder").get(reverse("api:portfolio"))

    assert response.status_code == OK
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [world.programme.pk]
    assert rows[0]["kpi_status_counts"] == {"on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 1}
    assert rows[0]["overdue_milestones"] == 1
    assert rows[0]["organisation_name"] == world.organisation.name


def test_portfolio_api_permissions(api_as, world):
    assert api_as("anonymous").get(reverse("api:portfolio")).status_code == UNAUTHORIZED
    other = api_as("other_lead").get(reverse("api:portfolio")).json()["results"]
    assert [row["id"] for row in other] == [world.other_programme.pk]
    admin = api_as("org_admin").get(reverse("api:portfolio")).json()["results"]
    assert [row["id"] for row in admin] == [world.programme.pk]


def test_portfolio_api_filters_by_organisation(api_as, world):
    url = reverse("api:portfolio")
    api = api_as("lead")
    assert len(api.get(url, {"organisation": world.organisation.pk}).json()["results"]) == 1
    assert api.get(url, {"organisation": world.other_programme.organisation_id}).json()["results"] == []
    bad = api.get(url, {"organisation": "abc"})
    assert bad.status_code == 400 and "organisation" in bad.json()


@pytest.mark.parametrize("n", [1, 50])
def test_portfolio_api_query_count_is_fixed(api_as, world, django_assert_max_num_queries, n):
    today = timezone.localdate()
    for _index in range(n):
        programme = ProgrammeFactory(organisation=world.organisation)
        bulk_kpis(programme, 2)
        bulk_milestones(programme, 3, today=today)
    api = api_as("org_admin")
    with django_assert_max_num_queries(8):
        response = api.get(reverse("api:portfolio"))
    assert response.json()["count"] == n + 1
