"""The browser: what a lead, a member and an invited person see and do, through the Django test client."""

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from programmes import services
from programmes.models import Invitation, Membership, Organisation, Phase, PhaseTransition, Programme, Role
from tests.programmes.factories import MembershipFactory, StakeholderFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name: str, programme, **kwargs) -> str:
    return reverse(f"programmes:{name}", kwargs={**programme.url_kwargs, **kwargs})


def message_levels(response) -> list[str]:
    return [message.level_tag for message in get_messages(response.wsgi_request)]


def programme_form_data(organisation, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "title": "Lebendige Altstadt",
        "slug": "",
        "summary": "Mehr Besuch in der Altstadt.",
        "target_groups": ["buerger"],
        "target_groups_extra": "Studierende",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "budget": "120000.00",
        "status": "active",
    }
    data.update(overrides)
    return data


# --- Organisation and programme ----------------------------------------------------------------------


def test_a_new_user_creates_an_organisation_then_a_programme_and_lands_on_it(client):
    founder = UserFactory()
    client.force_login(founder)

    # Without an organisation, "new programme" leads to creating the organisation first.
    response = client.get(reverse("programmes:programme_create"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("programmes:organisation_create")

    response = client.post(
        reverse("programmes:organisation_create"),
        {"name": "Beispielstadt", "slug": "", "kind": "city", "region": "Hessen", "size_class": ""},
    )
    organisation = Organisation.objects.get(slug="beispielstadt")
    assert list(organisation.admins.all()) == [founder]
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("programmes:programme_create") + "?organisation=beispielstadt"

    response = client.post(
        reverse("programmes:programme_create"), programme_form_data(organisation), follow=True
    )

    programme = Programme.objects.get(organisation=organisation)
    assert response.redirect_chain[-1][0] == programme.get_absolute_url()
    assert response.status_code == HTTPStatus.OK
    assert response.context["programme"] == programme
    assert "Lebendige Altstadt" in response.content.decode()
    assert programme.slug == "lebendige-altstadt"
    assert programme.target_groups == ["buerger", "Studierende"]
    assert (programme.phase, programme.cycle) == (Phase.EVALUATION, 1)
    assert programme.memberships.get().user == founder
    assert programme.memberships.get().role == Role.LEAD


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "digitale-innenstadt"}, "slug"),
        ({"title": "Digitale Innenstadt"}, "slug"),  # the slug follows the title and clashes too
        ({"start_date": "2026-06-01", "end_date": "2026-05-31"}, "end_date"),
        ({"budget": "-5"}, "budget"),
        ({"title": ""}, "title"),
    ],
)
def test_programme_form_shows_field_errors_and_saves_nothing(client_as, world, overrides, field):
    client = client_as("org_admin")
    before = Programme.objects.count()

    response = client.post(
        reverse("programmes:programme_create"), programme_form_data(world.organisation, **overrides)
    )

    assert response.status_code in (HTTPStatus.OK, HTTPStatus.BAD_REQUEST)
    assert field in response.context["form"].errors
    assert Programme.objects.count() == before


def test_a_lead_edits_the_programme(client_as, world):
    client = client_as("lead")
    data = programme_form_data(world.organisation, title="Neue Mitte", slug=world.programme.slug)
    data.pop("organisation")

    response = client.post(url("edit", world.programme), data)

    world.programme.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.programme.get_absolute_url()
    assert world.programme.title == "Neue Mitte"


def test_editing_cannot_take_the_short_name_of_a_sibling_programme(client_as, world):
    sibling = Programme.objects.create(organisation=world.organisation, title="Zweites", slug="zweites")
    data = programme_form_data(world.organisation, slug=sibling.slug)
    data.pop("organisation")

    response = client_as("lead").post(url("edit", world.programme), data)

    assert response.status_code == HTTPStatus.OK
    assert "slug" in response.context["form"].errors
    world.programme.refresh_from_db()
    assert world.programme.slug == "digitale-innenstadt"


def test_an_org_admin_edits_the_organisation(client_as, world):
    response = client_as("org_admin").post(
        reverse("programmes:organisation_edit", kwargs={"org": "musterstadt"}),
        {"name": "Musterstadt an der Ruhr", "slug": "musterstadt", "kind": "city"},
    )

    assert response.status_code == HTTPStatus.FOUND
    world.organisation.refresh_from_db()
    assert world.organisation.name == "Musterstadt an der Ruhr"


def test_portfolio_lists_only_the_users_programmes(client_as, world):
    response = client_as("member").get(reverse("programmes:portfolio"))

    content = response.content.decode()
    assert "Digitale Innenstadt" in content
    assert "Anderes Programm" not in content


def test_home_sends_signed_in_users_to_their_portfolio(client_as, world):
    assert client_as("anonymous").get("/").status_code == HTTPStatus.OK
    response = client_as("member").get("/")
    assert response["Location"] == reverse("programmes:portfolio")


# --- Members and invitations -------------------------------------------------------------------------


def test_a_lead_invites_someone_from_the_members_page(client_as, world, django_capture_on_commit_callbacks):
    client = client_as("lead")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("members", world.programme), {"email": "neu@example.org", "role": "member"}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("members", world.programme)
    invitation = Invitation.objects.get(programme=world.programme)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "neu@example.org",
        Role.MEMBER,
        world.user("lead"),
    )
    assert [m.to for m in mail.outbox] == [["neu@example.org"]]
    # The pending invitation is listed for the lead.
    page = client.get(url("members", world.programme)).content.decode()
    assert "neu@example.org" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "kein-mail", "role": "member"}, "email"),
        ({"email": "", "role": "member"}, "email"),
        ({"email": "x@example.org", "role": "buergermeister"}, "role"),
    ],
)
def test_invitation_form_shows_field_errors(client_as, world, data, field):
    response = client_as("lead").post(url("members", world.programme), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.context["invite_form"].errors
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_inviting_an_existing_member_is_a_field_error(client_as, world):
    member_email = world.user("member").email

    response = client_as("lead").post(
        url("members", world.programme), {"email": member_email.upper(), "role": "lead"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "email" in response.context["invite_form"].errors
    assert not Invitation.objects.exists()


def make_invitation(client_as, world, django_capture_on_commit_callbacks, email="gast@example.org"):
    with django_capture_on_commit_callbacks(execute=True):
        client_as("lead").post(url("members", world.programme), {"email": email, "role": "member"})
    body = mail.outbox[-1].body
    path = body[body.index("/invitations/") :].split()[0]
    return path


def test_invitation_link_flow(client_as, world, django_capture_on_commit_callbacks):
    path = make_invitation(client_as, world, django_capture_on_commit_callbacks)

    # Anonymous: sees what the invitation is for and where to sign in or sign up.
    anonymous = client_as("anonymous")
    response = anonymous.get(path)
    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Digitale Innenstadt" in content
    assert f'href="{reverse("account_login")}?next={path}"' in content.replace("%2F", "/")
    assert f'href="{reverse("account_signup")}?next={path}"' in content.replace("%2F", "/")
    # Accepting needs an account.
    response = anonymous.post(path)
    assert response["Location"].startswith(reverse("account_login"))
    assert not Membership.objects.filter(user__email="gast@example.org").exists()

    guest = UserFactory(email="gast@example.org")
    anonymous.force_login(guest)
    response = anonymous.post(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.programme.get_absolute_url()
    assert world.programme.memberships.get(user=guest).role == Role.MEMBER
    assert anonymous.get(response["Location"]).status_code == HTTPStatus.OK

    # The link works once.
    someone_else = UserFactory()
    anonymous.force_login(someone_else)
    response = anonymous.post(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == path
    assert "error" in message_levels(response)
    assert not world.programme.memberships.filter(user=someone_else).exists()
    assert anonymous.get(path).status_code == HTTPStatus.OK  # explains that the link is used up
    assert "accept-invitation" not in anonymous.get(path).content.decode()


def test_unknown_invitation_token_is_404(client):
    assert client.get(reverse("programmes:invitation", kwargs={"token": "nope"})).status_code == 404


def test_a_lead_revokes_an_invitation(client_as, world, django_capture_on_commit_callbacks):
    path = make_invitation(client_as, world, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()

    response = client_as("lead").post(url("invitation_revoke", world.programme, pk=invitation.pk))

    assert response.status_code == HTTPStatus.FOUND
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    client = client_as("anonymous")
    guest = UserFactory(email="gast@example.org")
    client.force_login(guest)
    response = client.post(path)
    assert "error" in message_levels(response)
    assert not world.programme.memberships.filter(user=guest).exists()


def test_a_lead_changes_a_role_and_removes_a_member(client_as, world):
    client = client_as("lead")
    member = world.programme.memberships.get(user=world.user("member"))

    response = client.post(url("member_role", world.programme, pk=member.pk), {"role": "stakeholder"})
    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.role == Role.STAKEHOLDER

    response = client.post(url("member_remove", world.programme, pk=member.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_the_last_lead_cannot_step_down_from_the_members_page(client_as, world):
    client = client_as("lead")
    lead = world.programme.memberships.get(user=world.user("lead"))

    response = client.post(url("member_role", world.programme, pk=lead.pk), {"role": "member"})
    assert "error" in message_levels(response)
    response = client.post(url("member_remove", world.programme, pk=lead.pk))
    assert "error" in message_levels(response)

    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_an_unknown_role_is_refused_on_the_members_page(client_as, world):
    member = world.programme.memberships.get(user=world.user("member"))

    response = client_as("lead").post(url("member_role", world.programme, pk=member.pk), {"role": "king"})

    assert "error" in message_levels(response)
    member.refresh_from_db()
    assert member.role == Role.MEMBER


def test_members_of_another_programme_are_not_reachable(client_as, world):
    foreign = MembershipFactory(programme=world.other_programme, role=Role.MEMBER)

    response = client_as("lead").post(url("member_remove", world.programme, pk=foreign.pk))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- Phase transition --------------------------------------------------------------------------------


def test_a_lead_moves_the_programme_to_the_next_phase(client_as, world, no_gate_criteria):
    client = client_as("lead")
    assert client.get(url("transition", world.programme)).status_code == HTTPStatus.OK

    response = client.post(
        url("transition", world.programme),
        {"rationale": "Die Befragung ist ausgewertet.", "expected_phase": "evaluation"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == world.programme.get_absolute_url()
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.KONZEPTION
    detail = client.get(world.programme.get_absolute_url()).content.decode()
    assert "Die Befragung ist ausgewertet." in detail


def test_transition_without_a_reason_shows_a_field_error(client_as, world, no_gate_criteria):
    response = client_as("lead").post(url("transition", world.programme), {"rationale": "  "})

    assert response.status_code == HTTPStatus.OK
    assert "rationale" in response.context["form"].errors
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.EVALUATION


def test_a_stale_transition_form_does_not_move_the_programme_twice(client_as, world, no_gate_criteria):
    client = client_as("lead")
    data = {"rationale": "weiter", "expected_phase": "evaluation"}
    client.post(url("transition", world.programme), data)

    response = client.post(url("transition", world.programme), data)  # e.g. a double submit

    assert response.status_code == HTTPStatus.OK
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.KONZEPTION
    assert PhaseTransition.objects.count() == 1


def test_an_unmet_gate_blocks_until_the_lead_overrides_it(client_as, world, failing_gate):
    client = client_as("lead")
    page = client.get(url("transition", world.programme)).content.decode()
    assert "A survey wave is closed" in page

    response = client.post(url("transition", world.programme), {"rationale": "Wir wollen weiter"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.EVALUATION

    response = client.post(
        url("transition", world.programme), {"rationale": "Stadtrat hat entschieden", "override": "on"}
    )
    assert response.status_code == HTTPStatus.FOUND
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.KONZEPTION
    assert PhaseTransition.objects.get().overridden is True


def test_recent_activity_tells_whole_sentences_in_the_chosen_language(
    client_as, world, no_gate_criteria, settings
):
    """Each line of the activity list is one translated sentence, so German can put the verb last."""
    client = client_as("lead")
    lead, member = escape(str(world.user("lead"))), escape(str(world.user("member")))
    client.post(url("transition", world.programme), {"rationale": "Befragung ausgewertet"})
    membership = world.programme.memberships.get(user=world.user("member"))
    client.post(url("member_role", world.programme, pk=membership.pk), {"role": "stakeholder"})
    services.stakeholder_create(
        programme=world.programme, name="Handelsverband", group="business", influence=4, interest=3
    )

    german = client.get(world.programme.get_absolute_url()).content.decode()
    assert (
        f"{lead} hat die Phase des Programms von Evaluation auf Konzeption gesetzt – Befragung ausgewertet"
        in german
    )
    assert f"{lead} hat die Rolle von {member} auf Stakeholder (nur lesen) geändert" in german
    assert "Der Stakeholder „Handelsverband“ wurde erfasst" in german

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(world.programme.get_absolute_url()).content.decode()
    assert f"{lead} moved the programme from Evaluation to Konzeption – Befragung ausgewertet" in english
    assert f"{lead} changed the role of {member} to Stakeholder (read only)" in english
    assert "The stakeholder “Handelsverband” was added" in english


# --- Stakeholders ------------------------------------------------------------------------------------


def stakeholder_data(**overrides) -> dict:
    data = {
        "name": "Werbegemeinschaft Altstadt",
        "group": "business",
        "organisation_name": "WG Altstadt e. V.",
        "contact": "",
        "influence": "4",
        "interest": "5",
        "last_engaged_on": "",
        "engagement_notes": "",
    }
    data.update(overrides)
    return data


def test_a_member_creates_edits_and_deletes_a_stakeholder(client_as, world):
    client = client_as("member")

    response = client.post(url("stakeholder_create", world.programme), stakeholder_data())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("stakeholders", world.programme)
    stakeholder = world.programme.stakeholders.get()
    assert (stakeholder.influence, stakeholder.interest) == (4, 5)
    assert "Werbegemeinschaft Altstadt" in client.get(url("stakeholders", world.programme)).content.decode()

    response = client.post(
        url("stakeholder_edit", world.programme, pk=stakeholder.pk),
        stakeholder_data(name="IHK", influence="5"),
    )
    assert response.status_code == HTTPStatus.FOUND
    stakeholder.refresh_from_db()
    assert (stakeholder.name, stakeholder.influence) == ("IHK", 5)

    response = client.post(url("stakeholder_delete", world.programme, pk=stakeholder.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert not world.programme.stakeholders.exists()


@pytest.mark.parametrize(("field", "value"), [("influence", "0"), ("influence", "6"), ("interest", "9")])
def test_stakeholder_scores_outside_1_to_5_are_field_errors(client_as, world, field, value):
    response = client_as("member").post(
        url("stakeholder_create", world.programme), stakeholder_data(**{field: value})
    )

    assert response.status_code == HTTPStatus.OK
    assert field in response.context["form"].errors
    assert not world.programme.stakeholders.exists()


def test_stakeholders_of_another_programme_are_404(client_as, world):
    foreign = StakeholderFactory(programme=world.other_programme)
    client = client_as("lead")

    assert client.get(url("stakeholder_edit", world.programme, pk=foreign.pk)).status_code == 404
    assert client.post(url("stakeholder_delete", world.programme, pk=foreign.pk)).status_code == 404
    foreign.refresh_from_db()


# --- Language ----------------------------------------------------------------------------------------


def test_german_is_the_default_language(client):
    assert '<html lang="de"' in client.get("/").content.decode()


def test_switching_the_language_to_english(client_as, world):
    client = client_as("member")

    response = client.post(reverse("set_language"), {"language": "en", "next": "/programmes/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/programmes/"
    page = client.get(world.programme.get_absolute_url()).content.decode()
    assert '<html lang="en"' in page
