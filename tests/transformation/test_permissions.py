"""Every Transformation page and endpoint × every role. Another programme's lead gets 404, never a hint."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import URLPattern, reverse

from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.test_permission_coverage import EXTENSION_URLS
from transformation import services
from transformation.urls import case_patterns, plan_patterns, transformation_patterns

pytestmark = pytest.mark.django_db

VIEW = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDIT_PAGE = {**VIEW, "stakeholder": FORBIDDEN}
EDIT_POST = {
    "anonymous": REDIRECT,
    "stakeholder": FORBIDDEN,
    "member": REDIRECT,
    "lead": REDIRECT,
    "other_lead": NOT_FOUND,
    "org_admin": REDIRECT,
}
LEAD_POST = {**EDIT_POST, "member": FORBIDDEN}
API_VIEW = {
    "anonymous": 401,
    "stakeholder": 200,
    "member": 200,
    "lead": 200,
    "other_lead": 404,
    "org_admin": 200,
}


@pytest.fixture
def setup(world, case, measure):
    services.business_case_update(case=case, recommendation="go", recommendation_reason="positiv")
    criterion = services.criterion_add(case=case, catalogue="urgency", name="Pflicht", weight=1, score=5)
    services.measure_start_implementation(measure=measure)
    today = date.today()
    milestone = services.milestone_create(
        measure=measure, title="A", start=today, due=today + timedelta(days=9)
    )
    stage = services.rollout_stage_create(measure=measure, name="Pilot", date=today)
    return {
        "pk": case.pk,
        "measure": measure.pk,
        "line": case.cost_lines.get().pk,
        "criterion": criterion.pk,
        "milestone": milestone.pk,
        "stage": stage.pk,
    }


def t(world, name, **kwargs):
    if name == "transformation":
        return reverse("programmes:transformation", kwargs=world.programme.url_kwargs)
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


def kwargs_for(name, s):
    case = {"pk": s["pk"]}
    plan = {"measure": s["measure"]}
    return {
        "transformation": {},
        "case_create": {},
        "timeline": {},
        "case_detail": case,
        "case_edit": case,
        "case_recommendation": case,
        "case_print": case,
        "case_xlsx": case,
        "case_pdf": case,
        "case_take_over": case,
        "case_approve": case,
        "case_new_version": case,
        "case_delete": case,
        "criterion_add": case,
        "criterion_delete": {**case, "criterion": s["criterion"]},
        "line_create": {**case, "side": "cost"},
        "line_edit": {**case, "side": "cost", "line": s["line"]},
        "line_delete": {**case, "side": "cost", "line": s["line"]},
        "plan": plan,
        "plan_start": plan,
        "milestone_create": plan,
        "milestone_edit": {**plan, "item": s["milestone"]},
        "milestone_delete": {**plan, "item": s["milestone"]},
        "rollout_create": plan,
        "rollout_delete": {**plan, "item": s["stage"]},
    }[name]


READ = ["transformation", "timeline", "case_detail", "case_print", "case_xlsx", "case_pdf", "plan"]
FORMS = [
    "case_create",
    "case_edit",
    "case_recommendation",
    "line_create",
    "line_edit",
    "milestone_create",
    "milestone_edit",
    "rollout_create",
]
POSTS = {
    "case_take_over": EDIT_POST,
    "case_approve": LEAD_POST,
    "case_new_version": EDIT_POST,
    "case_delete": EDIT_POST,
    "criterion_add": EDIT_POST,
    "criterion_delete": EDIT_POST,
    "line_delete": EDIT_POST,
    "plan_start": EDIT_POST,
    "milestone_delete": EDIT_POST,
    "rollout_delete": EDIT_POST,
}


def test_every_page_is_in_the_matrix():
    # KPI, import, report, dashboard and trail pages have their own matrices, next to their other tests
    # (tests/test_permission_coverage.py checks that each of them is named there).
    extensions = {p.name for module in EXTENSION_URLS for p in module.patterns}
    names = {
        p.name
        for p in [*transformation_patterns, *case_patterns, *plan_patterns]
        if isinstance(p, URLPattern) and p.name not in extensions
    }
    assert names | {"transformation"} == {*READ, *FORMS, *POSTS, "transformation"}


@pytest.mark.parametrize("name", READ)
def test_read_pages(client_as, world, setup, name):
    check_matrix(client_as, t(world, name, **kwargs_for(name, setup)), VIEW)


@pytest.mark.parametrize("name", FORMS)
def test_form_pages(client_as, world, setup, name):
    check_matrix(client_as, t(world, name, **kwargs_for(name, setup)), EDIT_PAGE)


def rolled_back(client_as):
    """A client factory that undoes the previous role's POST, so every role meets the same state."""
    state = {}

    def make(role):
        if "sid" in state:
            transaction.savepoint_rollback(state["sid"])
        state["sid"] = transaction.savepoint()
        return client_as(role)

    return make


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_actions(client_as, world, setup, name):
    check_matrix(
        rolled_back(client_as), t(world, name, **kwargs_for(name, setup)), POSTS[name], method="post"
    )


def test_post_only_actions_refuse_get(client_as, world, setup):
    assert client_as("member").get(t(world, "case_delete", pk=setup["pk"])).status_code == 405


def test_api_matrix(api_as, world, setup):
    detail = reverse("api:business-case-detail", kwargs={"pk": setup["pk"]})
    check_matrix(api_as, detail, API_VIEW)
    check_matrix(api_as, reverse("api:business-case-lines", kwargs={"pk": setup["pk"]}), API_VIEW)
    check_matrix(api_as, reverse("api:business-case-list"), {**API_VIEW, "other_lead": 200})
    approve = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 403,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    patch = {**approve, "member": 200}
    check_matrix(rolled_back(api_as), detail, patch, method="patch", data={"title": "x"}, format="json")
    approve_url = reverse("api:business-case-approve", kwargs={"pk": setup["pk"]})
    check_matrix(rolled_back(api_as), approve_url, approve, method="post")


def test_objects_of_another_programme_are_404(client_as, world, setup, other_case):
    client = client_as("lead")
    assert client.get(t(world, "case_detail", pk=other_case.pk)).status_code == NOT_FOUND
    assert client.post(t(world, "case_approve", pk=other_case.pk)).status_code == NOT_FOUND
    line = services.line_add(
        case=other_case, side="cost", kind="running", year=1, amount=Decimal("1"), label="x"
    )
    assert (
        client.get(t(world, "line_edit", pk=setup["pk"], side="cost", line=line.pk)).status_code == NOT_FOUND
    )
    assert (
        client.get(t(world, "line_edit", pk=setup["pk"], side="nope", line=line.pk)).status_code == NOT_FOUND
    )
