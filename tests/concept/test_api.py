from decimal import Decimal

import pytest
from django.urls import reverse

from concept import services
from concept.models import Measure, MeasureTemplate

pytestmark = pytest.mark.django_db


def test_measure_crud_and_select(api_as, world, stages, finding):
    api = api_as("member")
    anreise = next(s for s in stages if s.key == "anreise")
    response = api.post(
        reverse("api:measure-list"),
        {
            "programme": world.programme.pk,
            "title": "Parkleitsystem",
            "stages": [anreise.pk],
            "impact": 5,
            "effort": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = api.post(reverse("api:measure-select", kwargs={"pk": pk}))
    assert response.status_code == 400
    assert "findings" in response.json()
    api.patch(reverse("api:measure-detail", kwargs={"pk": pk}), {"findings": [finding.pk]}, format="json")
    response = api.post(reverse("api:measure-select", kwargs={"pk": pk}))
    assert response.status_code == 200 and response.json()["status"] == "selected"
    assert response.json()["score"] == 25
    response = api.post(reverse("api:measure-reject", kwargs={"pk": pk}), {}, format="json")
    assert response.status_code == 400 and "rejection_reason" in response.json()
    response = api.post(
        reverse("api:measure-reject", kwargs={"pk": pk}), {"rejection_reason": "zu teuer"}, format="json"
    )
    assert response.json()["status"] == "rejected"
    listing = api.get(
        reverse("api:measure-list"), {"programme": world.programme.pk, "status": "rejected"}
    ).json()
    assert [m["id"] for m in listing["results"]] == [pk]


def test_measure_bad_input(api_as, world, stages):
    api = api_as("member")
    response = api.post(
        reverse("api:measure-list"),
        {"programme": world.programme.pk, "title": "X", "one_off_costs": "-1", "impact": 9},
        format="json",
    )
    assert response.status_code == 400
    assert {"one_off_costs", "impact"} <= set(response.json())
    other_stage = services.journey_ensure_defaults(programme=world.other_programme)[0]
    response = api.post(
        reverse("api:measure-list"),
        {"programme": world.programme.pk, "title": "X", "stages": [other_stage.pk]},
        format="json",
    )
    assert response.status_code == 400 and "stages" in response.json()
    response = api.post(
        reverse("api:measure-list"), {"programme": world.other_programme.pk, "title": "X"}, format="json"
    )
    assert response.status_code == 400 and "programme" in response.json()


def test_other_programme_is_404(api_as, world):
    measure = services.measure_create(programme=world.other_programme, title="Fremd")
    assert api_as("lead").get(reverse("api:measure-detail", kwargs={"pk": measure.pk})).status_code == 404
    assert api_as("lead").post(reverse("api:measure-select", kwargs={"pk": measure.pk})).status_code == 404
    assert api_as("lead").get(reverse("api:measure-detail", kwargs={"pk": 10**17})).status_code == 404


def test_feasibility_put_and_errors(api_as, world, measure):
    api = api_as("member")
    url = reverse("api:measure-feasibility", kwargs={"pk": measure.pk})
    response = api.put(url, {"operating_verdict": "feasible"}, format="json")
    assert response.status_code == 400 and "operating_verdict" in response.json()
    response = api.put(url, {"running_costs_per_year": "-3"}, format="json")
    assert response.status_code == 400 and "running_costs_per_year" in response.json()
    response = api.put(
        url,
        {"funding_sources": [{"kind": "grant", "name": "Land", "year": 2026, "amount": "-5"}]},
        format="json",
    )
    assert response.status_code == 400
    payload = {
        "organisation_verdict": "feasible",
        "provider_verdict": "conditional",
        "operating_verdict": "feasible",
        "financing_verdict": "feasible",
        "staff_hours_per_month": "20.0",
        "running_costs_per_year": "5000.00",
        "years": 2,
        "raci_rows": [{"task": "Betrieb", "responsible": "Stadtmarketing", "accountable": "Bürgermeisterin"}],
        "funding_sources": [{"kind": "own_budget", "name": "Haushalt", "year": 2026, "amount": "10000.00"}],
    }
    response = api.put(url, payload, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["financing"]["expected"] == "10000.00" and data["financing"]["covered"] is True
    assert data["raci_rows"][0]["task"] == "Betrieb"
    assert api.get(url).json()["staff_hours_per_month"] == "20.0"


def test_criteria_sets_and_providers(api_as, world, measure):
    api = api_as("member")
    response = api.post(
        reverse("api:criteria-set-list"),
        {
            "organisation": world.organisation.pk,
            "name": "IT",
            "criteria": [{"name": "Preis", "weight": 60}, {"name": "Betrieb", "weight": 30}],
        },
        format="json",
    )
    assert response.status_code == 400 and "criteria" in response.json()
    response = api.post(
        reverse("api:criteria-set-list"),
        {
            "organisation": world.organisation.pk,
            "name": "IT",
            "criteria": [{"name": "Preis", "weight": 60}, {"name": "Betrieb", "weight": 40}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    set_id = response.json()["id"]
    price, ops = (c["id"] for c in response.json()["criteria"])
    api.put(
        reverse("api:measure-feasibility", kwargs={"pk": measure.pk}), {"criteria_set": set_id}, format="json"
    )
    response = api.post(
        reverse("api:provider-list"),
        {"measure": measure.pk, "name": "A", "scores": [{"criterion": price, "score": 11}]},
        format="json",
    )
    assert response.status_code == 400 and "scores" in response.json()
    for name, (p, o) in {"A": (8, 5), "B": (6, 10)}.items():
        response = api.post(
            reverse("api:provider-list"),
            {
                "measure": measure.pk,
                "name": name,
                "scores": [{"criterion": price, "score": p}, {"criterion": ops, "score": o}],
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    listing = api.get(reverse("api:provider-list"), {"measure": measure.pk}).json()["results"]
    assert [(p["name"], p["utility"]) for p in listing] == [("B", "7.60"), ("A", "6.80")]
    assert Decimal(listing[0]["utility"]) > Decimal(listing[1]["utility"])
    response = api_as("stakeholder").post(
        reverse("api:criteria-set-list"),
        {"organisation": world.organisation.pk, "name": "IT", "criteria": [{"name": "Preis", "weight": 100}]},
        format="json",
    )
    assert response.status_code == 400


def test_journey_stages_and_touchpoints(api_as, world, stages):
    api = api_as("member")
    listing = api.get(reverse("api:journey-stage-list"), {"programme": world.programme.pk}).json()
    assert listing["count"] == 9
    response = api.post(
        reverse("api:journey-stage-list"),
        {"programme": world.programme.pk, "name": "Wiederkommen"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["key"] == "wiederkommen"
    response = api.post(
        reverse("api:journey-stage-move", kwargs={"pk": stages[2].pk}), {"direction": "up"}, format="json"
    )
    assert response.status_code == 200 and response.json()["position"] == 2
    response = api.post(
        reverse("api:journey-stage-move", kwargs={"pk": stages[2].pk}), {"direction": "left"}, format="json"
    )
    assert response.status_code == 400 and "direction" in response.json()
    response = api.post(
        reverse("api:touchpoint-list"),
        {"stage": stages[0].pk, "name": "Website", "channel": "online", "quality": 7},
        format="json",
    )
    assert response.status_code == 400 and "quality" in response.json()
    response = api.post(
        reverse("api:touchpoint-list"),
        {"stage": stages[0].pk, "name": "Website", "channel": "online", "quality": 2},
        format="json",
    )
    assert response.status_code == 201
    assert (
        api_as("stakeholder")
        .post(
            reverse("api:touchpoint-list"),
            {"stage": stages[0].pk, "name": "Flyer", "channel": "offline"},
            format="json",
        )
        .status_code
        == 403
    )


def test_measure_templates(api_as, world, stages):
    api = api_as("member")
    listing = api.get(reverse("api:measure-template-list")).json()
    assert listing["count"] >= 10
    template = MeasureTemplate.objects.get(key="oeffentliches-wlan")
    response = api.post(
        reverse("api:measure-template-use", kwargs={"pk": template.pk}),
        {"programme": world.programme.pk},
        format="json",
    )
    assert response.status_code == 201
    assert Measure.objects.get(pk=response.json()["id"]).title == template.title
    response = api.post(
        reverse("api:measure-template-use", kwargs={"pk": template.pk}),
        {"programme": world.other_programme.pk},
        format="json",
    )
    assert response.status_code == 404
