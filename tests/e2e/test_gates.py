"""The K → T gate in the browser: a lead sees the unmet criteria, fixes one through its link, overrides the rest
with a written reason, and the programme's timeline shows the override (axe on the gate and timeline pages)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from concept import services as concept_services
from evaluation import services as evaluation_services
from programmes.models import Phase, Programme, Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory

from .conftest import check_a11y, goto

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory
OVERRIDE_REASON = (
    "Der Förderbescheid verlangt den Start in diesem Quartal; Finanzierung und Prüfung folgen bis Januar."
)


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    Programme.objects.filter(pk=programme.pk).update(phase=Phase.KONZEPTION)
    programme.refresh_from_db()
    user = MembershipFactory(programme=programme, role=Role.LEAD).user
    finding = evaluation_services.finding_create(
        programme=programme, statement="Autofahrende finden schwer einen Parkplatz.", priority="high"
    )
    evaluation_services.evidence_add(finding=finding, kind="workshop", label="Händlerworkshop März")
    measure = concept_services.measure_create(
        programme=programme,
        title="Digitales Parkleitsystem",
        findings=[finding],
        one_off_costs=Decimal("100000"),
    )
    concept_services.measure_select(measure=measure)
    return programme, user, measure


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def criterion(page, text: str):
    return page.locator(".criteria-list li", has_text=text)


def test_lead_fixes_one_criterion_overrides_the_rest_and_the_timeline_shows_it(page, setup):
    programme, user, _measure = setup
    sign_in(page, user)
    gate_url = reverse("programmes:transition", kwargs=programme.url_kwargs)

    goto(page, gate_url)
    operating = criterion(page, "Betriebsmodell")
    assert operating.locator(".criterion-unmet").count() == 1
    assert page.locator(".criteria-list .criterion-unmet").count() >= 3

    # Follow the criterion's link and do what it asks: state the staff hours of the operating model.
    operating.get_by_role("link").click()
    page.wait_for_url("**/feasibility/")
    check_a11y(page)
    page.fill("#id_staff_hours_per_month", "20")
    page.locator("main form.form-narrow .kern-btn--primary[type=submit]").first.click()
    page.wait_for_url("**/feasibility/")

    goto(page, gate_url)
    assert criterion(page, "Betriebsmodell").locator(".criterion-met").count() == 1
    unmet = page.locator(".criteria-list .criterion-unmet").count()
    assert unmet >= 1

    # Moving on without the override is refused; with it and a reason it goes through.
    page.fill("#id_rationale", OVERRIDE_REASON)
    page.locator("main form .kern-btn--primary[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator(".kern-error").count() >= 1
    check_a11y(page)
    page.check("#id_override")
    page.locator("main form .kern-btn--primary[type=submit]").last.click()
    page.wait_for_url(f"**{programme.get_absolute_url()}")
    assert page.locator(".is-override").count() == 1

    goto(page, reverse("programmes:transformation:timeline", kwargs=programme.url_kwargs))
    decision = page.locator("#phase-decisions li.is-override")
    assert decision.count() == 1
    assert "Konzeption → Transformation" in decision.inner_text()
    assert OVERRIDE_REASON in decision.inner_text()
    assert decision.locator(".kern-badge").inner_text().strip() != ""


def test_risk_radar_trail_and_retrospective_pages_are_accessible(page, setup):
    programme, user, measure = setup
    concept_services.provider_create(measure=measure, name="ParkSense GmbH")
    sign_in(page, user)
    k = programme.url_kwargs

    goto(page, reverse("programmes:risks", kwargs=k))
    warning = page.locator("#open-risks li", has_text="Digitales Parkleitsystem").first
    warning.locator("summary").click()
    warning.locator("textarea").fill("Betriebsmodell wird mit dem Stadtmarketing geklärt.")
    warning.get_by_role("button").click()
    page.wait_for_url("**/risks/")
    assert (
        "Betriebsmodell wird mit dem Stadtmarketing geklärt."
        in page.locator("#acknowledged-risks").inner_text()
    )
    check_a11y(page)

    goto(page, reverse("programmes:transformation:measure_trail", kwargs={**k, "measure": measure.pk}))
    assert "Händlerworkshop März" in page.locator("#trail-findings").inner_text()

    goto(page, reverse("programmes:transformation:retrospective_create", kwargs=k))
    page.fill("#id_held_on", "2026-11-20")
    page.fill("#id_went_well", "Schnelle Entscheidungen im Initiativkreis")
    page.fill("#id_to_improve", "Datenlieferung der Parkhäuser")
    page.select_option("#id_decision", "adjust")
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/retrospectives/")
    check_a11y(page)
    assert "Schnelle Entscheidungen im Initiativkreis" in page.locator("main").inner_text()


def test_a_member_reads_the_gate_and_acknowledges_a_risk_on_the_programme_page(page, setup):
    programme, _lead, measure = setup
    member = MembershipFactory(programme=programme, role=Role.MEMBER).user
    sign_in(page, member)

    # The gate: criteria with their figures, no form to move on, a note who decides (accessible).
    goto(page, programme.get_absolute_url())
    page.locator("#gate-link").click()
    page.wait_for_url("**/transition/")
    assert criterion(page, "Betriebsmodell").locator(".criterion-unmet").count() == 1
    assert page.locator("#transition-read-only").count() == 1
    assert page.locator("#id_rationale").count() == 0
    check_a11y(page)

    # The programme page lists the open risks; acknowledging one there brings the member back to it.
    goto(page, programme.get_absolute_url())
    risks = page.locator("#detail-open-risks li", has_text=measure.title)
    before = risks.count()
    assert before >= 1
    check_a11y(page)
    first = risks.first
    first.locator("summary").click()
    first.locator("textarea").fill("Betriebsmodell wird mit dem Stadtmarketing geklärt.")
    first.get_by_role("button").click()
    page.wait_for_url(f"**{programme.get_absolute_url()}")
    assert page.locator("#detail-open-risks li", has_text=measure.title).count() == before - 1
    check_a11y(page)


def test_the_thresholds_of_every_phase_are_set_on_one_accessible_page(page, setup):
    programme, lead, _measure = setup
    sign_in(page, lead)
    goto(page, reverse("programmes:gate_settings", kwargs=programme.url_kwargs))
    section = page.locator("#thresholds-section-konzeption")
    assert section.count() == 1
    check_a11y(page)
    section.locator('input[name="konzeption.financing__max_gap"]').fill("-5")
    section.get_by_role("button").click()
    page.wait_for_load_state()
    assert section.locator(".kern-error").count() == 1
    check_a11y(page)
    section.locator('input[name="konzeption.financing__max_gap"]').fill("5000")
    section.get_by_role("button").click()
    page.wait_for_url("**/transition/")
    page.locator(".gate-thresholds summary").click()
    assert page.locator('input[name="konzeption.financing__max_gap"]').input_value() == "5000"


def test_in_the_next_cycle_the_lead_repeats_a_survey_from_the_programme_page(page, setup):
    from datetime import timedelta

    from django.utils import timezone

    from evaluation.models import Wave
    from programmes import services as programme_services
    from tests.evaluation.factories import make_survey

    programme, lead, _measure = setup
    survey = make_survey(programme, title="Besucherbefragung 2026")
    evaluation_services.survey_close(survey=survey)
    Wave.objects.filter(survey=survey).update(starts_on=timezone.localdate() - timedelta(days=200))
    for _step in range(2):  # K → T → E: cycle 2
        programme_services.programme_transition(
            programme=programme, user=lead, rationale="weiter", override=True
        )
    sign_in(page, lead)

    goto(page, programme.get_absolute_url())
    assert page.locator("#next-cycle").count() == 1
    check_a11y(page)
    page.locator("#repeat-surveys-link").click()
    page.wait_for_url("**/evaluation/#repeat-surveys")
    offer = page.locator("#repeat-surveys li", has_text="Besucherbefragung 2026")
    offer.get_by_role("button").click()
    page.wait_for_load_state()
    assert survey.waves.filter(number=2, status=Wave.Status.OPEN).exists()
    assert "Zyklus 2" in page.locator("#waves").inner_text()
    check_a11y(page)

    goto(page, reverse("programmes:transition", kwargs=programme.url_kwargs))
    assert "Zyklus 2" in criterion(page, "abgeschlossene Befragungswelle").inner_text()


def test_a_lead_sets_when_content_counts_as_stale_on_the_radar_page(page, setup):
    programme, lead, _measure = setup
    sign_in(page, lead)
    goto(page, reverse("programmes:risks", kwargs=programme.url_kwargs))
    field = page.locator('input[name="concept.stale_content__days"]')
    assert field.input_value() == "365"
    field.fill("2")
    page.locator("#risk-settings").get_by_role("button").click()
    page.wait_for_load_state()
    assert page.locator("#risk-settings .kern-error").count() == 1
    check_a11y(page)
    page.locator('input[name="concept.stale_content__days"]').fill("180")
    page.locator("#risk-settings").get_by_role("button").click()
    page.wait_for_url("**/risks/")
    assert page.locator('input[name="concept.stale_content__days"]').input_value() == "180"
    check_a11y(page)
