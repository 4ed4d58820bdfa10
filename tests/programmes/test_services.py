"""Services of the hub: the business rules a programme lead relies on, against the real database."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from programmes import services
from programmes.gates import CriterionResult, gate_registry
from programmes.models import (
    Invitation,
    Membership,
    Organisation,
    Phase,
    PhaseTransition,
    Programme,
    Role,
    Stakeholder,
)
from tests.programmes.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProgrammeFactory,
    StakeholderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- Organisations and programmes -----------------------------------------------------------------


def test_organisation_create_makes_the_creator_its_admin():
    creator = UserFactory()

    organisation = services.organisation_create(creator=creator, name="Musterstadt", slug="musterstadt")

    assert list(organisation.admins.all()) == [creator]
    assert creator.has_perm("programmes.add_programme_to", organisation)


def test_organisation_create_refuses_a_taken_short_name():
    OrganisationFactory(slug="musterstadt")

    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(creator=UserFactory(), name="Musterstadt", slug="musterstadt")

    assert "slug" in error_fields(excinfo)
    assert Organisation.objects.filter(slug="musterstadt").count() == 1


def test_programme_create_makes_the_creator_lead_in_evaluation_cycle_one():
    organisation = OrganisationFactory()
    creator = UserFactory()

    programme = services.programme_create(
        organisation=organisation, creator=creator, title="Digitale Innenstadt", slug="digitale-innenstadt"
    )

    assert programme.phase == Phase.EVALUATION
    assert programme.cycle == 1
    assert Membership.objects.get(programme=programme).user == creator
    assert Membership.objects.get(programme=programme).role == Role.LEAD


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_date": date(2026, 1, 1), "end_date": date(2025, 12, 31)}, "end_date"),
        ({"budget": Decimal("-1.00")}, "budget"),
    ],
)
def test_programme_create_rejects_bad_input_and_saves_nothing(fields, field):
    organisation = OrganisationFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.programme_create(
            organisation=organisation, creator=UserFactory(), title="Innenstadt", slug="innenstadt", **fields
        )

    assert field in error_fields(excinfo)
    assert not Programme.objects.filter(organisation=organisation).exists()
    assert not Membership.objects.exists()


def test_programme_create_rejects_a_duplicate_short_name_in_the_same_organisation():
    existing = ProgrammeFactory(slug="innenstadt")

    with pytest.raises(ValidationError):
        services.programme_create(
            organisation=existing.organisation, creator=UserFactory(), title="Noch eins", slug="innenstadt"
        )

    # Another organisation may use the same short name.
    other = services.programme_create(
        organisation=OrganisationFactory(), creator=UserFactory(), title="Innenstadt", slug="innenstadt"
    )
    assert other.pk


def test_a_programme_without_a_short_name_takes_it_from_the_title():
    programme = services.programme_create(
        organisation=OrganisationFactory(), creator=UserFactory(), title="Lebendige Altstadt", slug=""
    )
    assert programme.slug == "lebendige-altstadt"

    services.programme_update(programme=programme, title="Neue Mitte", slug="")
    programme.refresh_from_db()
    assert programme.slug == "neue-mitte"


def test_a_short_name_taken_in_the_organisation_is_an_error_on_the_short_name():
    existing = ProgrammeFactory(slug="innenstadt")

    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.programme_create(
            organisation=existing.organisation, creator=UserFactory(), title="Innenstadt", slug=""
        )

    assert excinfo.value.message_dict == {
        "slug": ["Diese Organisation hat bereits ein Programm mit diesem Kurznamen."]
    }


def test_a_title_without_letters_or_digits_needs_a_short_name():
    with pytest.raises(ValidationError) as excinfo:
        services.programme_create(
            organisation=OrganisationFactory(), creator=UserFactory(), title="!!!", slug=""
        )

    assert error_fields(excinfo) == {"slug"}


def test_a_refused_update_leaves_the_programme_as_stored():
    programme = ProgrammeFactory(slug="innenstadt", title="Innenstadt", start_date=date(2026, 6, 1))
    sibling = ProgrammeFactory(organisation=programme.organisation, slug="altstadt")

    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(
            programme=programme, title="Neu", slug=sibling.slug, end_date=date(2026, 1, 1)
        )

    assert error_fields(excinfo) == {"slug", "end_date"}
    assert (programme.slug, programme.title, programme.end_date) == ("innenstadt", "Innenstadt", None)


def test_programme_update_changes_descriptive_fields_but_never_phase_or_cycle():
    programme = ProgrammeFactory()

    services.programme_update(
        programme=programme,
        title="Lebendige Innenstadt",
        budget=Decimal("250000.00"),
        phase=Phase.TRANSFORMATION,
        cycle=7,
    )

    programme.refresh_from_db()
    assert programme.title == "Lebendige Innenstadt"
    assert programme.budget == Decimal("250000.00")
    assert programme.phase == Phase.EVALUATION
    assert programme.cycle == 1


def test_programme_update_validates_dates():
    programme = ProgrammeFactory(start_date=date(2026, 1, 1))

    with pytest.raises(ValidationError) as excinfo:
        services.programme_update(programme=programme, end_date=date(2025, 1, 1))

    assert "end_date" in error_fields(excinfo)
    programme.refresh_from_db()
    assert programme.end_date is None


# --- Phase transitions and gates -------------------------------------------------------------------


def test_transition_runs_e_k_t_and_back_to_e_in_a_new_cycle(no_gate_criteria):
    programme = ProgrammeFactory()
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    seen = []

    for reason in ["Befragung ausgewertet", "Maßnahmen geplant", "Quick Wins umgesetzt"]:
        transition = services.programme_transition(programme=programme, user=lead, rationale=reason)
        programme.refresh_from_db()
        seen.append((transition.from_phase, transition.to_phase, transition.cycle, programme.cycle))

    assert seen == [
        (Phase.EVALUATION, Phase.KONZEPTION, 1, 1),
        (Phase.KONZEPTION, Phase.TRANSFORMATION, 1, 1),
        (Phase.TRANSFORMATION, Phase.EVALUATION, 1, 2),
    ]
    assert programme.phase == Phase.EVALUATION
    assert list(programme.transitions.values_list("rationale", flat=True).order_by("decided_at")) == [
        "Befragung ausgewertet",
        "Maßnahmen geplant",
        "Quick Wins umgesetzt",
    ]
    assert all(t.decided_by == lead and not t.overridden for t in programme.transitions.all())


def test_transition_reason_shows_up_in_the_programme_history(no_gate_criteria):
    programme = ProgrammeFactory()

    services.programme_transition(programme=programme, user=UserFactory(), rationale="Evidenz liegt vor")

    assert programme.history.first().history_change_reason == "Evidenz liegt vor"


@pytest.mark.parametrize("rationale", ["", "   \n "])
def test_transition_requires_a_rationale(no_gate_criteria, rationale):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.programme_transition(programme=programme, user=UserFactory(), rationale=rationale)

    assert "rationale" in error_fields(excinfo)
    programme.refresh_from_db()
    assert programme.phase == Phase.EVALUATION
    assert not PhaseTransition.objects.exists()


def test_transition_refuses_a_stale_form(no_gate_criteria):
    programme = ProgrammeFactory(phase=Phase.KONZEPTION)

    with pytest.raises(ValidationError) as excinfo:
        services.programme_transition(
            programme=programme, user=UserFactory(), rationale="weiter", expected_phase=Phase.EVALUATION
        )

    assert "phase" in error_fields(excinfo)
    programme.refresh_from_db()
    assert programme.phase == Phase.KONZEPTION


def test_unmet_gate_criterion_blocks_the_transition(failing_gate):
    programme = ProgrammeFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.programme_transition(programme=programme, user=UserFactory(), rationale="Wir wollen weiter")

    assert "override" in error_fields(excinfo)
    programme.refresh_from_db()
    assert programme.phase == Phase.EVALUATION
    assert not PhaseTransition.objects.exists()


def test_override_passes_the_gate_and_keeps_the_criteria_on_record(failing_gate):
    programme = ProgrammeFactory()
    lead = UserFactory()

    transition = services.programme_transition(
        programme=programme, user=lead, rationale="Stadtrat hat entschieden", override=True
    )

    programme.refresh_from_db()
    assert programme.phase == Phase.KONZEPTION
    transition.refresh_from_db()
    assert transition.overridden is True
    assert transition.criteria == [
        {
            "key": failing_gate,
            "label": "A survey wave is closed",
            "met": False,
            "detail": "0 of 1 waves closed",
            "url": "/x/",
        }
    ]


def test_met_criteria_are_recorded_without_an_override(no_gate_criteria):
    programme = ProgrammeFactory()
    no_gate_criteria.register(
        "evaluation", "tests.findings", lambda p: CriterionResult(key="tests.findings", label="F", met=True)
    )

    transition = services.programme_transition(
        programme=programme, user=UserFactory(), rationale="alles da", override=True
    )

    assert transition.overridden is False
    assert [c["key"] for c in transition.criteria] == ["tests.findings"]


def test_gate_criteria_only_apply_to_the_phase_they_were_registered_for(failing_gate):
    programme = ProgrammeFactory(phase=Phase.KONZEPTION)

    services.programme_transition(programme=programme, user=UserFactory(), rationale="weiter")

    programme.refresh_from_db()
    assert programme.phase == Phase.TRANSFORMATION


def test_unregistered_criterion_no_longer_blocks(failing_gate):
    gate_registry.unregister("evaluation", failing_gate)
    programme = ProgrammeFactory()

    services.programme_transition(programme=programme, user=UserFactory(), rationale="weiter")

    programme.refresh_from_db()
    assert programme.phase == Phase.KONZEPTION


# --- Invitations -------------------------------------------------------------------------------------


def test_invitation_create_sends_the_link_by_email_once_committed(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory(title="Digitale Innenstadt")
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = services.invitation_create(
            programme=programme,
            email=" Neue.Person@Example.org ",
            role=Role.MEMBER,
            invited_by=lead,
            language="en",
        )
        assert mail.outbox == []  # nothing leaves before the invitation is committed

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neue.person@example.org"]
    assert "Digitale Innenstadt" in message.subject
    assert f"/invitations/{token}/" in message.body
    assert invitation.email == "neue.person@example.org"
    assert invitation.role == Role.MEMBER
    assert invitation.is_pending
    assert token not in invitation.token_hash  # only the hash is stored
    assert Invitation.objects.by_token(token).get() == invitation


def test_invitation_is_not_mailed_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    programme = ProgrammeFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            programme=programme, email="a@example.org", role=Role.MEMBER, invited_by=UserFactory()
        )

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invitation_create_refuses_an_existing_member():
    programme = ProgrammeFactory()
    member = MembershipFactory(programme=programme, user=UserFactory(email="anna@example.org")).user

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            programme=programme, email="ANNA@example.org", role=Role.LEAD, invited_by=member
        )

    assert "email" in error_fields(excinfo)
    assert not Invitation.objects.exists()


def test_invitation_create_refuses_a_pending_duplicate_but_allows_one_after_revoking():
    programme = ProgrammeFactory()
    first, _token = services.invitation_create(
        programme=programme, email="bert@example.org", role=Role.MEMBER, invited_by=UserFactory()
    )

    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            programme=programme, email="Bert@example.org", role=Role.STAKEHOLDER, invited_by=UserFactory()
        )
    assert "email" in error_fields(excinfo)

    services.invitation_revoke(invitation=first)
    second, _token = services.invitation_create(
        programme=programme, email="bert@example.org", role=Role.STAKEHOLDER, invited_by=UserFactory()
    )
    assert second.is_pending


def test_invitation_create_refuses_an_unknown_role():
    with pytest.raises(ValidationError) as excinfo:
        services.invitation_create(
            programme=ProgrammeFactory(), email="c@example.org", role="mayor", invited_by=UserFactory()
        )

    assert "role" in error_fields(excinfo)
    assert not Invitation.objects.exists()


def invite(programme, role=Role.MEMBER, email="eva@example.org"):
    return services.invitation_create(programme=programme, email=email, role=role, invited_by=UserFactory())


def test_invitation_accept_grants_the_role_once():
    programme = ProgrammeFactory()
    invitation, token = invite(programme, role=Role.MEMBER)
    eva = UserFactory(email="eva@example.org")

    membership = services.invitation_accept(token=token, user=eva)

    assert (membership.programme, membership.user, membership.role) == (programme, eva, Role.MEMBER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == eva
    assert invitation.accepted_at is not None
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=UserFactory())
    assert programme.memberships.count() == 1


def test_invitation_accept_refuses_an_expired_invitation():
    programme = ProgrammeFactory()
    invitation, token = invite(programme)
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save(update_fields=["expires_at"])

    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=UserFactory())

    assert not programme.memberships.exists()


def test_invitation_accept_refuses_a_revoked_invitation():
    programme = ProgrammeFactory()
    invitation, token = invite(programme)
    services.invitation_revoke(invitation=invitation)

    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=UserFactory())

    assert not programme.memberships.exists()


def test_invitation_accept_refuses_someone_else_than_the_invited_address():
    programme = ProgrammeFactory()
    _invitation, token = invite(programme, role=Role.LEAD, email="invited@example.org")
    forwarded_to = UserFactory(email="someone@example.org")

    with pytest.raises(ValidationError, match=r"invited@example\.org"):
        services.invitation_accept(token=token, user=forwarded_to)

    assert not programme.memberships.filter(user=forwarded_to).exists()
    # An unconfirmed address of the same name is not enough either.
    unverified = UserFactory(email="invited@example.org", verified=False)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=unverified)


def test_invitation_accept_refuses_an_unknown_token():
    with pytest.raises(ValidationError):
        services.invitation_accept(token="not-a-real-token", user=UserFactory())


def test_accepting_a_weaker_invitation_keeps_the_stronger_role():
    programme = ProgrammeFactory()
    _invitation, token = invite(programme, role=Role.STAKEHOLDER, email="lead@example.org")
    lead = MembershipFactory(programme=programme, role=Role.LEAD, user__email="lead@example.org").user

    membership = services.invitation_accept(token=token, user=lead)

    assert membership.role == Role.LEAD
    assert programme.memberships.get(user=lead).role == Role.LEAD


def test_accepting_a_stronger_invitation_upgrades_the_role():
    programme = ProgrammeFactory()
    _invitation, token = invite(programme, role=Role.MEMBER, email="sh@example.org")
    stakeholder = MembershipFactory(
        programme=programme, role=Role.STAKEHOLDER, user__email="sh@example.org"
    ).user

    services.invitation_accept(token=token, user=stakeholder)

    assert programme.memberships.get(user=stakeholder).role == Role.MEMBER


def test_only_pending_invitations_can_be_revoked():
    invitation, _token = invite(ProgrammeFactory())
    services.invitation_revoke(invitation=invitation)

    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation)


def test_invitation_email_is_not_sent_for_a_revoked_invitation():
    invitation, _token = invite(ProgrammeFactory())
    services.invitation_revoke(invitation=invitation)

    sent = services.invitation_email_send(invitation_id=invitation.pk, url="http://x/", language="de")

    assert sent is False
    assert mail.outbox == []


# --- Memberships -------------------------------------------------------------------------------------


def test_membership_change_role():
    membership = MembershipFactory(role=Role.MEMBER)

    services.membership_change_role(membership=membership, role=Role.STAKEHOLDER, acting_user=None)

    membership.refresh_from_db()
    assert membership.role == Role.STAKEHOLDER


def test_membership_change_role_refuses_an_unknown_role():
    membership = MembershipFactory(role=Role.MEMBER)

    with pytest.raises(ValidationError) as excinfo:
        services.membership_change_role(membership=membership, role="mayor", acting_user=None)

    assert "role" in error_fields(excinfo)
    membership.refresh_from_db()
    assert membership.role == Role.MEMBER


def test_the_last_lead_cannot_be_demoted_or_removed():
    lead = MembershipFactory(role=Role.LEAD)

    with pytest.raises(ValidationError):
        services.membership_change_role(membership=lead, role=Role.MEMBER, acting_user=None)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=lead, acting_user=None)

    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_a_lead_can_step_down_once_there_is_another_lead():
    lead = MembershipFactory(role=Role.LEAD)
    MembershipFactory(programme=lead.programme, role=Role.LEAD)

    services.membership_change_role(membership=lead, role=Role.MEMBER, acting_user=None)
    services.membership_remove(membership=lead, acting_user=None)

    assert not Membership.objects.filter(pk=lead.pk).exists()
    assert lead.programme.memberships.filter(role=Role.LEAD).count() == 1


def test_a_member_can_be_removed():
    member = MembershipFactory(role=Role.MEMBER)

    services.membership_remove(membership=member, acting_user=None)

    assert not Membership.objects.filter(pk=member.pk).exists()


# --- Stakeholders ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["influence", "interest"])
@pytest.mark.parametrize("value", [0, 6])
def test_stakeholder_scores_must_be_between_1_and_5(field, value):
    programme = ProgrammeFactory()
    scores = {"influence": 3, "interest": 3, field: value}

    with pytest.raises(ValidationError) as excinfo:
        services.stakeholder_create(programme=programme, name="IHK", group="business", **scores)

    assert error_fields(excinfo) == {field}
    assert not Stakeholder.objects.exists()


def test_stakeholder_create_update_and_delete():
    programme = ProgrammeFactory()

    stakeholder = services.stakeholder_create(
        programme=programme, name="Werbegemeinschaft", group="business", influence=4, interest=5
    )
    services.stakeholder_update(stakeholder=stakeholder, influence=2, programme=ProgrammeFactory())
    stakeholder.refresh_from_db()
    assert (stakeholder.programme, stakeholder.influence) == (programme, 2)

    services.stakeholder_delete(stakeholder=stakeholder)
    assert not programme.stakeholders.exists()


def test_stakeholder_update_rejects_an_unknown_group():
    stakeholder = StakeholderFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.stakeholder_update(stakeholder=stakeholder, group="aliens")

    assert "group" in error_fields(excinfo)


def test_a_service_given_a_field_it_does_not_know_refuses_all_of_them():
    """Shared by the phase apps' services: a misspelt or foreign field is refused, never silently dropped."""
    assert services.only_fields({"title": "A"}, {"title", "summary"}) == {"title": "A"}
    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.only_fields({"title": "A", "phase": "x", "cycle": 2}, {"title"})
    assert excinfo.value.messages == ["Unbekannte Felder: cycle, phase"]
