from decimal import Decimal
from http import HTTPStatus

from django.urls import reverse

from transformation import services
from transformation.models import BusinessCase

LIST = "api:business-case-list"


def detail(case, name="detail", **kwargs):
    return reverse(f"api:business-case-{name}", kwargs={"pk": case.pk, **kwargs})


def test_list_and_retrieve_return_figures_per_scenario(api_as, case):
    response = api_as("stakeholder").get(reverse(LIST))
    assert response.status_code == HTTPStatus.OK
    (row,) = response.json()["results"] if "results" in response.json() else response.json()
    assert row["npv"] == "41403.79"
    assert Decimal(row["roi"]) == Decimal("0.5")
    assert Decimal(row["payback_static_years"]).quantize(Decimal("0.001")) == Decimal("3.333")
    assert Decimal(row["payback_dynamic_years"]).quantize(Decimal("0.01")) == Decimal("3.49")
    assert set(row["scenarios"]) == {"pessimistic", "base", "optimistic"}
    assert Decimal(row["scenarios"]["pessimistic"]["npv"]) < Decimal(row["npv"])


def test_create_validates_fields(api_as, world, measure):
    api = api_as("member")
    response = api.post(
        reverse(LIST),
        {"programme": world.programme.pk, "measure": measure.pk, "discount_rate": "0.5", "horizon_years": 20},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert {"discount_rate", "horizon_years"} <= set(response.json())
    response = api.post(
        reverse(LIST),
        {"programme": world.programme.pk, "measure": measure.pk, "discount_rate": "0.03", "horizon_years": 4},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert response.json()["title"] == "Parkleitsystem"


def test_a_measure_of_another_programme_is_a_field_error(api_as, world):
    from concept import services as concept_services
    from programmes.models import Role
    from tests.programmes.factories import MembershipFactory

    MembershipFactory(programme=world.other_programme, user=world.user("lead"), role=Role.LEAD)
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremde Maßnahme")
    response = api_as("lead").post(
        reverse(LIST), {"programme": world.programme.pk, "measure": foreign.pk}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()) == ["measure"]
    assert not BusinessCase.objects.exists()


def test_stakeholder_cannot_create_and_other_programme_is_invisible(api_as, world, case, other_case):
    response = api_as("stakeholder").post(reverse(LIST), {"programme": world.programme.pk}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert api_as("lead").get(detail(other_case)).status_code == HTTPStatus.NOT_FOUND
    assert api_as("other_lead").get(detail(case)).status_code == HTTPStatus.NOT_FOUND
    assert (
        api_as("other_lead").post(detail(case, "lines"), {}, format="json").status_code
        == HTTPStatus.NOT_FOUND
    )


def test_lines_nested(api_as, case):
    api = api_as("member")
    response = api.get(detail(case, "lines"))
    assert len(response.json()) == 6
    response = api.post(
        detail(case, "lines"),
        {"side": "benefit", "kind": "revenue", "year": 9, "amount": "10", "label": "x"},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and "year" in response.json()
    response = api.post(
        detail(case, "lines"),
        {"side": "benefit", "kind": "revenue", "year": 2, "amount": "zehn", "label": "x"},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and "amount" in response.json()
    response = api.post(
        detail(case, "lines"),
        {"side": "funding", "year": 0, "amount": "25000", "label": "Förderung"},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED
    line_id = response.json()["id"]
    url = detail(case, "line", side="funding", line_pk=line_id)
    assert api.patch(url, {"amount": "30000"}, format="json").json()["amount"] == "30000.00"
    assert api.delete(url).status_code == HTTPStatus.NO_CONTENT


def test_approved_case_answers_409(api_as, world, case):
    services.business_case_update(case=case, recommendation="go", recommendation_reason="positiv")
    assert api_as("member").post(detail(case, "approve")).status_code == HTTPStatus.FORBIDDEN
    response = api_as("lead").post(detail(case, "approve"))
    assert response.status_code == HTTPStatus.OK and response.json()["status"] == "approved"
    api = api_as("member")
    response = api.patch(detail(case), {"title": "neu"}, format="json")
    assert response.status_code == HTTPStatus.CONFLICT
    assert "new draft version" in response.json()["detail"] or "Entwurfsversion" in response.json()["detail"]
    line = case.cost_lines.get()
    assert api.delete(detail(case, "line", side="cost", line_pk=line.pk)).status_code == HTTPStatus.CONFLICT
    response = api.post(
        detail(case, "lines"),
        {"side": "cost", "kind": "running", "year": 1, "amount": "1", "label": "x"},
        format="json",
    )
    assert response.status_code == HTTPStatus.CONFLICT
    response = api.post(detail(case, "new-version"))
    assert response.status_code == HTTPStatus.CREATED and response.json()["version"] == 2
    assert BusinessCase.objects.get(pk=response.json()["id"]).cost_lines.count() == 1
