"""A workshop in the browser: a member runs the journey walk; the member and two guests (through their personal
links, each in their own browser context, all open at once) place dots; the facilitator's results panel updates
without a reload; the winning idea becomes a measure and the workshop keeps the link to it."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from concept.models import Measure
from programmes import workshops as ws
from programmes.models import Role
from tests.programmes.factories import MembershipFactory, OrganisationFactory, ProgrammeFactory

from .conftest import check_a11y, goto, link_path, save_artifact

pytestmark = pytest.mark.e2e

PASSWORD = "Geheim-Passwort-123"  # the password of tests.programmes.factories.UserFactory


@pytest.fixture
def setup():
    organisation = OrganisationFactory(name="Musterstadt", slug="musterstadt")
    programme = ProgrammeFactory(
        organisation=organisation, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )
    member = MembershipFactory(programme=programme, role=Role.MEMBER).user
    workshop = ws.workshop_create(
        programme=programme,
        created_by=member,
        template="k_journey_walk",
        starts_at=timezone.now() + timedelta(minutes=5),
        place="Rathaus, Sitzungssaal 2",
        facilitator=member.name,
        dots_per_participant=3,
    )
    ws.participant_add(workshop=workshop, user=member)
    ws.participant_add(workshop=workshop, name="Hanna Vogel", organisation="Café am Markt")
    ws.participant_add(workshop=workshop, name="Murat Yılmaz", organisation="Stadtmarketing")
    ideas = [
        ws.output_add(workshop=workshop, kind="idea", text=text)
        for text in ("Barrierefreier digitaler Stadtplan", "Freies WLAN am Marktplatz", "Click & Collect")
    ]
    ws.workshop_set_voting(workshop=workshop, open=True)
    return programme, member, workshop, ideas


def sign_in(page, user) -> None:
    goto(page, "/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form .kern-btn--primary[type=submit]").click()
    page.wait_for_url("**/programmes/")


def dots_cell(page, idea):
    return page.locator(f"#results #dots-{idea.pk}")


def test_three_participants_vote_live_and_an_idea_becomes_a_measure(new_page, setup):
    programme, member, workshop, (plan, wifi, _collect) = setup
    detail = reverse("programmes:workshop_detail", kwargs={**programme.url_kwargs, "pk": workshop.pk})

    facilitator = new_page()
    sign_in(facilitator, member)
    goto(facilitator, reverse("programmes:workshop_list", kwargs=programme.url_kwargs))
    facilitator.locator(f"a[href='{detail}']").first.click()
    facilitator.wait_for_url(f"**{detail}")
    check_a11y(facilitator)
    agenda = facilitator.locator("#agenda-table tbody tr")
    assert agenda.count() == 5
    assert "45" in agenda.nth(1).inner_text()  # the journey walk's time box
    # A marker on the window: it survives only as long as the page is not reloaded.
    facilitator.evaluate("window.noReload = true")

    # The member places a dot on the city map idea (htmx: the panel is swapped, the page stays).
    facilitator.locator(f"button[data-vote='{plan.pk}']").click()
    facilitator.locator(f"#my-dots-{plan.pk}").filter(has_text="1").wait_for()
    facilitator.locator("#dots-left").filter(has_text="2").wait_for()

    links = {
        name: link_path(facilitator.locator(f"#guest-links li:has-text('{name}') a").get_attribute("href"))
        for name in ("Hanna Vogel", "Murat Yılmaz")
    }

    # Two guests, each in their own browser context, open at the same time, without an account.
    hanna = new_page()
    murat = new_page()
    goto(hanna, links["Hanna Vogel"])
    goto(murat, links["Murat Yılmaz"])
    assert "Hanna Vogel" in hanna.locator("main").inner_text()
    hanna.locator(f"button[data-vote='{plan.pk}']").click()
    hanna.locator(f"#my-dots-{plan.pk}").filter(has_text="1").wait_for()
    hanna.locator(f"button[data-vote='{plan.pk}']").click()
    hanna.locator(f"#my-dots-{plan.pk}").filter(has_text="2").wait_for()
    murat.locator(f"button[data-vote='{wifi.pk}']").click()
    murat.locator(f"#my-dots-{wifi.pk}").filter(has_text="1").wait_for()

    # The facilitator's results panel polls and shows the new counts without a reload.
    dots_cell(facilitator, plan).filter(has_text="3").wait_for(timeout=8_000)
    dots_cell(facilitator, wifi).filter(has_text="1").wait_for(timeout=8_000)
    assert facilitator.evaluate("window.noReload") is True
    save_artifact(facilitator, "workshop-live-results")
    # and the guests see the others' dots too
    dots_cell(hanna, wifi).filter(has_text="1").wait_for(timeout=8_000)

    # A guest cannot place more than three dots: the fourth is refused with a reason.
    hanna.locator(f"button[data-vote='{wifi.pk}']").click()
    hanna.locator("#dots-left").filter(has_text="0").wait_for()
    assert hanna.locator(f"button[data-vote='{wifi.pk}']").is_disabled()
    check_a11y(hanna)

    # The winning idea becomes a measure in one click; the workshop shows the link to it.
    facilitator.locator(f"#output-{plan.pk} button[data-convert='measure']").click()
    link = facilitator.locator(f"#output-{plan.pk} a.converted-link[data-kind='measure']")
    link.wait_for()
    check_a11y(facilitator)
    save_artifact(facilitator, "workshop-converted")
    measure = Measure.objects.get(programme=programme)
    assert measure.vote_count == 3

    # The minutes list the conversion too (and pass the accessibility check).
    goto(
        facilitator,
        reverse("programmes:workshop_minutes", kwargs={**programme.url_kwargs, "pk": workshop.pk}),
    )
    assert facilitator.locator("#minutes-conversions a").count() == 1
    assert "Hanna Vogel" in facilitator.locator("#minutes-participants").inner_text()
    facilitator.go_back()
    link.click()
    facilitator.wait_for_url(f"**/konzeption/measures/{measure.pk}/")
    assert "Barrierefreier digitaler Stadtplan" in facilitator.locator("h1").inner_text()


def test_an_anonymous_vote_shows_only_totals_and_a_withdrawn_guest_link_stops_at_once(new_page, setup):
    """Anonymous voting: the facilitator sees the dots per idea and how many voted, never who used how many dots.
    A guest link withdrawn while the guest's page is open stops working at once: the page reloads and says so."""
    programme, member, workshop, (plan, wifi, _collect) = setup
    ws.workshop_update(workshop=workshop, anonymous_voting=True)
    detail = reverse("programmes:workshop_detail", kwargs={**programme.url_kwargs, "pk": workshop.pk})

    facilitator = new_page()
    facilitator.on("dialog", lambda dialog: dialog.accept())  # the confirmation of "Withdraw link"
    sign_in(facilitator, member)
    goto(facilitator, detail)
    links = {
        name: link_path(facilitator.locator(f"#guest-links li:has-text('{name}') a").get_attribute("href"))
        for name in ("Hanna Vogel", "Murat Yılmaz")
    }

    hanna = new_page()
    murat = new_page()
    goto(hanna, links["Hanna Vogel"])
    goto(murat, links["Murat Yılmaz"])
    for expected in ("1", "2"):
        hanna.locator(f"button[data-vote='{plan.pk}']").click()
        hanna.locator(f"#my-dots-{plan.pk}").filter(has_text=expected).wait_for()
    hanna.locator("#dots-left").filter(has_text="1 von 3").wait_for()  # her own dots she still sees

    # The facilitator's panel updates live with totals and the number of voters, and names nobody.
    dots_cell(facilitator, plan).filter(has_text="2").wait_for(timeout=8_000)
    facilitator.locator("#results-voters").filter(has_text="1 von 3").wait_for(timeout=8_000)
    assert "Die Abstimmung ist anonym" in facilitator.locator("#results-summary").inner_text()
    assert facilitator.locator("#participants .participant-dots").count() == 0
    assert "Hanna Vogel" not in facilitator.locator("#results").inner_text()
    check_a11y(facilitator)

    # Withdraw Murat's link while his page is open.
    facilitator.locator(f"button[data-revoke-link='{murat_id(workshop)}']").click()
    facilitator.locator(f"#guest-link-{murat_id(workshop)}[data-guest-link-state='revoked']").wait_for()
    assert links["Murat Yılmaz"] not in facilitator.content()
    check_a11y(facilitator)

    # His open page reloads with its next poll of the results and now says the link no longer works.
    murat.locator("#link-invalid[data-state='revoked']").wait_for(timeout=8_000)
    assert murat.locator(f"button[data-vote='{wifi.pk}']").count() == 0
    assert "funktioniert nicht mehr" in murat.locator("h1").inner_text()
    check_a11y(murat)
    save_artifact(murat, "workshop-guest-link-withdrawn")
    assert not workshop.participants.get(name="Murat Yılmaz").votes.exists()
    # Hanna's link still works
    hanna.locator(f"button[data-vote='{wifi.pk}']").click()
    hanna.locator(f"#my-dots-{wifi.pk}").filter(has_text="1").wait_for()


def murat_id(workshop) -> int:
    return workshop.participants.get(name="Murat Yılmaz").pk


def test_measures_are_put_to_the_vote_and_a_guest_takes_the_calendar_entry_home(new_page, setup):
    """The facilitator puts two measures of the programme to the vote next to the ideas; a guest places dots on
    one of them, the facilitator's results show it with a link to the measure, and the guest downloads the
    calendar entry from the personal link. A converted idea whose measure is deleted later offers the
    conversion again instead of a dead link."""
    from icalendar import Calendar

    from concept import services as concept_services

    programme, member, workshop, (plan, _wifi, _collect) = setup
    stelen = concept_services.measure_create(programme=programme, title="Digitale Stelen am Bahnhof")
    concept_services.measure_create(programme=programme, title="Parkleitsystem")
    concept_services.measure_create(
        programme=ProgrammeFactory(organisation=programme.organisation), title="Fremde Maßnahme"
    )
    detail = reverse("programmes:workshop_detail", kwargs={**programme.url_kwargs, "pk": workshop.pk})

    facilitator = new_page()
    sign_in(facilitator, member)
    goto(facilitator, detail)
    facilitator.locator("#subjects-form").locator("xpath=ancestor::details").locator("summary").click()
    assert "Fremde Maßnahme" not in facilitator.locator("#subjects-form").inner_text()
    facilitator.get_by_label("Digitale Stelen am Bahnhof").check()
    facilitator.locator("#put-to-vote").click()
    facilitator.locator("#subjects-list li").first.wait_for()
    check_a11y(facilitator)
    option = workshop.outputs.get(subject_id=stelen.pk)
    assert facilitator.locator(f"button[data-vote='{option.pk}']").count() == 1
    save_artifact(facilitator, "workshop-measures-on-the-vote")

    link = link_path(facilitator.locator("#guest-links li:has-text('Hanna Vogel') a").get_attribute("href"))
    hanna = new_page()
    goto(hanna, link)
    hanna.locator(f"button[data-vote='{option.pk}']").click()
    hanna.locator(f"#my-dots-{option.pk}").filter(has_text="1").wait_for()
    hanna.locator(f"button[data-vote='{plan.pk}']").click()
    hanna.locator(f"#my-dots-{plan.pk}").filter(has_text="1").wait_for()
    hanna.locator(f"button[data-vote='{option.pk}']").click()
    hanna.locator("#dots-left").filter(has_text="0 von 3").wait_for()  # measures and ideas share the dots
    assert hanna.locator(f"button[data-vote='{plan.pk}']").is_disabled()
    assert hanna.locator("#results a").count() == 0  # guests get no links into the programme

    # The facilitator's results (polled) show the measure first, linked to its page.
    dots_cell(facilitator, option).filter(has_text="2").wait_for(timeout=8_000)
    measure_link = facilitator.locator(f"#results a[data-subject='{option.pk}']")
    assert measure_link.get_attribute("href").endswith(f"/konzeption/measures/{stelen.pk}/")

    # The guest takes the calendar entry home from the personal page.
    with hanna.expect_download() as download_info:
        hanna.locator("#ics-link").click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "PUBLISH" and str(event["SUMMARY"]) == workshop.title
    assert str(event["UID"]).startswith(f"workshop-{workshop.pk}@") and event["SEQUENCE"] == 0
    check_a11y(hanna)

    # An idea became a measure that was deleted since: no dead link, the conversion is offered again.
    measure = ws.output_convert(output=plan, kind="measure", user=member)
    measure.delete()
    facilitator.reload()
    assert facilitator.locator(f"#output-{plan.pk} a.converted-link").count() == 0
    assert "gelöscht" in facilitator.locator(f"#output-{plan.pk} .target-deleted").inner_text()
    facilitator.locator(f"#output-{plan.pk} button[data-convert='measure']").click()
    facilitator.locator(f"#output-{plan.pk} a.converted-link[data-kind='measure']").wait_for()
    check_a11y(facilitator)
    new_measure = Measure.objects.get(title=plan.text)
    facilitator.locator(f"#output-{plan.pk} a.converted-link").click()
    facilitator.wait_for_url(f"**/konzeption/measures/{new_measure.pk}/")
