"""Who may see and do what: every programme page, every POST action and every API endpoint × every role.

Another programme's objects answer 404 (their existence is not revealed); a role that is too weak answers 403;
anonymous visitors are sent to the sign-in page (pages) or get 401 (API).
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from programmes import urls_workshops
from programmes.models import Invitation, Membership, Organisation, Phase, Programme, Role, Stakeholder
from programmes.urls import programme_patterns
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, UNAUTHORIZED, check_matrix
from tests.programmes.factories import MembershipFactory, StakeholderFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATED = HTTPStatus.CREATED
NO_CONTENT = HTTPStatus.NO_CONTENT
BAD_REQUEST = HTTPStatus.BAD_REQUEST
NOT_ALLOWED = HTTPStatus.METHOD_NOT_ALLOWED


def matrix(anonymous, stakeholder, member, lead, other_lead, org_admin) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "stakeholder": stakeholder,
        "member": member,
        "lead": lead,
        "other_lead": other_lead,
        "org_admin": org_admin,
    }


VIEWERS = matrix(REDIRECT, OK, OK, OK, NOT_FOUND, OK)
CONTRIBUTORS = matrix(REDIRECT, FORBIDDEN, OK, OK, NOT_FOUND, OK)
LEADS = matrix(REDIRECT, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK)


@pytest.fixture
def targets(world):
    """One object of each kind in programme A for the pages that take a pk."""
    return {
        "membership": world.programme.memberships.get(user=world.user("member")),
        "stakeholder": StakeholderFactory(programme=world.programme, name="IHK"),
        "invitation": Invitation.objects.create(
            programme=world.programme,
            email="pending@example.org",
            role=Role.MEMBER,
            token_hash=Invitation.new_token()[1],
            invited_by=world.user("lead"),
            expires_at=timezone.now() + timedelta(days=14),
        ),
    }


def page(name: str, world, targets, programme=None) -> str:
    programme = programme or world.programme
    kwargs = dict(programme.url_kwargs)
    pk_of = {
        "member_role": "membership",
        "member_remove": "membership",
        "invitation_revoke": "invitation",
        "stakeholder_edit": "stakeholder",
        "stakeholder_delete": "stakeholder",
    }
    if name in pk_of:
        kwargs["pk"] = targets[pk_of[name]].pk
    return reverse(f"programmes:{name}", kwargs=kwargs)


# GET on every page under /p/<org>/<slug>/. POST-only actions answer 405 to a role that may use them.
PROGRAMME_PAGES_GET = {
    "detail": VIEWERS,
    "members": VIEWERS,
    "stakeholders": VIEWERS,
    "edit": LEADS,
    "transition": VIEWERS,  # every role reads the gate; only leads (and admins) post (test_post_transition)
    "gate_settings": LEADS,
    "stakeholder_create": CONTRIBUTORS,
    "stakeholder_edit": CONTRIBUTORS,
    "member_role": matrix(REDIRECT, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "member_remove": matrix(REDIRECT, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "invitation_revoke": matrix(REDIRECT, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "stakeholder_delete": matrix(REDIRECT, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "risks": VIEWERS,
    "risk_acknowledge": matrix(REDIRECT, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "risk_unacknowledge": matrix(REDIRECT, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
    "risk_settings": matrix(REDIRECT, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_FOUND, NOT_ALLOWED),
}


def test_every_programme_page_is_in_the_matrix():
    # The workshop pages have their own matrices (tests/test_permission_coverage.py checks they are named).
    workshop_pages = {pattern.name for pattern in urls_workshops.patterns}
    names = {pattern.name for pattern in programme_patterns if isinstance(pattern, URLPattern)}
    assert names - workshop_pages == set(PROGRAMME_PAGES_GET), "add the new page to PROGRAMME_PAGES_GET"


@pytest.mark.parametrize("name", sorted(PROGRAMME_PAGES_GET))
def test_programme_page_get(client_as, world, targets, name):
    check_matrix(client_as, page(name, world, targets), PROGRAMME_PAGES_GET[name])


@pytest.mark.parametrize("name", sorted(PROGRAMME_PAGES_GET))
def test_a_lead_and_an_org_admin_of_programme_a_get_404_on_programme_b(client_as, world, targets, name):
    foreign_targets = {
        "membership": world.other_programme.memberships.get(),
        "stakeholder": StakeholderFactory(programme=world.other_programme),
        "invitation": targets["invitation"],
    }
    url = page(name, world, foreign_targets, programme=world.other_programme)
    for role in ["lead", "org_admin", "member"]:
        assert client_as(role).get(url).status_code == NOT_FOUND, role
        assert client_as(role).post(url, {}).status_code == NOT_FOUND, role


@pytest.mark.parametrize("name", ["member_role", "member_remove", "invitation_revoke", "stakeholder_edit"])
def test_objects_of_programme_b_are_404_under_programme_a(client_as, world, name):
    foreign = {
        "membership": world.other_programme.memberships.get(),
        "stakeholder": StakeholderFactory(programme=world.other_programme),
        "invitation": Invitation.objects.create(
            programme=world.other_programme,
            email="x@example.org",
            role=Role.MEMBER,
            token_hash=Invitation.new_token()[1],
            expires_at=timezone.now() + timedelta(days=14),
        ),
    }
    url = page(name, world, foreign)
    assert client_as("lead").post(url, {"role": "member"}).status_code == NOT_FOUND


# --- POST actions --------------------------------------------------------------------------------------


def before_each_role(client_as, reset):
    """A client factory that restores the target before each role, so every role meets the same state."""

    def make(role):
        reset()
        return client_as(role)

    return make


def programme_data(world, **overrides):
    data = {
        "title": "Digitale Innenstadt",
        "slug": "digitale-innenstadt",
        "summary": "neu",
        "start_date": "",
        "end_date": "",
        "budget": "",
        "status": "active",
    }
    data.update(overrides)
    return data


def stakeholder_data(**overrides):
    data = {"name": "Handelsverband", "group": "business", "influence": "3", "interest": "4"}
    data.update(overrides)
    return data


def test_post_edit_programme(client_as, world, targets):
    check_matrix(
        client_as,
        page("edit", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data=programme_data(world),
    )


def test_a_member_cannot_change_the_programme(client_as, world, targets):
    client_as("member").post(page("edit", world, targets), programme_data(world, title="Gekapert"))
    world.programme.refresh_from_db()
    assert world.programme.title == "Digitale Innenstadt"


def test_post_transition(client_as, world, targets, no_gate_criteria):
    def reset():
        Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.EVALUATION)

    check_matrix(
        before_each_role(client_as, reset),
        page("transition", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data={"rationale": "Evidenz liegt vor", "override": "on"},
    )
    assert {t.decided_by for t in world.programme.transitions.all()} == {
        world.user("lead"),
        world.user("org_admin"),
    }


def test_post_invitation(client_as, world, targets):
    def reset():
        Invitation.objects.filter(email="neu@example.org").delete()

    check_matrix(
        before_each_role(client_as, reset),
        page("members", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data={"email": "neu@example.org", "role": "member"},
    )


def test_post_member_role(client_as, world, targets):
    def reset():
        Membership.objects.filter(pk=targets["membership"].pk).update(role=Role.MEMBER)

    check_matrix(
        before_each_role(client_as, reset),
        page("member_role", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data={"role": "stakeholder"},
    )


def test_post_member_remove(client_as, world, targets):
    membership = targets["membership"]

    def reset():
        if not Membership.objects.filter(pk=membership.pk).exists():
            MembershipFactory(id=membership.pk, programme=world.programme, user=membership.user)

    check_matrix(
        before_each_role(client_as, reset),
        page("member_remove", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_post_invitation_revoke(client_as, world, targets):
    def reset():
        Invitation.objects.filter(pk=targets["invitation"].pk).update(revoked_at=None)

    check_matrix(
        before_each_role(client_as, reset),
        page("invitation_revoke", world, targets),
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
    )


def test_post_stakeholder_create(client_as, world, targets):
    check_matrix(
        client_as,
        page("stakeholder_create", world, targets),
        matrix(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data=stakeholder_data(),
    )
    assert world.programme.stakeholders.filter(name="Handelsverband").count() == 3


def test_post_stakeholder_edit(client_as, world, targets):
    check_matrix(
        client_as,
        page("stakeholder_edit", world, targets),
        matrix(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
        data=stakeholder_data(),
    )


def test_post_stakeholder_delete(client_as, world, targets):
    stakeholder = targets["stakeholder"]

    def reset():
        if not Stakeholder.objects.filter(pk=stakeholder.pk).exists():
            StakeholderFactory(id=stakeholder.pk, programme=world.programme)

    check_matrix(
        before_each_role(client_as, reset),
        page("stakeholder_delete", world, targets),
        matrix(REDIRECT, FORBIDDEN, REDIRECT, REDIRECT, NOT_FOUND, REDIRECT),
        method="post",
    )


def test_a_stakeholder_changes_nothing(client_as, world, targets):
    client = client_as("stakeholder")
    client.post(page("stakeholder_delete", world, targets))
    client.post(page("member_remove", world, targets))
    client.post(page("transition", world, targets), {"rationale": "x", "override": "on"})

    assert Stakeholder.objects.filter(pk=targets["stakeholder"].pk).exists()
    assert Membership.objects.filter(pk=targets["membership"].pk).exists()
    world.programme.refresh_from_db()
    assert world.programme.phase == Phase.EVALUATION


# --- Pages outside a programme -------------------------------------------------------------------------


def test_portfolio(client_as, world):
    check_matrix(client_as, reverse("programmes:portfolio"), matrix(REDIRECT, OK, OK, OK, OK, OK))


def test_portfolio_filtered_by_an_unrelated_organisation_is_404(client_as, world):
    url = reverse("programmes:portfolio") + f"?organisation={world.other_programme.organisation.slug}"
    check_matrix(client_as, url, matrix(REDIRECT, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND))


def test_organisation_create(client_as, world):
    url = reverse("programmes:organisation_create")
    check_matrix(client_as, url, matrix(REDIRECT, OK, OK, OK, OK, OK))

    def reset():
        Organisation.objects.filter(slug="neustadt").delete()

    check_matrix(
        before_each_role(client_as, reset),
        url,
        matrix(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        data={"name": "Neustadt", "slug": "neustadt", "kind": "city"},
    )


def test_programme_create_is_for_organisation_admins(client_as, world):
    url = reverse("programmes:programme_create")
    # Without an organisation to host it, the page sends people to create one first.
    check_matrix(client_as, url, matrix(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, OK))
    assert client_as("member").get(url)["Location"] == reverse("programmes:organisation_create")

    check_matrix(
        client_as,
        url,
        matrix(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT),
        method="post",
        data={**programme_data(world, title="Neu", slug="neu"), "organisation": world.organisation.pk},
    )
    assert Programme.objects.filter(slug="neu").count() == 1


def test_an_org_admin_cannot_create_a_programme_in_a_foreign_organisation(client_as, world):
    response = client_as("org_admin").post(
        reverse("programmes:programme_create"),
        {**programme_data(world, slug="fremd"), "organisation": world.other_programme.organisation.pk},
    )

    assert response.status_code == OK
    assert "organisation" in response.context["form"].errors
    assert not Programme.objects.filter(slug="fremd").exists()


def test_organisation_edit(client_as, world):
    url = reverse("programmes:organisation_edit", kwargs={"org": world.organisation.slug})
    check_matrix(client_as, url, matrix(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK))
    check_matrix(
        client_as,
        url,
        matrix(REDIRECT, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, REDIRECT),
        method="post",
        data={"name": "Musterstadt", "slug": "musterstadt", "kind": "city"},
    )


def test_api_token_page(client_as, world):
    url = reverse("account_api_token")
    check_matrix(client_as, url, matrix(REDIRECT, OK, OK, OK, OK, OK))
    check_matrix(
        client_as, url, matrix(REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT, REDIRECT), method="post"
    )


def test_anonymous_visitors_are_sent_to_the_sign_in_page(client, world, targets):
    response = client.get(page("members", world, targets))
    assert response["Location"] == f"{reverse('account_login')}?next={page('members', world, targets)}"


# --- API ---------------------------------------------------------------------------------------------

API_VIEWERS = matrix(UNAUTHORIZED, OK, OK, OK, NOT_FOUND, OK)
API_ALL = matrix(UNAUTHORIZED, OK, OK, OK, OK, OK)


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def json_matrix(api_as, url, expected, method, data=None, reset=None):
    factory = before_each_role(api_as, reset) if reset else api_as
    check_matrix(factory, url, expected, method=method, data=data, format="json")


def test_api_root_and_lists_need_authentication(api_as, world):
    for url in [
        api("api-root"),
        api("programme-list"),
        api("stakeholder-list"),
        api("organisation-list"),
    ]:
        check_matrix(api_as, url, API_ALL)


def test_api_anonymous_gets_401_with_a_token_challenge(api_as, world):
    response = api_as("anonymous").get(api("programme-list"))
    assert response.status_code == UNAUTHORIZED
    assert response["WWW-Authenticate"] == "Token"


def test_api_programme_list_shows_only_visible_programmes(api_as, world):
    titles = {
        role: {row["title"] for row in api_as(role).get(api("programme-list")).json()["results"]}
        for role in ["stakeholder", "other_lead", "org_admin"]
    }
    assert titles == {
        "stakeholder": {"Digitale Innenstadt"},
        "other_lead": {"Anderes Programm"},
        "org_admin": {"Digitale Innenstadt"},
    }


@pytest.mark.parametrize("name", ["programme-detail", "programme-gate", "programme-transitions"])
def test_api_programme_reads(api_as, world, name):
    check_matrix(api_as, api(name, pk=world.programme.pk), API_VIEWERS)


def test_api_programme_update(api_as, world):
    json_matrix(
        api_as,
        api("programme-detail", pk=world.programme.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK),
        "patch",
        {"summary": "Neu gefasst"},
    )
    world.programme.refresh_from_db()
    assert world.programme.summary == "Neu gefasst"


def test_api_programme_transition(api_as, world, no_gate_criteria):
    def reset():
        Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.EVALUATION)

    json_matrix(
        api_as,
        api("programme-transition", pk=world.programme.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, CREATED, NOT_FOUND, CREATED),
        "post",
        {"rationale": "Evidenz liegt vor"},
        reset,
    )


def test_api_programme_create(api_as, world):
    # Only an organisation admin may add a programme to the organisation; to others it is an unknown choice.
    json_matrix(
        api_as,
        api("programme-list"),
        matrix(UNAUTHORIZED, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, BAD_REQUEST, CREATED),
        "post",
        {"organisation": world.organisation.pk, "title": "Neue Mitte"},
    )
    assert Programme.objects.filter(title="Neue Mitte").count() == 1


def test_api_members(api_as, world):
    programme = world.programme
    membership = programme.memberships.get(user=world.user("member"))
    check_matrix(api_as, api("programme-member-list", programme_pk=programme.pk), API_VIEWERS)
    check_matrix(
        api_as, api("programme-member-detail", programme_pk=programme.pk, pk=membership.pk), API_VIEWERS
    )
    json_matrix(
        api_as,
        api("programme-member-detail", programme_pk=programme.pk, pk=membership.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK),
        "patch",
        {"role": "member"},
    )

    def reset():
        if not Membership.objects.filter(pk=membership.pk).exists():
            MembershipFactory(id=membership.pk, programme=programme, user=membership.user)

    json_matrix(
        api_as,
        api("programme-member-detail", programme_pk=programme.pk, pk=membership.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, NO_CONTENT, NOT_FOUND, NO_CONTENT),
        "delete",
        reset=reset,
    )


def test_api_invitations(api_as, world, targets):
    programme = world.programme
    check_matrix(
        api_as,
        api("programme-invitation-list", programme_pk=programme.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK),
    )

    def forget_invitation():
        Invitation.objects.filter(email="neu@example.org").delete()

    json_matrix(
        api_as,
        api("programme-invitation-list", programme_pk=programme.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, CREATED, NOT_FOUND, CREATED),
        "post",
        {"email": "neu@example.org", "role": "stakeholder"},
        forget_invitation,
    )

    def unrevoke():
        Invitation.objects.filter(pk=targets["invitation"].pk).update(revoked_at=None)

    json_matrix(
        api_as,
        api("programme-invitation-revoke", programme_pk=programme.pk, pk=targets["invitation"].pk),
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, OK, NOT_FOUND, OK),
        "post",
        reset=unrevoke,
    )


def test_api_stakeholders(api_as, world, targets):
    stakeholder = targets["stakeholder"]
    check_matrix(api_as, api("stakeholder-detail", pk=stakeholder.pk), API_VIEWERS)
    # A programme the user cannot see is not a valid choice (400), the same answer as for a missing one.
    json_matrix(
        api_as,
        api("stakeholder-list"),
        matrix(UNAUTHORIZED, FORBIDDEN, CREATED, CREATED, BAD_REQUEST, CREATED),
        "post",
        {"programme": world.programme.pk, **stakeholder_data()},
    )
    json_matrix(
        api_as,
        api("stakeholder-detail", pk=stakeholder.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, OK, OK, NOT_FOUND, OK),
        "patch",
        {"influence": 5},
    )

    def reset():
        if not Stakeholder.objects.filter(pk=stakeholder.pk).exists():
            StakeholderFactory(id=stakeholder.pk, programme=world.programme)

    json_matrix(
        api_as,
        api("stakeholder-detail", pk=stakeholder.pk),
        matrix(UNAUTHORIZED, FORBIDDEN, NO_CONTENT, NO_CONTENT, NOT_FOUND, NO_CONTENT),
        "delete",
        reset=reset,
    )


def test_api_stakeholder_list_hides_other_programmes(api_as, world, targets):
    StakeholderFactory(programme=world.other_programme, name="Fremd")

    names = [row["name"] for row in api_as("lead").get(api("stakeholder-list")).json()["results"]]

    assert names == ["IHK"]


def test_api_organisations(api_as, world):
    url = api("organisation-detail", pk=world.organisation.pk)
    check_matrix(api_as, url, API_VIEWERS)
    json_matrix(
        api_as,
        url,
        matrix(UNAUTHORIZED, FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK),
        "patch",
        {"region": "NRW"},
    )

    def reset():
        Organisation.objects.filter(slug="neustadt").delete()

    json_matrix(
        api_as,
        api("organisation-list"),
        matrix(UNAUTHORIZED, CREATED, CREATED, CREATED, CREATED, CREATED),
        "post",
        {"name": "Neustadt", "slug": "neustadt", "kind": "city"},
        reset,
    )
    assert list(Organisation.objects.get(slug="neustadt").admins.all()) == [world.user("org_admin")]


def test_api_token_authentication(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=world.user("member"))
    client = APIClient()

    assert client.get(api("programme-list"), HTTP_AUTHORIZATION="Token wrong").status_code == UNAUTHORIZED
    response = client.get(api("programme-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == OK
    assert [row["role"] for row in response.json()["results"]] == ["member"]


def test_a_deactivated_user_loses_api_access(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    user = UserFactory()
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = APIClient().get(api("programme-list"), HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == UNAUTHORIZED
