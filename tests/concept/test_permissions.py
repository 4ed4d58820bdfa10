"""Every Konzeption page and endpoint × every role. Another programme's lead gets 404, never a hint."""

import pytest
from django.urls import reverse

from concept import services
from concept.models import MeasureTemplate
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix

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
API_VIEW = {
    "anonymous": 401,
    "stakeholder": 200,
    "member": 200,
    "lead": 200,
    "other_lead": 404,
    "org_admin": 200,
}


@pytest.fixture
def setup(world, measure, stages):
    touchpoint = services.touchpoint_create(stage=stages[0], name="Website", channel="online")
    provider = services.provider_create(measure=measure, name="Anbieter A")
    raci = services.raci_row_add(measure=measure, task="Betrieb")
    funding = services.funding_source_add(
        measure=measure, kind="own_budget", name="Haushalt", year=2026, amount=1
    )
    return {
        "measure": measure,
        "stage": stages[0],
        "touchpoint": touchpoint,
        "provider": provider,
        "raci": raci,
        "funding": funding,
    }


def k(world, name, **kwargs):
    if name == "konzeption":
        return reverse("programmes:konzeption", kwargs=world.programme.url_kwargs)
    return reverse(f"programmes:konzeption:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


@pytest.mark.parametrize(
    "name",
    [
        "konzeption",
        "journey",
        "measure_list",
        "matrix",
        "library",
        "measure_detail",
        "feasibility",
        "providers",
    ],
)
def test_read_pages(client_as, world, setup, name):
    kwargs = {"pk": setup["measure"].pk} if name in ("measure_detail", "feasibility", "providers") else {}
    check_matrix(client_as, k(world, name, **kwargs), VIEW)


@pytest.mark.parametrize(
    "name", ["stages", "touchpoint_create", "measure_create", "stage_edit", "touchpoint_edit", "measure_edit"]
)
def test_edit_pages(client_as, world, setup, name):
    kwargs = {}
    if name == "stage_edit":
        kwargs = {"pk": setup["stage"].pk}
    elif name == "touchpoint_edit":
        kwargs = {"pk": setup["touchpoint"].pk}
    elif name == "measure_edit":
        kwargs = {"pk": setup["measure"].pk}
    check_matrix(client_as, k(world, name, **kwargs), EDIT_PAGE)


@pytest.mark.parametrize(
    "name,data",
    [
        ("measure_shortlist", {}),
        ("measure_select", {}),
        ("measure_reject", {"rejection_reason": "zu teuer"}),
        ("measure_prioritise", {"impact": 3, "effort": 3}),
        ("measure_save_template", {}),
        (
            "feasibility",
            {
                "organisation_verdict": "open",
                "provider_verdict": "open",
                "operating_verdict": "open",
                "financing_verdict": "open",
                "years": 3,
                "running_costs_per_year": "0",
            },
        ),
        ("raci_add", {"raci-task": "Pflege"}),
        (
            "funding_add",
            {"funding-kind": "grant", "funding-name": "Land", "funding-year": 2026, "funding-amount": "100"},
        ),
        ("providers", {"action": "provider_add", "provider-name": "Neu"}),
        ("stage_move", {"direction": "down"}),
    ],
)
def test_edit_posts(client_as, world, setup, name, data):
    pk = setup["stage"].pk if name == "stage_move" else setup["measure"].pk
    check_matrix(client_as, k(world, name, pk=pk), EDIT_POST, method="post", data=data)


def test_delete_posts(client_as, world, setup):
    m = setup["measure"].pk
    check_matrix(
        client_as,
        k(world, "raci_delete", pk=m, row=setup["raci"].pk),
        {**EDIT_POST, "member": REDIRECT, "lead": 404, "org_admin": 404},
        method="post",
    )
    check_matrix(
        client_as,
        k(world, "funding_delete", pk=m, row=setup["funding"].pk),
        {**EDIT_POST, "lead": 404, "org_admin": 404},
        method="post",
    )
    check_matrix(
        client_as,
        k(world, "touchpoint_delete", pk=setup["touchpoint"].pk),
        {**EDIT_POST, "lead": 404, "org_admin": 404},
        method="post",
    )


def test_template_use(client_as, world, stages):
    template = MeasureTemplate.objects.filter(organisation__isnull=True).first()
    check_matrix(client_as, k(world, "template_use", pk=template.pk), EDIT_POST, method="post")


def test_other_programmes_objects_are_404(client_as, world, setup):
    other_measure = services.measure_create(programme=world.other_programme, title="Fremd")
    url = reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": other_measure.pk}
    )
    assert client_as("lead").get(url).status_code == NOT_FOUND


@pytest.mark.parametrize("basename", ["journey-stage", "touchpoint", "measure", "provider"])
def test_api_detail(api_as, world, setup, basename):
    obj = {
        "journey-stage": setup["stage"],
        "touchpoint": setup["touchpoint"],
        "measure": setup["measure"],
        "provider": setup["provider"],
    }[basename]
    url = reverse(f"api:{basename}-detail", kwargs={"pk": obj.pk})
    for role, expected in API_VIEW.items():
        assert api_as(role).get(url).status_code == expected, role


def test_api_feasibility_and_writes(api_as, world, setup):
    measure = setup["measure"]
    url = reverse("api:measure-feasibility", kwargs={"pk": measure.pk})
    for role, expected in API_VIEW.items():
        assert api_as(role).get(url).status_code == expected, role
    writes = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    for role, expected in writes.items():
        response = api_as(role).put(url, {"operator": f"Betrieb {role}"}, format="json")
        assert response.status_code == expected, (role, response.content)
    shortlist = reverse("api:measure-shortlist", kwargs={"pk": measure.pk})
    for role, expected in writes.items():
        assert api_as(role).post(shortlist).status_code == expected, role


def test_api_lists_hide_other_programmes(api_as, world, setup):
    services.measure_create(programme=world.other_programme, title="Fremd")
    for basename in [
        "journey-stage",
        "touchpoint",
        "measure",
        "provider",
        "criteria-set",
        "measure-template",
    ]:
        response = api_as("other_lead").get(reverse(f"api:{basename}-list"))
        assert response.status_code == 200
        titles = [r.get("title") or r.get("name") for r in response.json()["results"]]
        assert "Parkleitsystem" not in titles and "Anbieter A" not in titles
