"""A workshop in the browser: a member runs the journey walk; the member and two guests (through their personal
links, each in their own browser context, all open at once) place dots; the facilitator's results panel updates
without a reload; the winning idea becomes a measure and the workshop keeps the link to it."""

from datetime import timedelta

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
