from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concept import services
from concept.models import DEFAULT_STAGES, JourneyStage, Measure
from evaluation import services as evaluation_services
from programmes import services as programme_services

pytestmark = pytest.mark.django_db


def k(world, name, **kwargs):
    return reverse(f"programmes:konzeption:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


def test_hub_name_resolves_to_overview(client_as, world):
    url = reverse("programmes:konzeption", kwargs=world.programme.url_kwargs)
    assert url.endswith("/konzeption/")
    response = client_as("stakeholder").get(url)
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["criteria"]) == 5


def test_stale_touchpoint_is_labelled(client_as, world, stages):
    from datetime import date

    services.touchpoint_create(
        stage=stages[0], name="Alte Website", channel="online", last_content_update=date(2020, 1, 1)
    )
    services.touchpoint_create(stage=stages[0], name="Neue Website", channel="online")
    services.touchpoint_create(
        stage=stages[0], name="Frische Website", channel="online", last_content_update=timezone.localdate()
    )
    client = client_as("member")
    client.cookies["django_language"] = "en"
    response = client.get(k(world, "journey"), HTTP_ACCEPT_LANGUAGE="en")
    columns = response.context["columns"]
    assert [(t.name, t.stale) for t in columns[0].touchpoints] == [
        ("Alte Website", "outdated"),
        ("Frische Website", ""),
        ("Neue Website", "never"),  # no update recorded: stale as well
    ]
    html = response.content.decode()
    assert "stale: content from 01/01/2020" in html or "stale: content from 1/1/2020" in html
    assert "stale: no content update recorded" in html


def test_journey_map_shows_the_stages_and_a_gap(client_as, world, stages, finding):
    response = client_as("member").get(k(world, "journey"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert finding.statement in html
    assert "journey-stage--gap" in html and "stage-anreise" in html


def test_a_new_programme_starts_with_the_default_journey(world):
    programme = programme_services.programme_create(
        organisation=world.organisation, creator=world.user("lead"), title="Neue Mitte", slug=""
    )
    assert [s.key for s in JourneyStage.objects.filter(programme=programme)] == [
        key for key, _name in DEFAULT_STAGES
    ]


@pytest.mark.parametrize("with_stages", [True, False])
def test_the_journey_pages_write_nothing_on_a_get(client_as, world, finding, with_stages):
    """Reading the journey map, the stage list or a measure form prefilled from a finding changes no row,
    even for a programme without stages (they come with the programme, not with the first visit)."""
    if with_stages:
        services.journey_ensure_defaults(programme=world.programme)
    client = client_as("lead")
    pages = [k(world, "journey"), k(world, "stages"), k(world, "measure_create") + f"?finding={finding.pk}"]
    client.get(pages[0])  # the session and the like settle before counting
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == HTTPStatus.OK
        writes = [
            q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ]
        assert writes == [], page
    assert JourneyStage.objects.filter(programme=world.programme).count() == (9 if with_stages else 0)
    if not with_stages:
        assert 'id="no-stages"' in client.get(pages[0]).content.decode()


def test_create_measure_from_finding(client_as, world, stages, finding):
    client = client_as("member")
    response = client.get(k(world, "measure_create") + f"?finding={finding.pk}")
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert form.initial["findings"] == [finding.pk]
    anreise = JourneyStage.objects.get(programme=world.programme, key="anreise")
    assert form.initial["stages"] == [anreise.pk]
    response = client.post(
        k(world, "measure_create"),
        {
            "title": "Parkleitsystem",
            "findings": [finding.pk],
            "stages": [anreise.pk],
            "impact": 4,
            "effort": 2,
            "one_off_costs": "0",
        },
    )
    measure = Measure.objects.get(programme=world.programme)
    assert response.status_code == HTTPStatus.FOUND
    assert list(measure.findings.all()) == [finding]
    response = client.post(k(world, "measure_select", pk=measure.pk), follow=True)
    measure.refresh_from_db()
    assert measure.status == Measure.Status.SELECTED


def test_select_without_finding_shows_message(client_as, world, bare_measure):
    from django.contrib.messages import ERROR

    response = client_as("member").post(k(world, "measure_select", pk=bare_measure.pk), follow=True)
    assert [m.level for m in response.context["messages"]] == [ERROR]
    bare_measure.refresh_from_db()
    assert bare_measure.status == Measure.Status.IDEA


def test_stage_reorder_without_js(client_as, world, stages):
    client = client_as("member")
    client.post(k(world, "stage_move", pk=stages[2].pk), {"direction": "up"})
    assert list(JourneyStage.objects.filter(programme=world.programme).values_list("key", flat=True)[:3]) == [
        "inspiration",
        "anreise",
        "information-planung",
    ]
    response = client.post(k(world, "stages"), {"name": "Wiederkommen", "key": ""})
    assert response.status_code == HTTPStatus.FOUND
    assert JourneyStage.objects.filter(programme=world.programme, key="wiederkommen").exists()


def test_measure_list_filters_and_sorts(client_as, world, measure, bare_measure, stages):
    client = client_as("stakeholder")
    anreise = next(s for s in stages if s.key == "anreise")
    response = client.get(k(world, "measure_list"), {"stage": anreise.pk})
    assert [m.pk for m in response.context["measures"]] == [measure.pk]
    response = client.get(k(world, "measure_list"), {"sort": "score"})
    assert [m.pk for m in response.context["measures"]] == [measure.pk, bare_measure.pk]
    response = client.get(k(world, "measure_list"), {"min_score": 10})
    assert [m.pk for m in response.context["measures"]] == [measure.pk]
    response = client.get(k(world, "measure_list"), {"status": "selected"})
    assert response.context["measures"] == []


def test_measure_detail_shows_survey_figures(client_as, world, measure, finding):
    evaluation_services.evidence_add(
        finding=finding,
        kind="survey_result",
        label="Parken",
        snapshot={
            "taken_at": "2026-04-01T00:00",
            "stats": {
                "respondents": 120,
                "mean": 4.2,
                "median": 4,
                "distribution": [{"label": "5", "count": 40, "share": 33.3}],
            },
        },
    )
    html = client_as("stakeholder").get(k(world, "measure_detail", pk=measure.pk)).content.decode()
    assert "n = 120" in html
    assert "33,3" in html or "33.3" in html


def test_feasibility_form_errors(client_as, world, measure):
    data = {
        "organisation_verdict": "open",
        "provider_verdict": "open",
        "operating_verdict": "feasible",
        "financing_verdict": "open",
        "years": 3,
        "running_costs_per_year": "-1",
    }
    response = client_as("member").post(k(world, "feasibility", pk=measure.pk), data)
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert "running_costs_per_year" in errors


def test_provider_comparison_flow(client_as, world, measure):
    client = client_as("member")
    url = k(world, "providers", pk=measure.pk)
    response = client.post(
        url, {"action": "criteria_set_create", "cs-name": "IT", "cs-criteria": "Preis; 50\nBetrieb; 40"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "100" in str(response.context["criteria_set_form"].errors)
    client.post(
        url, {"action": "criteria_set_create", "cs-name": "IT", "cs-criteria": "Preis; 60\nBetrieb; 40"}
    )
    for name in ("A", "B", "C"):
        client.post(url, {"action": "provider_add", "provider-name": name})
    response = client.get(url)
    providers = response.context["providers"]
    criteria = response.context["criteria"]
    data = {"action": "scores"}
    for i, provider in enumerate(providers):
        for criterion in criteria:
            data[f"score_{provider.pk}_{criterion.pk}"] = 3 + i
    data[f"score_{providers[0].pk}_{criteria[0].pk}"] = 11
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK  # re-rendered with the error
    data[f"score_{providers[0].pk}_{criteria[0].pk}"] = 10
    client.post(url, data)
    ranking = client.get(url).context["providers"]
    assert [p.rank for p in ranking] == [1, 2, 3]


def test_library_use_template(client_as, world):
    from concept.models import MeasureTemplate

    template = MeasureTemplate.objects.get(key="innenstadt-app")
    response = client_as("member").post(k(world, "template_use", pk=template.pk))
    measure = Measure.objects.get(programme=world.programme)
    assert response.status_code == HTTPStatus.FOUND and measure.title == template.title


def test_matrix_quick_wins(client_as, world, measure):
    response = client_as("stakeholder").get(k(world, "matrix"))
    rows = response.context["matrix"]["rows"]
    top_left = rows[1]["cells"][1]  # impact 4, effort 2
    assert top_left["quick_win"] and top_left["measures"] == [measure]


def test_gate_page_lists_failing_criteria(client_as, world, measure):
    services.measure_select(measure=measure)
    html = (
        client_as("lead")
        .get(reverse("programmes:konzeption", kwargs=world.programme.url_kwargs))
        .content.decode()
    )
    assert "not met" in html or "nicht erfüllt" in html


def test_raci_and_funding_rows(client_as, world, measure):
    from django.contrib.messages import ERROR

    client = client_as("member")
    client.post(
        k(world, "raci_add", pk=measure.pk), {"raci-task": "Betrieb", "raci-responsible": "Stadtwerke"}
    )
    assert list(measure.raci_rows.values_list("task", flat=True)) == ["Betrieb"]
    response = client.post(
        k(world, "funding_add", pk=measure.pk),
        {"funding-kind": "grant", "funding-name": "Land", "funding-year": 2026, "funding-amount": "-1"},
        follow=True,
    )
    assert ERROR in [m.level for m in response.context["messages"]]
    assert not measure.funding_sources.exists()
    client.post(
        k(world, "funding_add", pk=measure.pk),
        {"funding-kind": "grant", "funding-name": "Land", "funding-year": 2026, "funding-amount": "500"},
    )
    assert measure.funding_sources.get().amount == 500
