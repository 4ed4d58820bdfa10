"""Workshop pages: permission matrix for every page (and the guest link), forms with and without htmx, voting,
the polled results partial, conversions, minutes, PDF, .ics and query counts."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from concept import services as concept_services
from concept.models import Measure
from evaluation.models import Finding
from programmes import workshops as ws
from programmes.models import Vote, Workshop, WorkshopOutput, WorkshopParticipant
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.programmes.factories_workshops import AgendaItemFactory, GuestFactory, IdeaFactory, WorkshopFactory

GONE = HTTPStatus.GONE

VIEWERS = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDITORS_GET = {**VIEWERS, "stakeholder": FORBIDDEN}


@pytest.fixture
def workshop(world):
    workshop = WorkshopFactory(programme=world.programme, voting_open=True)
    AgendaItemFactory(workshop=workshop, title="Begrüßung", minutes=10)
    AgendaItemFactory(workshop=workshop, title="Journey-Walk", minutes=45)
    return workshop


def url(world, name, **kwargs):
    return reverse(f"programmes:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


# --- Permission matrix -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["workshop_detail", "workshop_results", "workshop_minutes", "workshop_ics"])
def test_every_role_of_the_programme_sees_a_workshop_and_others_get_404(client_as, world, workshop, name):
    check_matrix(client_as, url(world, name, pk=workshop.pk), VIEWERS)


def test_the_list_is_visible_to_every_role(client_as, world, workshop):
    check_matrix(client_as, url(world, "workshop_list"), VIEWERS)


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("workshop_create", {}),
        ("workshop_edit", {"pk": True}),
        ("workshop_agenda_edit", {"pk": True, "item": True}),
        ("workshop_output_edit", {"pk": True, "output": True}),
        ("workshop_output_convert", {"pk": True, "output": True, "kind": "milestone"}),
    ],
)
def test_forms_are_for_leads_and_members_only(client_as, world, workshop, name, extra):
    idea = IdeaFactory(workshop=workshop)
    values = {"pk": workshop.pk, "item": workshop.agenda.first().pk, "output": idea.pk}
    kwargs = {key: (values[key] if value is True else value) for key, value in extra.items()}
    check_matrix(client_as, url(world, name, **kwargs), EDITORS_GET)


@pytest.mark.parametrize(
    "name",
    [
        "workshop_participant_add",
        "workshop_agenda_add",
        "workshop_output_add",
        "workshop_subjects_add",
    ],
)
def test_capture_forms_refuse_stakeholders_and_show_errors_to_editors(client_as, world, workshop, name):
    concept_services.measure_create(programme=world.programme, title="Digitale Stelen")
    # An empty form: editors get the page back with the field errors (200), nothing is saved.
    check_matrix(client_as, url(world, name, pk=workshop.pk), EDITORS_GET, method="post", data={})
    assert not WorkshopParticipant.objects.exists() and not WorkshopOutput.objects.exists()
    assert workshop.agenda.count() == 2


def test_opening_and_closing_the_vote_is_for_editors(client_as, world, workshop):
    expected = {**EDITORS_GET, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}
    check_matrix(
        client_as, url(world, "workshop_voting", pk=workshop.pk), expected, method="post", data={"open": "1"}
    )


@pytest.mark.parametrize(
    "name", ["workshop_votes_reset", "workshop_guest_link_renew", "workshop_guest_link_revoke"]
)
def test_resetting_the_vote_and_renewing_or_withdrawing_guest_links_is_for_editors(
    client_as, world, workshop, name
):
    guest = GuestFactory(workshop=workshop)
    Vote.objects.create(participant=guest, output=IdeaFactory(workshop=workshop), dots=2)
    kwargs = (
        {"pk": workshop.pk}
        if name == "workshop_votes_reset"
        else {"pk": workshop.pk, "participant": guest.pk}
    )
    expected = {**EDITORS_GET, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}
    check_matrix(client_as, url(world, name, **kwargs), expected, method="post")


def test_stakeholders_vote_only_when_added_as_participants(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    expected = {**EDITORS_GET, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}
    check_matrix(
        client_as,
        url(world, "workshop_vote", pk=workshop.pk),
        expected,
        method="post",
        data={"output": idea.pk},
    )
    # leads, members and the organisation admin became participants with one dot each
    assert Vote.objects.filter(output=idea).count() == 3
    ws.participant_add(workshop=workshop, user=world.user("stakeholder"))
    response = client_as("stakeholder").post(url(world, "workshop_vote", pk=workshop.pk), {"output": idea.pk})
    assert response.status_code == REDIRECT
    assert Vote.objects.filter(output=idea).count() == 4


@pytest.mark.parametrize(
    "name",
    ["workshop_delete", "workshop_participant_remove", "workshop_agenda_delete", "workshop_output_delete"],
)
def test_deleting_is_refused_to_stakeholders_and_other_programmes(client_as, world, workshop, name):
    guest = GuestFactory(workshop=workshop)
    idea = IdeaFactory(workshop=workshop)
    kwargs = {"pk": workshop.pk}
    if name == "workshop_participant_remove":
        kwargs["participant"] = guest.pk
    elif name == "workshop_agenda_delete":
        kwargs["item"] = workshop.agenda.first().pk
    elif name == "workshop_output_delete":
        kwargs["output"] = idea.pk
    target = url(world, name, **kwargs)
    for role, status in [("anonymous", REDIRECT), ("stakeholder", FORBIDDEN), ("other_lead", NOT_FOUND)]:
        assert client_as(role).post(target).status_code == status, role
    assert client_as("member").post(target).status_code == REDIRECT


def test_another_programmes_workshop_is_404_even_for_its_objects(client_as, world):
    foreign = WorkshopFactory(programme=world.other_programme)
    idea = IdeaFactory(workshop=foreign)
    client = client_as("lead")
    assert client.get(url(world, "workshop_detail", pk=foreign.pk)).status_code == NOT_FOUND
    own = WorkshopFactory(programme=world.programme)
    assert client.get(url(world, "workshop_output_edit", pk=own.pk, output=idea.pk)).status_code == NOT_FOUND
    assert client.post(url(world, "workshop_vote", pk=own.pk), {"output": idea.pk}).status_code == REDIRECT
    assert not Vote.objects.exists()  # the output of another workshop was refused


# --- Guest link ------------------------------------------------------------------------------------------------


def test_a_guest_votes_through_the_personal_link_without_an_account(client, world, workshop):
    guest = GuestFactory(workshop=workshop)
    idea = IdeaFactory(workshop=workshop, text="Freies WLAN am Markt")
    link = reverse("workshop_public:guest", kwargs={"token": ws.guest_token(guest)})
    response = client.get(link)
    assert response.status_code == OK
    assert "Freies WLAN am Markt" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    response = client.post(link, {"output": idea.pk, "action": "add"})
    assert response.status_code == REDIRECT
    assert Vote.objects.get(participant=guest, output=idea).dots == 1
    # a participant id in the form is ignored: the link decides who votes
    other = GuestFactory(workshop=workshop)
    client.post(link, {"output": idea.pk, "participant": other.pk})
    assert not Vote.objects.filter(participant=other).exists()
    results = client.get(reverse("workshop_public:guest_results", kwargs={"token": ws.guest_token(guest)}))
    assert results.status_code == OK and f'id="dots-{idea.pk}"' in results.content.decode()
    assert guest.name not in results.content.decode()  # guests never see who voted what
    assert [o.voters for o in results.context["results"]] == [[]]  # not even handed to the template


def test_a_tampered_guest_link_or_a_removed_guest_is_404(client, world, workshop):
    guest = GuestFactory(workshop=workshop)
    token = ws.guest_token(guest)
    assert (
        client.get(reverse("workshop_public:guest", kwargs={"token": token[:-3] + "abc"})).status_code
        == NOT_FOUND
    )
    assert client.post(reverse("workshop_public:guest", kwargs={"token": "x" * 40})).status_code == NOT_FOUND
    guest.delete()
    assert client.get(reverse("workshop_public:guest", kwargs={"token": token})).status_code == NOT_FOUND


GUEST_LINK = re.compile(r"/w/([A-Za-z0-9_-]+)/")


def guest_links_on(page: str, participant, *, working: bool = True) -> list[str]:
    """The guest link tokens on a page that were signed for this participant (and still work, unless
    ``working=False``). A token carries the second it was signed in, so one made in the test may differ from the
    page's and must not be compared as text."""
    links = [ws.guest_link_resolve(token) for token in GUEST_LINK.findall(page)]
    return [link for link in links if link.participant == participant and (link.usable or not working)]


def test_guest_links_are_listed_for_editors_but_not_for_stakeholders(client_as, world, workshop):
    guest = GuestFactory(workshop=workshop, name="Hanna Vogel")
    detail = url(world, "workshop_detail", pk=workshop.pk)
    assert guest_links_on(client_as("member").get(detail).content.decode(), guest)
    page = client_as("stakeholder").get(detail).content.decode()
    assert not guest_links_on(page, guest, working=False) and "Hanna Vogel" in page


def test_a_guest_cannot_place_more_dots_than_allowed_and_sees_why(client, world, workshop):
    guest = GuestFactory(workshop=workshop)
    idea = IdeaFactory(workshop=workshop)
    link = reverse("workshop_public:guest", kwargs={"token": ws.guest_token(guest)})
    for _ in range(5):
        response = client.post(link, {"output": idea.pk}, HTTP_HX_REQUEST="true")
    assert Vote.objects.get(participant=guest).dots == 3
    body = response.content.decode()
    assert 'role="alert"' in body and 'hx-swap-oob="true"' in body


def guest_url(participant, name="guest"):
    return reverse(f"workshop_public:{name}", kwargs={"token": ws.guest_token(participant)})


def test_an_expired_guest_link_says_so_politely_and_places_no_dot(client, world, settings):
    settings.WORKSHOP_GUEST_LINK_DAYS = 7
    past = timezone.now() - timedelta(days=8)
    workshop = WorkshopFactory(programme=world.programme, starts_at=past, ends_at=past + timedelta(hours=2))
    guest = GuestFactory(workshop=workshop)
    idea = IdeaFactory(workshop=workshop)
    link = guest_url(guest)
    response = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == GONE
    body = response.content.decode()
    assert 'id="link-invalid" data-state="expired"' in body and workshop.title in body
    assert f'data-vote="{idea.pk}"' not in body and response["Cache-Control"] == "no-store"
    assert client.post(link, {"output": idea.pk}).status_code == GONE
    htmx = client.post(link, {"output": idea.pk}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == GONE and htmx["HX-Refresh"] == "true"  # the open page reloads and shows why
    assert client.get(guest_url(guest, "guest_results")).status_code == GONE
    assert not Vote.objects.exists()
    settings.WORKSHOP_GUEST_LINK_DAYS = 10
    assert client.get(link).status_code == OK


def test_a_withdrawn_or_replaced_guest_link_is_gone_and_the_new_one_works(client_as, client, world, workshop):
    guest = GuestFactory(workshop=workshop, name="Hanna Vogel")
    idea = IdeaFactory(workshop=workshop)
    old_link = guest_url(guest)
    lead = client_as("lead")
    response = lead.post(url(world, "workshop_guest_link_revoke", pk=workshop.pk, participant=guest.pk))
    assert response.status_code == REDIRECT
    assert response["Location"].endswith("#guest-links")
    page = lead.get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    assert not guest_links_on(page, guest, working=False) and 'data-guest-link-state="revoked"' in page
    lead.logout()
    response = client.post(old_link, {"output": idea.pk})
    assert response.status_code == GONE and 'data-state="revoked"' in response.content.decode()
    assert not Vote.objects.exists()

    client_as("member").post(url(world, "workshop_guest_link_renew", pk=workshop.pk, participant=guest.pk))
    guest.refresh_from_db()
    new_link = guest_url(guest)
    assert new_link != old_link
    page = client_as("member").get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    assert guest_links_on(page, guest)
    client.logout()
    assert client.get(old_link).status_code == GONE
    assert client.post(new_link, {"output": idea.pk}).status_code == REDIRECT
    assert Vote.objects.get(participant=guest).dots == 1


def test_only_a_guests_link_is_renewed_and_only_in_the_own_programme(client_as, world, workshop):
    member_row = ws.participant_add(workshop=workshop, user=world.user("member"))
    lead = client_as("lead")
    assert (
        lead.post(
            url(world, "workshop_guest_link_renew", pk=workshop.pk, participant=member_row.pk)
        ).status_code
        == NOT_FOUND
    )
    foreign = GuestFactory(workshop=WorkshopFactory(programme=world.other_programme))
    assert (
        lead.post(
            url(world, "workshop_guest_link_revoke", pk=workshop.pk, participant=foreign.pk)
        ).status_code
        == NOT_FOUND
    )
    foreign.refresh_from_db()
    assert foreign.link_revoked_at is None


def test_the_run_page_shows_until_when_guest_links_work_and_hides_expired_links(client_as, world, settings):
    settings.WORKSHOP_GUEST_LINK_DAYS = 7
    past = timezone.now() - timedelta(days=8)
    workshop = WorkshopFactory(programme=world.programme, starts_at=past, ends_at=past + timedelta(hours=2))
    guest = GuestFactory(workshop=workshop)
    page = client_as("member").get(url(world, "workshop_detail", pk=workshop.pk))
    body = page.content.decode()
    assert not guest_links_on(body, guest, working=False) and 'data-guest-link-state="expired"' in body
    assert page.context["guest_links_expire_at"] == workshop.ends_at + timedelta(days=7)


# --- Pages and forms --------------------------------------------------------------------------------------------


def test_creating_from_a_template_fills_the_agenda(client_as, world):
    response = client_as("member").post(
        url(world, "workshop_create"),
        {"template": "k_journey_walk", "starts_at": "2027-03-04T17:00", "dots_per_participant": "3"},
    )
    assert response.status_code == REDIRECT
    workshop = Workshop.objects.get()
    assert workshop.phase == "konzeption" and workshop.agenda.count() == 5
    assert response["Location"] == url(world, "workshop_detail", pk=workshop.pk)


def test_a_bad_form_keeps_the_input_and_names_the_field(client_as, world):
    response = client_as("member").post(
        url(world, "workshop_create"),
        {"title": "Ideenwerkstatt", "starts_at": "kein Datum", "dots_per_participant": "99"},
    )
    assert response.status_code == OK
    form = response.context["form"]
    assert {"starts_at", "dots_per_participant"} <= set(form.errors)
    assert "Ideenwerkstatt" in response.content.decode()


def test_capturing_an_idea_with_htmx_returns_the_page_for_the_outputs_section(client_as, world, workshop):
    client = client_as("member")
    response = client.post(
        url(world, "workshop_output_add", pk=workshop.pk),
        {"kind": "idea", "text": "Sitzbänke mit QR-Code"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    assert response.status_code == OK
    assert 'id="outputs"' in response.content.decode()
    output = WorkshopOutput.objects.get()
    assert output.votable and output.text == "Sitzbänke mit QR-Code"


def test_a_participant_is_added_as_guest_or_member(client_as, world, workshop):
    client = client_as("lead")
    client.post(url(world, "workshop_participant_add", pk=workshop.pk), {"name": "Gisela Brandt"})
    client.post(url(world, "workshop_participant_add", pk=workshop.pk), {"user": world.user("member").pk})
    names = set(workshop.participants.values_list("name", flat=True))
    assert "Gisela Brandt" in names and len(names) == 2
    response = client.post(
        url(world, "workshop_participant_add", pk=workshop.pk), {"user": world.user("other_lead").pk}
    )
    assert response.status_code == OK and "user" in response.context["participant_form"].errors


def test_agenda_items_move_and_are_edited(client_as, world, workshop):
    client = client_as("member")
    first, second = workshop.agenda.all()
    client.post(url(world, "workshop_agenda_move", pk=workshop.pk, item=second.pk), {"direction": "up"})
    assert list(workshop.agenda.values_list("title", flat=True)) == ["Journey-Walk", "Begrüßung"]
    response = client.post(
        url(world, "workshop_agenda_edit", pk=workshop.pk, item=first.pk),
        {"title": "Ankommen", "minutes": "5"},
    )
    assert response.status_code == REDIRECT
    first.refresh_from_db()
    assert (first.title, first.minutes) == ("Ankommen", 5)


def test_one_click_turns_an_idea_into_a_measure_and_the_page_links_to_it(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop, text="Barrierefreier Stadtplan")
    client = client_as("member")
    response = client.post(
        url(world, "workshop_output_convert", pk=workshop.pk, output=idea.pk, kind="measure")
    )
    assert response.status_code == REDIRECT
    measure = Measure.objects.get(programme=world.programme)
    target = url(world, "workshop_output_target", pk=workshop.pk, output=idea.pk)
    assert target in client.get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    follow = client.get(target)
    assert follow.status_code == REDIRECT
    assert follow["Location"] == reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": measure.pk}
    )
    again = client.post(url(world, "workshop_output_convert", pk=workshop.pk, output=idea.pk, kind="measure"))
    assert again.status_code == OK and Measure.objects.count() == 1  # refused, with the reason on the form
    assert check_target_matrix(client_as, target)


def check_target_matrix(client_as, target):
    expected = {
        **VIEWERS,
        "stakeholder": REDIRECT,
        "member": REDIRECT,
        "lead": REDIRECT,
        "org_admin": REDIRECT,
    }
    check_matrix(client_as, target, expected)
    return True


def test_the_milestone_form_asks_for_a_measure_and_shows_errors(client_as, world, workshop):
    action = ws.output_add(workshop=workshop, kind="action", text="Daten anfragen")
    convert = url(world, "workshop_output_convert", pk=workshop.pk, output=action.pk, kind="milestone")
    page = client_as("member").get(convert)
    assert page.status_code == OK and 'name="measure"' in page.content.decode()
    response = client_as("member").post(convert, {"start": "2027-01-01", "due": "2026-01-01"})
    assert response.status_code == OK and "measure" in response.context["form"].errors
    assert (
        client_as("member")
        .get(url(world, "workshop_output_convert", pk=workshop.pk, output=action.pk, kind="x"))
        .status_code
        == NOT_FOUND
    )


def test_the_results_partial_polls_every_two_seconds_while_voting_is_open(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    guest = GuestFactory(workshop=workshop)
    ws.vote_cast(participant=guest, output=idea, dots=2)
    response = client_as("stakeholder").get(url(world, "workshop_results", pk=workshop.pk))
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and f'id="dots-{idea.pk}" data-dots="2"' in body
    assert "<html" not in body  # a fragment, not a page
    assert guest.name in body
    ws.workshop_set_voting(workshop=workshop, open=False)
    assert (
        "every 2s"
        not in client_as("stakeholder").get(url(world, "workshop_results", pk=workshop.pk)).content.decode()
    )


def test_anonymous_voting_shows_no_names_in_results_or_minutes(client_as, world, workshop):
    workshop.anonymous_voting = True
    workshop.save()
    idea = IdeaFactory(workshop=workshop)
    guest = GuestFactory(workshop=workshop, name="Zoe Zufall")
    ws.vote_cast(participant=guest, output=idea)
    client = client_as("member")
    assert "Zoe Zufall (1)" not in client.get(url(world, "workshop_results", pk=workshop.pk)).content.decode()
    assert "Zoe Zufall (1)" not in client.get(url(world, "workshop_minutes", pk=workshop.pk)).content.decode()


def edit_data(workshop, **changes):
    data = {
        "title": workshop.title,
        "phase": workshop.phase,
        "starts_at": timezone.localtime(workshop.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": timezone.localtime(workshop.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "place": workshop.place,
        "dots_per_participant": str(workshop.dots_per_participant),
    }
    if workshop.anonymous_voting:
        data["anonymous_voting"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_edit_form_refuses_fewer_dots_than_a_participant_placed_and_names_the_number(
    client_as, world, workshop
):
    workshop.dots_per_participant = 5
    workshop.save()
    idea = IdeaFactory(workshop=workshop)
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=idea, dots=4)
    client = client_as("member")
    edit = url(world, "workshop_edit", pk=workshop.pk)
    assert "4" in client.get(edit).context["form"].fields["dots_per_participant"].help_text
    response = client.post(edit, edit_data(workshop, dots_per_participant="3"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == OK
    assert response.context["form"].errors["dots_per_participant"] == [
        "A participant has already placed 4 dots, so each participant needs at least 4. "
        "Reset the vote first to give fewer dots."
    ]
    workshop.refresh_from_db()
    assert workshop.dots_per_participant == 5
    client.post(url(world, "workshop_votes_reset", pk=workshop.pk))
    assert not Vote.objects.exists()
    assert client.post(edit, edit_data(workshop, dots_per_participant="3")).status_code == REDIRECT
    workshop.refresh_from_db()
    assert workshop.dots_per_participant == 3


def test_the_edit_form_keeps_an_anonymous_vote_with_dots_anonymous(client_as, world, workshop):
    workshop.anonymous_voting = True
    workshop.save()
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=IdeaFactory(workshop=workshop))
    client = client_as("lead")
    edit = url(world, "workshop_edit", pk=workshop.pk)
    form = client.get(edit, HTTP_ACCEPT_LANGUAGE="en").context["form"]
    assert form.fields["anonymous_voting"].disabled
    assert "stays anonymous" in str(form.fields["anonymous_voting"].help_text)
    # an unticked box (or a forged post) does not switch anonymity off
    response = client.post(edit, edit_data(workshop, anonymous_voting=None, title="Neuer Titel"))
    assert response.status_code == REDIRECT
    workshop.refresh_from_db()
    assert workshop.anonymous_voting and workshop.title == "Neuer Titel"


def test_switching_anonymity_on_after_votes_works_on_the_edit_form(client_as, world, workshop):
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=IdeaFactory(workshop=workshop))
    client = client_as("lead")
    edit = url(world, "workshop_edit", pk=workshop.pk)
    assert not client.get(edit).context["form"].fields["anonymous_voting"].disabled
    assert client.post(edit, edit_data(workshop, anonymous_voting="on")).status_code == REDIRECT
    workshop.refresh_from_db()
    assert workshop.anonymous_voting


def test_an_anonymous_vote_shows_totals_but_nobodys_dots_used(client_as, client, world, workshop):
    workshop.anonymous_voting = True
    workshop.save()
    idea = IdeaFactory(workshop=workshop)
    hanna = GuestFactory(workshop=workshop, name="Hanna Vogel")
    GuestFactory(workshop=workshop, name="Murat Yılmaz")
    ws.vote_cast(participant=hanna, output=idea, dots=2)
    for role in ("lead", "stakeholder"):
        response = client_as(role).get(
            url(world, "workshop_detail", pk=workshop.pk), HTTP_ACCEPT_LANGUAGE="en"
        )
        body = response.content.decode()
        assert "Hanna Vogel" in body  # she takes part …
        assert "participant-dots" not in body and "dots placed" not in body.replace("2 of 6 dots placed", "")
        assert f'id="dots-{idea.pk}" data-dots="2"' in body
        assert "1 of 2 participants have voted." in body
    partial = client_as("lead").get(url(world, "workshop_results", pk=workshop.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "Hanna" not in partial.content.decode()
        and "1 of 2 participants have voted." in partial.content.decode()
    )
    # the guest still sees their own dots and how many are left
    client.logout()
    page = client.get(guest_url(hanna), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="my-dots-{idea.pk}" title="your dots">2<' in page and "You have 1 of 3 dots left." in page


def test_a_named_vote_still_shows_each_participants_dots_to_the_workshop(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    ws.vote_cast(participant=GuestFactory(workshop=workshop, name="Hanna Vogel"), output=idea, dots=2)
    body = client_as("stakeholder").get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    assert "participant-dots" in body and "Hanna Vogel (2)" in body


def test_resetting_the_vote_gives_everyone_their_dots_back(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    guest = GuestFactory(workshop=workshop)
    ws.vote_cast(participant=guest, output=idea, dots=3)
    client = client_as("lead")
    assert 'id="reset-votes"' in client.get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    response = client.post(url(world, "workshop_votes_reset", pk=workshop.pk), follow=True)
    assert not Vote.objects.exists()
    assert 'id="reset-votes"' not in response.content.decode()  # nothing left to reset
    ws.vote_cast(participant=guest, output=idea, dots=3)


def test_a_member_votes_with_htmx_and_gets_the_panel_and_fresh_results(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop)
    response = client_as("member").post(
        url(world, "workshop_vote", pk=workshop.pk),
        {"output": idea.pk, "action": "add"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == OK and 'id="voting"' in body and 'data-dots="1"' in body
    assert "2 of 3" in body or "2 von 3" in body
    response = client_as("member").post(
        url(world, "workshop_vote", pk=workshop.pk),
        {"output": idea.pk, "action": "remove"},
        HTTP_HX_REQUEST="true",
    )
    assert not Vote.objects.exists()


def test_the_minutes_show_agenda_participants_results_and_conversions_but_no_guest_emails(
    client_as, world, workshop
):
    guest = GuestFactory(workshop=workshop, name="Hanna Vogel", email="hanna@cafe.example")
    idea = IdeaFactory(workshop=workshop, text="Digitaler Stadtplan")
    ws.vote_cast(participant=guest, output=idea, dots=2)
    ws.output_add(workshop=workshop, kind="decision", text="Stadtplan kommt")
    ws.output_add(workshop=workshop, kind="action", text="Daten anfragen", owner="Jonas")
    ws.output_convert(output=idea, kind="measure", user=world.user("member"))
    body = client_as("stakeholder").get(url(world, "workshop_minutes", pk=workshop.pk)).content.decode()
    for text in (
        "Begrüßung",
        "Journey-Walk",
        "Hanna Vogel",
        "Digitaler Stadtplan",
        "Stadtplan kommt",
        "Jonas",
    ):
        assert text in body
    assert "hanna@cafe.example" not in body
    assert url(world, "workshop_output_target", pk=workshop.pk, output=idea.pk) in body


def test_the_minutes_pdf_is_a_pdf_when_weasyprint_works(client_as, world, workshop):
    response = client_as("stakeholder").get(url(world, "workshop_minutes_pdf", pk=workshop.pk))
    if ws.pdf_available():
        assert response.status_code == OK and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    else:
        assert response.status_code == NOT_FOUND
    assert (
        client_as("other_lead").get(url(world, "workshop_minutes_pdf", pk=workshop.pk)).status_code
        == NOT_FOUND
    )


def test_the_ics_download_is_text_calendar_and_parses(client_as, world, workshop):
    response = client_as("stakeholder").get(url(world, "workshop_ics", pk=workshop.pk))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == workshop.title
    assert "Journey-Walk" in str(event["DESCRIPTION"])


def test_the_list_splits_upcoming_and_past(client_as, world):
    now = timezone.now()
    WorkshopFactory(programme=world.programme, title="Vergangen", starts_at=now - timedelta(days=10))
    WorkshopFactory(programme=world.programme, title="Kommend", starts_at=now + timedelta(days=10))
    response = client_as("stakeholder").get(url(world, "workshop_list"))
    assert [w.title for w in response.context["upcoming"]] == ["Kommend"]
    assert [w.title for w in response.context["past"]] == ["Vergangen"]
    assert 'id="new-workshop"' not in response.content.decode()


def test_the_programme_page_and_navigation_link_to_the_workshops(client_as, world):
    body = client_as("stakeholder").get(world.programme.get_absolute_url()).content.decode()
    assert url(world, "workshop_list") in body


# --- Measures put to the vote ----------------------------------------------------------------------------------


def test_a_lead_puts_measures_to_the_vote_and_a_guest_places_dots_on_them(client_as, client, world, workshop):
    stelen = concept_services.measure_create(programme=world.programme, title="Digitale Stelen")
    parken = concept_services.measure_create(programme=world.programme, title="Parkleitsystem")
    lead = client_as("lead")
    detail = url(world, "workshop_detail", pk=workshop.pk)
    page = lead.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="subjects-form"' in page and "Digitale Stelen (idea)" in page  # with the measure's status
    response = lead.post(
        url(world, "workshop_subjects_add", pk=workshop.pk), {"measure": [stelen.pk, parken.pk]}
    )
    assert response.status_code == REDIRECT and response["Location"].endswith("#subjects")
    options = {o.subject_id: o for o in WorkshopOutput.objects.filter(kind="subject")}
    assert set(options) == {stelen.pk, parken.pk}
    measure_page = reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": parken.pk}
    )
    page = lead.get(detail).content.decode()
    assert f'data-vote="{options[parken.pk].pk}"' in page
    assert f'href="{measure_page}"' in page  # the list and the results link to the measure
    assert 'id="subjects-form"' not in page  # both are on the vote: nothing left to offer

    guest = GuestFactory(workshop=workshop)
    client.logout()
    client.post(guest_url(guest), {"output": options[parken.pk].pk})
    client.post(guest_url(guest), {"output": options[parken.pk].pk})
    assert Vote.objects.get(participant=guest).dots == 2
    results = client_as("stakeholder").get(url(world, "workshop_results", pk=workshop.pk)).content.decode()
    assert (
        f'id="dots-{options[parken.pk].pk}" data-dots="2"' in results and f'href="{measure_page}"' in results
    )
    client.logout()
    guest_page = client.get(guest_url(guest)).content.decode()
    assert "Parkleitsystem" in guest_page and measure_page not in guest_page  # guests get no programme links
    minutes = client_as("stakeholder").get(url(world, "workshop_minutes", pk=workshop.pk)).content.decode()
    assert "Parkleitsystem" in minutes and measure_page in minutes


def test_another_programmes_measure_cannot_be_put_to_the_vote(client_as, world, workshop):
    concept_services.measure_create(programme=world.programme, title="Eigene Maßnahme")
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremde Maßnahme")
    lead = client_as("lead")
    page = lead.get(url(world, "workshop_detail", pk=workshop.pk)).content.decode()
    assert "Fremde Maßnahme" not in page
    response = lead.post(url(world, "workshop_subjects_add", pk=workshop.pk), {"measure": [foreign.pk]})
    assert response.status_code == OK and "measure" in response.context["subjects_form"].errors
    response = lead.post(url(world, "workshop_subjects_add", pk=workshop.pk), {"measure": ["x"]})
    assert response.status_code == OK and "measure" in response.context["subjects_form"].errors
    assert not WorkshopOutput.objects.exists()
    # and the other programme's lead cannot reach this workshop at all
    other = client_as("other_lead").post(
        url(world, "workshop_subjects_add", pk=workshop.pk), {"measure": [foreign.pk]}
    )
    assert other.status_code == NOT_FOUND


def test_a_measure_is_taken_off_the_vote_with_its_dots(client_as, world, workshop):
    measure = concept_services.measure_create(programme=world.programme, title="Digitale Stelen")
    option = ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measure.pk)
    ws.vote_cast(participant=GuestFactory(workshop=workshop), output=option, dots=2)
    member = client_as("member")
    assert (
        member.get(url(world, "workshop_output_edit", pk=workshop.pk, output=option.pk)).status_code
        == NOT_FOUND
    )
    convert = url(world, "workshop_output_convert", pk=workshop.pk, output=option.pk, kind="finding")
    assert member.get(convert).status_code == NOT_FOUND
    assert member.post(convert).status_code == NOT_FOUND and not Finding.objects.exists()
    assert (
        client_as("stakeholder")
        .post(url(world, "workshop_output_delete", pk=workshop.pk, output=option.pk))
        .status_code
        == FORBIDDEN
    )
    response = client_as("member").post(
        url(world, "workshop_output_delete", pk=workshop.pk, output=option.pk)
    )
    assert response.status_code == REDIRECT and response["Location"].endswith("#subjects")
    assert not WorkshopOutput.objects.exists() and not Vote.objects.exists()
    assert Measure.objects.filter(pk=measure.pk).exists()  # the measure itself stays


def test_a_measure_deleted_after_it_was_put_to_the_vote_says_so_and_takes_no_dots(client_as, world, workshop):
    measure = concept_services.measure_create(programme=world.programme, title="Digitale Stelen")
    option = ws.subject_put_to_vote(workshop=workshop, kind="measure", object_id=measure.pk)
    measure_page = reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": measure.pk}
    )
    concept_services.measure_delete(measure=measure)
    member = client_as("member")
    page = member.get(
        url(world, "workshop_detail", pk=workshop.pk), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Digitale Stelen" in page and "deleted in the programme" in page
    assert measure_page not in page  # no dead link
    assert f'data-vote="{option.pk}" disabled' in page
    member.post(url(world, "workshop_vote", pk=workshop.pk), {"output": option.pk})
    assert not Vote.objects.exists()


# --- A conversion whose target was deleted ---------------------------------------------------------------------


def test_an_idea_whose_measure_was_deleted_shows_no_dead_link_and_converts_again(client_as, world, workshop):
    idea = IdeaFactory(workshop=workshop, text="Barrierefreier Stadtplan")
    member = client_as("member")
    convert = url(world, "workshop_output_convert", pk=workshop.pk, output=idea.pk, kind="measure")
    member.post(convert)
    first = Measure.objects.get()
    target = url(world, "workshop_output_target", pk=workshop.pk, output=idea.pk)
    concept_services.measure_delete(measure=first)

    detail = url(world, "workshop_detail", pk=workshop.pk)
    page = member.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert target not in page and "What it became (measure) has been deleted." in page
    assert 'data-convert="measure"' in page  # the buttons are back
    minutes = member.get(url(world, "workshop_minutes", pk=workshop.pk)).content.decode()
    assert target not in minutes
    # an old bookmark of the link leads back to the workshop with an explanation, not to a 404
    response = member.get(target, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.redirect_chain[-1][0] == f"{detail}#output-{idea.pk}"
    assert "has been deleted" in response.content.decode()
    assert member.get(convert).status_code == OK  # the form (e.g. a title) is offered again

    response = member.post(convert)
    assert response.status_code == REDIRECT
    second = Measure.objects.get()
    assert second.pk != first.pk
    follow = member.get(target)
    assert follow["Location"] == reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": second.pk}
    )
    assert target in member.get(detail).content.decode()


def test_a_deleted_finding_frees_the_output_for_a_milestone_or_anything_else(client_as, world, workshop):
    action = ws.output_add(workshop=workshop, kind="action", text="Daten anfragen")
    finding = ws.output_convert(output=action, kind="finding", user=world.user("member"))
    Finding.objects.filter(pk=finding.pk).delete()
    response = client_as("lead").post(
        url(world, "workshop_output_convert", pk=workshop.pk, output=action.pk, kind="measure")
    )
    assert response.status_code == REDIRECT
    action.refresh_from_db()
    assert action.converted_kind == "measure" and Measure.objects.filter(pk=action.converted_id).exists()


# --- Calendar --------------------------------------------------------------------------------------------------


def test_a_guest_downloads_the_calendar_entry_from_the_personal_link(client, client_as, world, workshop):
    member_row = ws.participant_add(workshop=workshop, user=world.user("member"))
    guest = GuestFactory(workshop=workshop, email="gast@example.org")
    page = client.get(guest_url(guest)).content.decode()
    ics_url = guest_url(guest, "guest_ics")
    assert f'href="{ics_url}"' in page
    response = client.get(ics_url)
    assert response.status_code == OK and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "PUBLISH" and "ATTENDEE" not in event
    body = response.content.decode()
    assert member_row.email not in body and "gast@example.org" not in body  # nobody else's address
    assert str(event["URL"]).endswith(guest_url(guest))  # back to the guest's own page
    assert "Journey-Walk" in str(event["DESCRIPTION"])
    member_event = Calendar.from_ical(
        client_as("member").get(url(world, "workshop_ics", pk=workshop.pk)).content
    )
    assert str(member_event.walk("VEVENT")[0]["UID"]) == str(event["UID"])  # one appointment for everybody


def test_the_guest_calendar_entry_is_only_there_while_the_link_works(client, world, settings):
    settings.WORKSHOP_GUEST_LINK_DAYS = 7
    workshop = WorkshopFactory(programme=world.programme)
    guest = GuestFactory(workshop=workshop)
    ics_url = guest_url(guest, "guest_ics")
    assert client.get(ics_url).status_code == OK
    ws.guest_link_revoke(participant=guest)
    response = client.get(ics_url)
    assert response.status_code == GONE and b"BEGIN:VCALENDAR" not in response.content
    ws.guest_link_renew(participant=guest)
    assert client.get(ics_url).status_code == GONE  # the old link stays dead
    assert client.get(guest_url(guest, "guest_ics")).status_code == OK
    past = timezone.now() - timedelta(days=8)
    Workshop.objects.filter(pk=workshop.pk).update(starts_at=past, ends_at=past + timedelta(hours=2))
    assert client.get(guest_url(guest, "guest_ics")).status_code == GONE
    token = ws.guest_token(guest)
    forged = reverse("workshop_public:guest_ics", kwargs={"token": token[:-3] + "abc"})
    assert client.get(forged).status_code == NOT_FOUND


def test_the_invitation_names_attendees_only_for_those_who_run_the_workshop(client_as, world, workshop):
    member_row = ws.participant_add(workshop=workshop, user=world.user("member"))
    GuestFactory(workshop=workshop, email="gast@example.org")
    ics = url(world, "workshop_ics", pk=workshop.pk)
    invitation = Calendar.from_ical(client_as("lead").get(ics).content)
    assert str(invitation["METHOD"]) == "REQUEST"
    attendees = invitation.walk("VEVENT")[0]["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == [f"mailto:{member_row.email}"]
    entry = client_as("stakeholder").get(ics)
    assert str(Calendar.from_ical(entry.content)["METHOD"]) == "PUBLISH"
    assert member_row.email not in entry.content.decode()


def test_moving_the_workshop_on_the_edit_form_raises_the_calendar_sequence(client_as, world, workshop):
    lead = client_as("lead")
    ics = url(world, "workshop_ics", pk=workshop.pk)
    assert Calendar.from_ical(lead.get(ics).content).walk("VEVENT")[0]["SEQUENCE"] == 0
    moved = timezone.localtime(workshop.starts_at) + timedelta(days=1)
    data = edit_data(
        workshop,
        starts_at=moved.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(moved + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert lead.post(url(world, "workshop_edit", pk=workshop.pk), data).status_code == REDIRECT
    assert (
        lead.post(
            url(world, "workshop_edit", pk=workshop.pk), edit_data(Workshop.objects.get(), title="Neu")
        ).status_code
        == REDIRECT
    )
    event = Calendar.from_ical(lead.get(ics).content).walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1 and event["DTSTART"].dt.date() == moved.date()


# --- Query counts --------------------------------------------------------------------------------------------------


def fill(workshop, n):
    guests = [GuestFactory(workshop=workshop) for _ in range(n)]
    ideas = [IdeaFactory(workshop=workshop) for _ in range(n)]
    for guest, idea in zip(guests, ideas, strict=True):
        Vote.objects.create(participant=guest, output=idea, dots=1)
    for _ in range(n):
        AgendaItemFactory(workshop=workshop)
    ws.output_convert(output=ideas[0], kind="measure", user=None)
    measures = [
        concept_services.measure_create(programme=workshop.programme, title=f"M {i}") for i in range(n)
    ]
    options = ws.subjects_put_to_vote(workshop=workshop, kind="measure", ids=[m.pk for m in measures])
    for guest, option in zip(guests, options, strict=True):
        Vote.objects.create(participant=guest, output=option, dots=1)
    measures[0].delete()  # one option whose measure is gone
    return guests, ideas


@pytest.mark.parametrize("n", [1, 50])
@pytest.mark.parametrize(
    ("name", "role", "limit"),
    [
        ("workshop_detail", "member", 13),
        ("workshop_detail", "stakeholder", 10),
        ("workshop_results", "stakeholder", 8),
        ("workshop_minutes", "stakeholder", 9),
        ("workshop_ics", "stakeholder", 7),
    ],
)
def test_pages_need_a_fixed_number_of_queries(
    client_as, world, django_assert_max_num_queries, n, name, role, limit
):
    workshop = WorkshopFactory(programme=world.programme, voting_open=True)
    fill(workshop, n)
    client = client_as(role)
    with django_assert_max_num_queries(limit):
        response = client.get(url(world, name, pk=workshop.pk))
    assert response.status_code == OK


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_and_the_guest_page_need_a_fixed_number_of_queries(
    client_as, client, world, django_assert_max_num_queries, n
):
    workshops = [WorkshopFactory(programme=world.programme) for _ in range(n)]
    guests, _ideas = fill(workshops[0], n)
    member = client_as("member")
    with django_assert_max_num_queries(5):
        assert member.get(url(world, "workshop_list")).status_code == OK
    member.logout()
    link = reverse("workshop_public:guest", kwargs={"token": ws.guest_token(guests[0])})
    with django_assert_max_num_queries(6):  # no votes per person are read for a guest
        assert client.get(link).status_code == OK
    with django_assert_max_num_queries(2):
        assert client.get(guest_url(guests[0], "guest_ics")).status_code == OK


def test_a_guest_sees_that_the_vote_is_closed_and_cannot_vote(client, world, workshop):
    guest = GuestFactory(workshop=workshop)
    idea = IdeaFactory(workshop=workshop)
    ws.workshop_set_voting(workshop=workshop, open=False)
    link = reverse("workshop_public:guest", kwargs={"token": ws.guest_token(guest)})
    body = client.get(link).content.decode()
    assert 'id="voting-state"' in body and f'data-vote="{idea.pk}"' not in body
    assert "every 2s" not in body  # no polling while nothing can change
    client.post(link, {"output": idea.pk})
    assert not Vote.objects.exists()
