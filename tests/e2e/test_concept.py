"""Konzeption in the browser: a member walks the journey map, creates a measure from a finding, scores it,
compares three providers, fills the feasibility and selects the measure; the gate lists what still fails."""

import pytest
from django.urls import reverse

from concept import services as concept_services
from concept.models import Measure
from evaluation import services as evaluation_services
from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory

from .conftest import check_a11y, goto

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    concept_services.journey_ensure_defaults(programme=programme)  # as programme_create's hook does
    user = MembershipFactory(programme=programme, role=Role.MEMBER).user
    finding = evaluation_services.finding_create(
        programme=programme,
        statement="Autofahrende finden schwer einen Parkplatz.",
        journey_stage="Anreise",
        priority="high",
    )
    evaluation_services.evidence_add(finding=finding, kind="workshop", label="Werkstatt Einzelhandel")
    return programme, user, finding


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def submit(page, action: str) -> None:
    page.locator(f"form:has(input[name=action][value={action}]) button[type=submit]").click()
    page.wait_for_load_state()


def test_measure_from_finding_to_gate(page, setup):
    programme, user, finding = setup
    sign_in(page, user)
    k = programme.url_kwargs

    goto(page, reverse("programmes:konzeption:journey", kwargs=k))
    anreise = page.locator("#stage-anreise")
    assert anreise.locator(".journey-gap").is_visible()  # a gap, said in words
    anreise.locator(f"a[href$='?finding={finding.pk}']").click()
    page.wait_for_url("**/measures/new/**")
    check_a11y(page)
    assert page.input_value("#id_title") == finding.statement
    page.fill("#id_title", "Digitales Parkleitsystem")
    page.fill("#id_impact", "5")
    page.fill("#id_effort", "2")
    page.fill("#id_one_off_costs", "100000")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/measures/*/")
    check_a11y(page)
    measure = Measure.objects.get()
    assert measure.score == 20 and list(measure.findings.all()) == [finding]

    kwargs = {**k, "pk": measure.pk}
    goto(page, reverse("programmes:konzeption:providers", kwargs=kwargs))
    page.locator("details:has(input[value=criteria_set_create]) summary").click()
    page.fill("#id_cs-name", "Dienstleisterauswahl")
    page.fill("#id_cs-criteria", "Preis; 50\nBetrieb; 30\nReferenzen; 10")
    submit(page, "criteria_set_create")
    assert page.locator("#id_cs-criteria_error").is_visible()  # weights sum to 90
    check_a11y(page)
    page.fill("#id_cs-criteria", "Preis; 50\nBetrieb; 30\nReferenzen; 20")
    submit(page, "criteria_set_create")
    for name in ("ParkSense", "CityFlow", "Verkehrstechnik Nord"):
        page.fill("#id_provider-name", name)
        submit(page, "provider_add")
    inputs = page.locator("#ranking input.score-input")
    assert inputs.count() == 9
    for index, value in enumerate(["6", "9", "7", "8", "5", "6", "7", "6", "10"]):
        inputs.nth(index).fill(value)
    submit(page, "scores")
    check_a11y(page)
    ranks = page.locator("#ranking tbody tr td:first-child").all_inner_texts()
    assert [r.strip() for r in ranks] == ["1", "2", "3"]

    goto(page, reverse("programmes:konzeption:feasibility", kwargs=kwargs))
    page.select_option("#id_organisation_verdict", "feasible")
    page.fill("#id_responsible_unit", "Tiefbauamt")
    page.select_option("#id_provider_verdict", "feasible")
    page.select_option(
        "#id_chosen_provider", label=page.locator("#id_chosen_provider option").nth(1).inner_text()
    )
    page.select_option("#id_operating_verdict", "feasible")  # without staff hours: refused
    page.fill("#id_running_costs_per_year", "12000")
    page.locator("main form.form-narrow .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_operating_verdict_error").is_visible()
    check_a11y(page)
    page.fill("#id_staff_hours_per_month", "12")
    page.locator("main form.form-narrow .kern-btn--primary[type=submit]").first.click()
    page.wait_for_load_state()
    check_a11y(page)
    measure.feasibility.refresh_from_db()
    assert measure.feasibility.staff_hours_per_month == 12

    goto(page, reverse("programmes:konzeption:measure_detail", kwargs=kwargs))
    page.locator("#select-measure").click()
    page.wait_for_load_state()
    measure.refresh_from_db()
    assert measure.status == Measure.Status.SELECTED

    goto(page, reverse("programmes:konzeption", kwargs=k))
    failing = page.locator(".gate-item:has(.kern-badge--danger)")
    assert failing.count() == 2  # financing still open, and the money is not there
    assert page.locator(".gate-item:has(.kern-badge--success)").count() == 3

    # the journey map on a phone: stages stack in one readable column
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, reverse("programmes:konzeption:journey", kwargs=k))
    first, second = page.locator(".journey-stage").nth(0), page.locator(".journey-stage").nth(1)
    assert second.bounding_box()["y"] > first.bounding_box()["y"] + first.bounding_box()["height"] - 1
    assert "Digitales Parkleitsystem" in page.locator("#stage-anreise").inner_text()
