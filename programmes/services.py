"""Writes of the hub. The only place where programme data changes: views, API and tasks call these."""

from collections.abc import Iterable, Mapping
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .gates import CriterionResult, gate_registry
from .lifecycle import programme_created
from .models import (
    PHASE_ORDER,
    Invitation,
    Membership,
    Organisation,
    Phase,
    PhaseTransition,
    Programme,
    Role,
    Stakeholder,
)


def only_fields(fields: Mapping, allowed: Iterable[str]) -> dict:
    """The fields a service was given, refused as a whole if any is not among ``allowed``."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    return dict(fields)


@transaction.atomic
def organisation_create(*, creator, **fields) -> Organisation:
    """Create an organisation; its creator becomes its first admin."""
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation.save()
    organisation.admins.add(creator)
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, **fields) -> Organisation:
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


def _programme_clean(programme: Programme) -> None:
    """The programme's rules with field errors: an empty short name follows the title and must be free in the
    organisation; the end date must not lie before the start date (Programme.clean); the model's own checks."""
    errors: dict[str, list] = {}
    if not programme.slug:
        programme.slug = slugify(programme.title or "")[:80]
        if not programme.slug and programme.title:
            errors["slug"] = [_("Please enter a short name.")]
    if (
        programme.slug
        and programme.organisation_id
        and Programme.objects.filter(organisation_id=programme.organisation_id, slug=programme.slug)
        .exclude(pk=programme.pk)
        .exists()
    ):
        errors["slug"] = [_("This organisation already has a programme with this short name.")]
    try:
        programme.full_clean(exclude=list(errors))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def programme_create(*, organisation: Organisation, creator, **fields) -> Programme:
    """Create a programme in Evaluation, cycle 1; the creator leads it. Without a short name it follows the
    title. The phase apps' hooks (programmes/lifecycle.py) add their starting data in the same transaction."""
    programme = Programme(organisation=organisation, **fields)
    _programme_clean(programme)
    programme.save()
    Membership.objects.create(programme=programme, user=creator, role=Role.LEAD)
    programme_created(programme)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, **fields) -> Programme:
    """Change a programme's descriptive fields. Phase and cycle only change through programme_transition; an
    emptied short name follows the title again."""
    for forbidden in ("phase", "cycle", "organisation"):
        fields.pop(forbidden, None)
    for name, value in fields.items():
        setattr(programme, name, value)
    try:
        _programme_clean(programme)
    except ValidationError:
        # The page shown with the errors still links to the programme under its stored short name.
        programme.refresh_from_db(fields=[*fields, "slug"])
        raise
    programme.save()
    return programme


@transaction.atomic
def programme_gate_settings_update(
    *, programme: Programme, values: Mapping[str, Mapping[str, int]]
) -> Programme:
    """Set thresholds of registered gate criteria for this programme; a value equal to its default is dropped."""
    return _thresholds_update(programme, values, gate_registry.find_threshold)


@transaction.atomic
def programme_risk_settings_update(
    *, programme: Programme, values: Mapping[str, Mapping[str, int]]
) -> Programme:
    """Set thresholds of registered risk rules (e.g. when content counts as stale) for this programme.

    Stored beside the gate thresholds (``Programme.gate_settings``, keyed by the rule); a default is dropped.
    """
    from .risks import risk_registry

    return _thresholds_update(programme, values, risk_registry.find_threshold)


def _thresholds_update(programme: Programme, values, find_threshold) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    settings_ = {key: dict(names) for key, names in (programme.gate_settings or {}).items()}
    errors: dict[str, list[str]] = {}
    for key, names in values.items():
        for name, value in names.items():
            declared = find_threshold(key, name)
            field_name = f"{key}__{name}"
            if declared is None:
                errors[field_name] = [_("Unknown threshold.")]
            elif isinstance(value, bool) or not isinstance(value, int):
                errors[field_name] = [_("Please give a whole number.")]
            elif not declared.min_value <= value <= declared.max_value:
                errors[field_name] = [
                    _("Please give a number from %(min)d to %(max)d.")
                    % {"min": declared.min_value, "max": declared.max_value}
                ]
            elif value == declared.default:
                settings_.get(key, {}).pop(name, None)
            else:
                settings_.setdefault(key, {})[name] = value
    if errors:
        raise ValidationError(errors)
    programme.gate_settings = {key: names for key, names in settings_.items() if names}
    programme.save(update_fields=["gate_settings", "updated_at"])
    return programme


def phase_after(phase: str) -> Phase:
    """The phase that follows ``phase``; after Transformation the next cycle begins with Evaluation."""
    return PHASE_ORDER[(PHASE_ORDER.index(Phase(phase)) + 1) % len(PHASE_ORDER)]


def next_phase(programme: Programme) -> tuple[str, int]:
    """The programme's next phase and cycle (a new cycle after Transformation)."""
    to_phase = phase_after(programme.phase)
    return to_phase, programme.cycle + 1 if to_phase == Phase.EVALUATION else programme.cycle


def gate_evaluate(*, programme: Programme) -> list[CriterionResult]:
    """Every criterion registered for leaving the programme's current phase, as it stands now."""
    return gate_registry.evaluate(programme)


class GateConflict(ValidationError):
    """The phase cannot move as asked: the programme has moved on meanwhile, or gate criteria are unmet.

    A ValidationError (the browser shows it on the form); the API answers 409 with the unmet criteria.
    """

    def __init__(self, field: str, message: str, *, unmet: list[CriterionResult] | None = None):
        super().__init__({field: [message]})
        self.field = field
        self.message_text = message
        self.unmet = list(unmet or [])


@transaction.atomic
def programme_transition(
    *, programme: Programme, user, rationale: str, override: bool = False, expected_phase: str | None = None
) -> PhaseTransition:
    """Move the programme to its next phase: the one place where the gate's rules are enforced.

    Checked in this order, under a lock of the programme: a non-blank rationale (``ValidationError`` on
    ``rationale``); the phase the caller saw (``GateConflict`` on ``phase``); every registered criterion met
    unless ``override`` is set (``GateConflict`` on ``override`` with the unmet criteria). The rationale stays
    on record with a snapshot of the criteria. Browser, API and demo all call this.
    """
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": _("Please give a reason for this decision; it stays on record.")})
    if expected_phase and programme.phase != expected_phase:
        raise GateConflict(
            "phase",
            _("The programme has already moved on to another phase. Please reload and check again."),
        )
    results = gate_evaluate(programme=programme)
    unmet = [result for result in results if not result.met]
    if unmet and not override:
        raise GateConflict(
            "override",
            ngettext(
                "%(count)d gate criterion is not met. Meet it first or override the gate with a written reason.",
                "%(count)d gate criteria are not met. Meet them first or override the gate with a written reason.",
                len(unmet),
            )
            % {"count": len(unmet)},
            unmet=unmet,
        )
    to_phase, to_cycle = next_phase(programme)
    transition = PhaseTransition.objects.create(
        programme=programme,
        from_phase=programme.phase,
        to_phase=to_phase,
        cycle=programme.cycle,
        decided_by=user,
        rationale=rationale,
        overridden=bool(unmet),
        criteria=[result.as_dict() for result in results],
    )
    programme.phase = to_phase
    programme.cycle = to_cycle
    # simple-history keeps the reason in a varchar(100); the full rationale stays on the transition.
    programme._change_reason = Truncator(rationale).chars(100)
    programme.save(update_fields=["phase", "cycle", "updated_at"])
    return transition


@transaction.atomic
def invitation_create(
    *, programme: Programme, email: str, role: str, invited_by, language: str | None = None
):
    """Invite someone by e-mail to a role. Returns the invitation and the raw token (only ever sent by mail)."""
    email = (email or "").strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role. Choose lead, member or stakeholder.")})
    if programme.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the programme.")})
    if programme.invitations.pending().filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An invitation to this address is still pending.")})
    token, token_hash = Invitation.new_token()
    invitation = Invitation(
        programme=programme,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean(exclude=["token_hash"])
    invitation.save()
    url = settings.SITE_URL + reverse("programmes:invitation", kwargs={"token": token})
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    from .tasks import send_invitation_email  # tasks call services; imported here to avoid a cycle

    transaction.on_commit(lambda: send_invitation_email.delay(invitation.pk, url, language))
    return invitation, token


def invitation_email_send(*, invitation_id: int, url: str, language: str) -> bool:
    """Send the e-mail with the invitation link (task ``send_invitation_email``).

    Nothing is sent for an invitation that was accepted, revoked or deleted in the meantime.
    """
    invitation = (
        Invitation.objects.select_related("programme__organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        return False
    programme = invitation.programme
    with translation.override(language):
        context = {
            "invitation": invitation,
            "url": url,
            "inviter": invitation.invited_by,
            "programme": programme,
        }
        subject = _("Invitation to the programme “%(title)s”") % {"title": programme.title}
        body = render_to_string("emails/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if not invitation.is_pending:
        raise ValidationError(_("Only pending invitations can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """Redeem an invitation once. An existing membership keeps the stronger of the two roles."""
    invitation = Invitation.objects.select_for_update().by_token(token).select_related("programme").first()
    if invitation is None or not invitation.is_pending:
        raise ValidationError(_("This invitation is invalid, has expired or has already been used."))
    # A forwarded or leaked link must not hand a role to someone else: the address has to be the user's own.
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise ValidationError(
            _(
                "This invitation was sent to %(email)s. Sign in with that address, or add and confirm it "
                "under “E-mail addresses”, to accept it."
            )
            % {"email": invitation.email}
        )
    membership, created = Membership.objects.get_or_create(
        programme=invitation.programme, user=user, defaults={"role": invitation.role}
    )
    rank = {Role.STAKEHOLDER: 1, Role.MEMBER: 2, Role.LEAD: 3}
    if not created and rank[invitation.role] > rank[membership.role]:
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, acting_user) -> Membership:
    # Lock the programme so two leads demoting each other cannot leave it without a lead.
    Programme.objects.select_for_update().filter(pk=membership.programme_id).first()
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role. Choose lead, member or stakeholder.")})
    if membership.role == Role.LEAD and role != Role.LEAD:
        _ensure_another_lead(membership)
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, acting_user) -> None:
    Programme.objects.select_for_update().filter(pk=membership.programme_id).first()
    if membership.role == Role.LEAD:
        _ensure_another_lead(membership)
    membership.delete()


def _ensure_another_lead(membership: Membership) -> None:
    others = membership.programme.memberships.filter(role=Role.LEAD).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError({"role": _("A programme needs at least one lead. Appoint another lead first.")})


@transaction.atomic
def stakeholder_create(*, programme: Programme, **fields) -> Stakeholder:
    stakeholder = Stakeholder(programme=programme, **fields)
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_update(*, stakeholder: Stakeholder, **fields) -> Stakeholder:
    fields.pop("programme", None)
    for name, value in fields.items():
        setattr(stakeholder, name, value)
    stakeholder.full_clean()
    stakeholder.save()
    return stakeholder


@transaction.atomic
def stakeholder_delete(*, stakeholder: Stakeholder) -> None:
    stakeholder.delete()
