"""Workshops of initiative circles: templates per EKT phase, services (writes), selectors (reads), dot voting,
guest links, the conversion registry, and the minutes/iCalendar exports.

Dot voting: every participant holds ``workshop.dots_per_participant`` dots in total and may stack several on one
output. ``vote_cast`` locks the workshop's row, then the participant's and the output's (``SELECT … FOR UPDATE``)
inside a transaction before it sums the dots already placed, so two requests of the same participant cannot both
pass the check, and a change of the workshop (``workshop_update``, which takes the same workshop lock) sees every
dot placed before it. The dots per participant cannot drop below what a participant has already placed, and once
a dot was placed in an anonymous vote, anonymity cannot be switched off again (``Workshop.anonymity_locked``).
Selectors never hand out per-person usage for an anonymous vote.

Guest links: signed tokens carrying the workshop, the participant and the link's version. They stop working
``WORKSHOP_GUEST_LINK_DAYS`` after the workshop's end, when a lead withdraws them, or when a new link replaces them.

Conversions: the hub must not import the phase apps. A phase app registers what an output can become::

    workshop_conversions.register("measure", _("measure"), convert, url=measure_url)

``convert(output, user, **form_data)`` creates the target object and returns it; the hub stores only the kind and
the id on the output (``converted_kind``/``converted_id``). ``targets()`` gives the objects of that kind that exist:
when the object an output became is deleted later, the output counts as not converted again (no dead link, and it
can be converted anew). The selectors annotate ``target_exists`` in the same query.

Votable objects: besides its ideas, a workshop can put existing objects of the programme to the vote (measures of
Konzeption). A phase app registers what can be voted on::

    votable_objects.register("measure", _("measure"), _("measures"), objects=measures_of, url=measure_url)

Putting one to the vote creates an output of kind "subject" that points to the object (``subject_kind``/
``subject_id``); dots go on that output, so every rule of the dot voting holds for it unchanged.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import (
    AgendaItem,
    Membership,
    Phase,
    Programme,
    Vote,
    Workshop,
    WorkshopOutput,
    WorkshopParticipant,
)

# --------------------------------------------------------------------------------------------------------------
# Templates per EKT phase
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkshopTemplate:
    key: str
    phase: str
    title: Any
    description: Any
    agenda: tuple[tuple[Any, int], ...]

    @property
    def phase_label(self) -> str:
        return Phase(self.phase).label

    @property
    def total_minutes(self) -> int:
        return sum(minutes for _title, minutes in self.agenda)


TEMPLATES: dict[str, WorkshopTemplate] = {
    template.key: template
    for template in [
        WorkshopTemplate(
            key="e_visitor_needs",
            phase=Phase.EVALUATION,
            title=_("Visitor needs from survey results"),
            description=_(
                "The initiative circle reads the survey results together and names the visitor needs "
                "that become findings."
            ),
            agenda=(
                (_("Welcome and goal of the workshop"), 10),
                (_("Key survey results"), 20),
                (_("Cluster visitor needs"), 30),
                (_("Dot voting on the most important needs"), 15),
                (_("Findings and next steps"), 15),
            ),
        ),
        WorkshopTemplate(
            key="k_journey_walk",
            phase=Phase.KONZEPTION,
            title=_("Journey walk and measure ideas"),
            description=_(
                "Walk along the visitor journey stage by stage, collect measure ideas for each stage and "
                "choose the most promising ones."
            ),
            agenda=(
                (_("Welcome and recap of the findings"), 10),
                (_("Journey walk along the visitor journey"), 45),
                (_("Collect measure ideas per stage"), 30),
                (_("Dot voting on the measure ideas"), 15),
                (_("Decisions and action items"), 20),
            ),
        ),
        WorkshopTemplate(
            key="t_retrospective",
            phase=Phase.TRANSFORMATION,
            title=_("Retrospective and scaling decision"),
            description=_(
                "Look back at what the measures achieved, read the KPIs and decide what to scale, "
                "change or stop."
            ),
            agenda=(
                (_("Welcome"), 5),
                (_("KPI review: what the figures say"), 20),
                (_("Retrospective: what worked, what did not"), 30),
                (_("Scaling options"), 20),
                (_("Dot voting and scaling decision"), 15),
                (_("Action items"), 10),
            ),
        ),
    ]
}


def template_choices() -> list[tuple[str, str]]:
    return [(key, f"{Phase(t.phase).label}: {t.title}") for key, t in TEMPLATES.items()]


# --------------------------------------------------------------------------------------------------------------
# Conversion registry
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Conversion:
    kind: str
    label: Any
    convert: Callable[..., Any]
    url: Callable[[Programme, int], str] | None = None
    # Extra inputs of the convert form: fields(programme, output) → {name: django.forms.Field}
    fields: Callable[[Programme, WorkshopOutput], dict] | None = None
    # True when the form must be filled in first (a milestone needs its measure); else one click converts.
    needs_input: bool = False
    # targets() → the objects of this kind that exist (a queryset); None: the hub cannot tell and trusts the link.
    targets: Callable[[], QuerySet] | None = None


@dataclass
class ConversionRegistry:
    _conversions: dict[str, Conversion] = field(default_factory=dict)

    def register(
        self,
        kind: str,
        label,
        convert: Callable[..., Any],
        *,
        url: Callable[[Programme, int], str] | None = None,
        fields: Callable[[Programme, WorkshopOutput], dict] | None = None,
        needs_input: bool = False,
        targets: Callable[[], QuerySet] | None = None,
    ) -> Conversion:
        """Register (or replace) what a workshop output can become."""
        conversion = Conversion(
            kind=kind,
            label=label,
            convert=convert,
            url=url,
            fields=fields,
            needs_input=needs_input,
            targets=targets,
        )
        self._conversions[kind] = conversion
        return conversion

    def unregister(self, kind: str) -> None:
        self._conversions.pop(kind, None)

    def get(self, kind: str) -> Conversion | None:
        return self._conversions.get(kind)

    def all(self) -> list[Conversion]:
        return list(self._conversions.values())

    def label(self, kind: str) -> str:
        conversion = self.get(kind)
        return str(conversion.label) if conversion else kind


workshop_conversions = ConversionRegistry()


def _target_exists_expression() -> Case:
    """SQL for "the object the output became still exists", one EXISTS per registered kind (False when the output
    was not converted or its kind is no longer registered; True for a kind that cannot say)."""
    whens = [
        When(
            converted_kind=conversion.kind,
            then=Exists(conversion.targets().filter(pk=OuterRef("converted_id")))
            if conversion.targets is not None
            else Value(True),
        )
        for conversion in workshop_conversions.all()
    ]
    return Case(*whens, default=Value(False), output_field=BooleanField())


def conversion_target_exists(output: WorkshopOutput) -> bool:
    """True when the output was converted and the object it became still exists."""
    conversion = workshop_conversions.get(output.converted_kind)
    if not output.converted_kind or not output.converted_id or conversion is None:
        return False
    if conversion.targets is None:
        return True
    return conversion.targets().filter(pk=output.converted_id).exists()


# --------------------------------------------------------------------------------------------------------------
# Votable objects: what of the programme can be put to the vote next to the ideas
# --------------------------------------------------------------------------------------------------------------


@dataclass
class VotableKind:
    kind: str
    label: Any  # singular, lower case ("measure")
    label_plural: Any  # "measures"
    # objects(programme) → every object of this kind in the programme (a queryset); what is not in it cannot be
    # put to the vote, and an option whose object left it counts as deleted.
    objects: Callable[[Programme], QuerySet]
    # choices(programme) → [(id, label)] offered to the facilitator; default: the objects by title.
    choices: Callable[[Programme], Iterable[tuple[int, str]]] | None = None
    url: Callable[[Programme, int], str] | None = None
    title_field: str = "title"

    def offered(self, programme: Programme) -> list[tuple[int, str]]:
        if self.choices is not None:
            return list(self.choices(programme))
        return list(self.objects(programme).order_by(self.title_field).values_list("pk", self.title_field))


@dataclass
class VotableRegistry:
    _kinds: dict[str, VotableKind] = field(default_factory=dict)

    def register(
        self,
        kind: str,
        label,
        label_plural,
        *,
        objects: Callable[[Programme], QuerySet],
        choices: Callable[[Programme], Iterable[tuple[int, str]]] | None = None,
        url: Callable[[Programme, int], str] | None = None,
        title_field: str = "title",
    ) -> VotableKind:
        """Register (or replace) a kind of object of the programme that a workshop can put to the vote."""
        votable = VotableKind(
            kind=kind,
            label=label,
            label_plural=label_plural,
            objects=objects,
            choices=choices,
            url=url,
            title_field=title_field,
        )
        self._kinds[kind] = votable
        return votable

    def unregister(self, kind: str) -> None:
        self._kinds.pop(kind, None)

    def get(self, kind: str) -> VotableKind | None:
        return self._kinds.get(kind)

    def all(self) -> list[VotableKind]:
        return list(self._kinds.values())


votable_objects = VotableRegistry()


def _subject_title_expression(programme: Programme) -> Case:
    """SQL for the current title of the object an option points to; NULL when it no longer exists in the
    programme (or is no output of kind "subject")."""
    whens = [
        When(
            subject_kind=votable.kind,
            then=Subquery(
                votable.objects(programme).filter(pk=OuterRef("subject_id")).values(votable.title_field)[:1]
            ),
        )
        for votable in votable_objects.all()
    ]
    return Case(*whens, default=Value(None, output_field=CharField()), output_field=CharField())


def subject_url(output: WorkshopOutput, programme: Programme) -> str:
    """The page of the object an option points to ("" when it is gone or its kind cannot link)."""
    votable = votable_objects.get(output.subject_kind)
    if votable is None or votable.url is None or output.subject_id is None or output.subject_deleted:
        return ""
    return votable.url(programme, output.subject_id)


# --------------------------------------------------------------------------------------------------------------
# Services: workshops
# --------------------------------------------------------------------------------------------------------------

WORKSHOP_FIELDS = {
    "phase",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "facilitator",
    "description",
    "dots_per_participant",
    "anonymous_voting",
    "voting_open",
}


# A change of these raises the workshop's iCalendar SEQUENCE (the date, the time or the place of the appointment).
CALENDAR_FIELDS = ("starts_at", "ends_at", "place", "online_url")


def _only(fields: dict, allowed: set[str]) -> dict:
    return {name: value for name, value in fields.items() if name in allowed}


@transaction.atomic
def workshop_create(*, programme: Programme, created_by=None, template: str = "", **fields) -> Workshop:
    """Create a workshop; with a template key the phase, title, description and agenda come from the template
    unless given, and the end defaults to the start plus the agenda's time boxes."""
    fields = _only(fields, WORKSHOP_FIELDS)
    chosen = None
    if template:
        chosen = TEMPLATES.get(template)
        if chosen is None:
            raise ValidationError({"template": gettext("Unknown workshop template.")})
        if not fields.get("phase"):
            fields["phase"] = chosen.phase
        if not fields.get("title"):
            fields["title"] = str(chosen.title)
        if not fields.get("description"):
            fields["description"] = str(chosen.description)
        if fields.get("starts_at") and not fields.get("ends_at"):
            fields["ends_at"] = fields["starts_at"] + timedelta(minutes=chosen.total_minutes)
    if not fields.get("phase"):
        fields["phase"] = programme.phase
    if fields.get("starts_at") and not fields.get("ends_at"):
        fields["ends_at"] = fields["starts_at"] + timedelta(hours=2)
    workshop = Workshop(
        programme=programme, cycle=programme.cycle, template=template, created_by=created_by, **fields
    )
    _clean_workshop(workshop)
    workshop.save()
    if chosen is not None:
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(workshop=workshop, position=index, title=str(title), minutes=minutes)
                for index, (title, minutes) in enumerate(chosen.agenda, start=1)
            ]
        )
    return workshop


def _clean_workshop(workshop: Workshop, errors: dict | None = None) -> None:
    errors = dict(errors or {})
    try:
        workshop.full_clean(exclude=["programme", "created_by"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if workshop.starts_at and workshop.ends_at and workshop.ends_at <= workshop.starts_at:
        errors.setdefault("ends_at", []).append(gettext("The workshop must end after it starts."))
    if errors:
        raise ValidationError(errors)


def _lock_workshop(workshop_id: int) -> Workshop | None:
    """Lock the workshop's row. Every write that depends on the voting rules (a dot, a change of the dots or of
    anonymity, a reset) takes this lock first, so they are serialised per workshop and see each other's result."""
    return Workshop.objects.select_for_update(no_key=True).filter(pk=workshop_id).first()


def busiest_participant_dots(workshop: Workshop) -> int:
    """The most dots one participant of the workshop has placed (0 when nobody voted)."""
    busiest = (
        Vote.objects.filter(participant__workshop=workshop)
        .values("participant")
        .annotate(used=Sum("dots"))
        .aggregate(most=Max("used"))["most"]
    )
    return busiest or 0


def anonymity_is_locked(workshop: Workshop) -> bool:
    """True when anonymous voting can no longer be switched off: dots were placed while it was anonymous."""
    return workshop.anonymous_voting and (
        workshop.anonymity_locked or Vote.objects.filter(output__workshop=workshop).exists()
    )


def _voting_rule_errors(locked: Workshop, fields: dict) -> dict:
    """Changes that would break votes already placed: fewer dots than a participant used, anonymity switched off."""
    errors: dict[str, list] = {}
    dots = fields.get("dots_per_participant", locked.dots_per_participant)
    if isinstance(dots, int) and not isinstance(dots, bool) and 1 <= dots < locked.dots_per_participant:
        busiest = busiest_participant_dots(locked)
        if busiest > dots:
            errors["dots_per_participant"] = [
                ngettext(
                    "A participant has already placed %(busiest)s dot, so each participant needs at least "
                    "%(busiest)s. Reset the vote first to give fewer dots.",
                    "A participant has already placed %(busiest)s dots, so each participant needs at least "
                    "%(busiest)s. Reset the vote first to give fewer dots.",
                    busiest,
                )
                % {"busiest": busiest}
            ]
    if fields.get("anonymous_voting", True) is False and anonymity_is_locked(locked):
        errors["anonymous_voting"] = [
            gettext(
                "Dots have already been placed anonymously, so the voting stays anonymous: switching it off "
                "would reveal who voted what."
            )
        ]
    return errors


@transaction.atomic
def workshop_update(*, workshop: Workshop, **fields) -> Workshop:
    """Change a workshop. Refused per field: fewer dots per participant than someone already placed, and
    switching anonymous voting off once dots were placed anonymously. Switching it on is always possible.
    A new date, time or place raises the calendar SEQUENCE."""
    fields = _only(fields, WORKSHOP_FIELDS)
    locked = _lock_workshop(workshop.pk)
    if locked is None:
        raise ValidationError(gettext("This workshop no longer exists."))
    errors = _voting_rule_errors(locked, fields)
    before = {name: getattr(locked, name) for name in CALENDAR_FIELDS}
    for name, value in fields.items():
        setattr(locked, name, value)
    _clean_workshop(locked, errors)
    if any(getattr(locked, name) != value for name, value in before.items()):
        locked.calendar_sequence += 1  # calendars replace the appointment they imported before
    locked.save()
    for model_field in Workshop._meta.concrete_fields:
        setattr(workshop, model_field.attname, getattr(locked, model_field.attname))
    return workshop


@transaction.atomic
def workshop_set_voting(*, workshop: Workshop, open: bool) -> Workshop:
    workshop.voting_open = open
    workshop.save(update_fields=["voting_open"])
    return workshop


@transaction.atomic
def workshop_reset_votes(*, workshop: Workshop) -> int:
    """Take every dot of the workshop off again (all participants start with all their dots); returns how many
    dots were removed. An anonymous vote stays anonymous."""
    if _lock_workshop(workshop.pk) is None:
        return 0
    removed = Vote.objects.filter(output__workshop_id=workshop.pk).aggregate(dots=Coalesce(Sum("dots"), 0))[
        "dots"
    ]
    Vote.objects.filter(output__workshop_id=workshop.pk).delete()
    return removed


@transaction.atomic
def workshop_delete(*, workshop: Workshop) -> None:
    _lock_workshop(workshop.pk)  # the same lock order as a dot being placed: no deadlock with a running vote
    workshop.delete()


# --- Participants ---------------------------------------------------------------------------------------------


def _user_in_programme(user, programme: Programme) -> bool:
    return (
        Membership.objects.filter(programme=programme, user=user).exists()
        or programme.organisation.admins.filter(pk=user.pk).exists()
    )


@transaction.atomic
def participant_add(
    *, workshop: Workshop, user=None, name: str = "", email: str = "", organisation: str = ""
) -> WorkshopParticipant:
    """Add a participant: a person with a role in the programme (by account) or a guest by name."""
    name = (name or "").strip()
    if user is not None:
        if not _user_in_programme(user, workshop.programme):
            raise ValidationError(
                {"user": gettext("Only people with a role in the programme take part by account.")}
            )
        if WorkshopParticipant.objects.filter(workshop=workshop, user=user).exists():
            raise ValidationError({"user": gettext("This person already takes part.")})
        name = name or user.get_full_name() or user.email
        email = email or user.email
    elif not name:
        raise ValidationError({"name": gettext("Please give the guest's name.")})
    participant = WorkshopParticipant(
        workshop=workshop, user=user, name=name, email=email, organisation=organisation
    )
    participant.full_clean(exclude=["workshop", "user"])
    participant.save()
    return participant


@transaction.atomic
def participant_update(*, participant: WorkshopParticipant, **fields) -> WorkshopParticipant:
    for name in ("name", "email", "organisation"):
        if name in fields:
            setattr(participant, name, (fields[name] or "").strip())
    if not participant.name:
        raise ValidationError({"name": gettext("Please give the guest's name.")})
    participant.full_clean(exclude=["workshop", "user"])
    participant.save()
    return participant


@transaction.atomic
def participant_remove(*, participant: WorkshopParticipant) -> None:
    # lock the row before its dots go: a dot being placed at the same moment then waits instead of deadlocking
    WorkshopParticipant.objects.select_for_update().filter(pk=participant.pk).first()
    participant.delete()


def participant_for_user(*, workshop: Workshop, user, create: bool = False) -> WorkshopParticipant | None:
    """The user's participant row in the workshop; ``create`` adds lead/member accounts on first use."""
    if user is None or not user.is_authenticated:
        return None
    participant = WorkshopParticipant.objects.filter(workshop=workshop, user=user).first()
    if participant is None and create and user.has_perm("programmes.edit_content", workshop.programme):
        try:
            with transaction.atomic():
                participant = participant_add(workshop=workshop, user=user)
        except ValidationError:  # added concurrently by a second request
            participant = WorkshopParticipant.objects.filter(workshop=workshop, user=user).first()
    return participant


# --- Guest links ------------------------------------------------------------------------------------------------

GUEST_SALT = "programmes.workshops.guest-link"


class GuestLinkState:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # forged, altered, of another feature, or the guest was removed


@dataclass(frozen=True)
class GuestLink:
    """What a guest link token leads to: the guest (when the token is genuine) and whether the link works."""

    participant: WorkshopParticipant | None
    state: str

    @property
    def usable(self) -> bool:
        return self.state == GuestLinkState.ACTIVE


def guest_token(participant: WorkshopParticipant) -> str:
    """A signed token for the guest's personal voting link (URL-safe: letters, digits, ``-`` and ``_``).

    It carries the workshop, the participant and the link's version; a new link raises the version, so every
    older token stops working. (Version 0, the first link, is left out, which keeps the first tokens short.)
    """
    payload = {"w": participant.workshop_id, "p": participant.pk}
    if participant.link_version:
        payload["v"] = participant.link_version
    signed = signing.dumps(payload, salt=GUEST_SALT)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def guest_link_expires_at(workshop: Workshop):
    """Guest links stop working ``WORKSHOP_GUEST_LINK_DAYS`` days after the workshop's end (moved with it)."""
    return workshop.ends_at + timedelta(days=settings.WORKSHOP_GUEST_LINK_DAYS)


def guest_link_state(participant: WorkshopParticipant, *, workshop: Workshop | None = None, now=None) -> str:
    """The state of the guest's current link: active, revoked (withdrawn by a lead) or expired. Pass the
    workshop when it is at hand (lists), so that no query is needed per guest."""
    if participant.user_id is not None:
        return GuestLinkState.UNKNOWN  # people with an account have no guest link
    if participant.link_revoked_at is not None:
        return GuestLinkState.REVOKED
    if (now or timezone.now()) >= guest_link_expires_at(workshop or participant.workshop):
        return GuestLinkState.EXPIRED
    return GuestLinkState.ACTIVE


def guest_link_resolve(token: str, *, now=None) -> GuestLink:
    """The guest a token was signed for and whether the link still works.

    UNKNOWN: forged, altered, signed for something else, or the guest is gone. REVOKED: a lead withdrew the link
    or issued a newer one. EXPIRED: more than ``WORKSHOP_GUEST_LINK_DAYS`` days after the workshop's end.
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        signed = base64.urlsafe_b64decode(padded.encode()).decode()
        payload = signing.loads(signed, salt=GUEST_SALT)
        workshop_id, participant_id = int(payload["w"]), int(payload["p"])
        version = int(payload.get("v", 0))
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError, signing.BadSignature):
        return GuestLink(None, GuestLinkState.UNKNOWN)
    participant = (
        WorkshopParticipant.objects.select_related("workshop__programme__organisation")
        .filter(pk=participant_id, workshop_id=workshop_id, user__isnull=True)
        .first()
    )
    if participant is None:
        return GuestLink(None, GuestLinkState.UNKNOWN)
    if version != participant.link_version:
        return GuestLink(participant, GuestLinkState.REVOKED)
    return GuestLink(participant, guest_link_state(participant, now=now))


def guest_from_token(token: str) -> WorkshopParticipant | None:
    """The guest of a token whose link still works; None when it is forged, replaced, withdrawn or expired."""
    link = guest_link_resolve(token)
    return link.participant if link.usable else None


def _guest_for_link(participant: WorkshopParticipant) -> WorkshopParticipant:
    locked = WorkshopParticipant.objects.select_for_update().filter(pk=participant.pk).first()
    if locked is None:
        raise ValidationError({"participant": gettext("This participant no longer takes part.")})
    if locked.user_id is not None:
        raise ValidationError(
            {"participant": gettext("Only guests have a personal link; people with an account sign in.")}
        )
    return locked


@transaction.atomic
def guest_link_renew(*, participant: WorkshopParticipant) -> WorkshopParticipant:
    """Issue a new personal link for the guest: every older link of theirs stops working. The guest's dots stay."""
    locked = _guest_for_link(participant)
    locked.link_version += 1
    locked.link_revoked_at = None
    locked.save(update_fields=["link_version", "link_revoked_at"])
    participant.link_version, participant.link_revoked_at = locked.link_version, None
    return participant


@transaction.atomic
def guest_link_revoke(*, participant: WorkshopParticipant) -> WorkshopParticipant:
    """Withdraw the guest's link without issuing a new one (``guest_link_renew`` gives them one again).
    The guest stays a participant and keeps the dots already placed."""
    locked = _guest_for_link(participant)
    if locked.link_revoked_at is None:
        locked.link_revoked_at = timezone.now()
        locked.save(update_fields=["link_revoked_at"])
    participant.link_version, participant.link_revoked_at = locked.link_version, locked.link_revoked_at
    return participant


# --- Agenda -----------------------------------------------------------------------------------------------------

AGENDA_FIELDS = {"title", "minutes", "notes"}


@transaction.atomic
def agenda_item_add(*, workshop: Workshop, **fields) -> AgendaItem:
    last = workshop.agenda.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(workshop=workshop, position=last + 1, **_only(fields, AGENDA_FIELDS))
    item.full_clean(exclude=["workshop"])
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields) -> AgendaItem:
    for name, value in _only(fields, AGENDA_FIELDS).items():
        setattr(item, name, value)
    item.full_clean(exclude=["workshop"])
    item.save()
    return item


def _renumber(workshop: Workshop, ordered: list[AgendaItem]) -> None:
    for index, item in enumerate(ordered, start=1):
        item.position = index
    AgendaItem.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    workshop = item.workshop
    item.delete()
    _renumber(workshop, list(workshop.agenda.all()))


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item one place up or down."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": gettext("Choose up or down.")})
    items = list(AgendaItem.objects.select_for_update().filter(workshop_id=item.workshop_id))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(item.workshop, items)
    item.position = next(other.position for other in items if other.pk == item.pk)
    return item


@transaction.atomic
def agenda_reorder(*, workshop: Workshop, order: Iterable[int]) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids; the ids must be exactly the workshop's items."""
    order = list(order)
    items = {item.pk: item for item in AgendaItem.objects.select_for_update().filter(workshop=workshop)}
    if sorted(order) != sorted(items):
        raise ValidationError({"order": gettext("Give every agenda item of this workshop exactly once.")})
    ordered = [items[pk] for pk in order]
    _renumber(workshop, ordered)
    return ordered


# --- Outputs ----------------------------------------------------------------------------------------------------

OUTPUT_FIELDS = {"kind", "text", "owner", "due", "votable", "agenda_item"}
# What may change on an object of the programme put to the vote: its title comes from the object itself.
SUBJECT_FIELDS = {"votable", "agenda_item"}


def _check_agenda_item(workshop: Workshop, agenda_item) -> None:
    if agenda_item is not None and agenda_item.workshop_id != workshop.pk:
        raise ValidationError({"agenda_item": gettext("The agenda item belongs to another workshop.")})


def _subject_kind_error() -> ValidationError:
    return ValidationError(
        {"kind": gettext("Objects of the programme are put to the vote with their own form, not captured.")}
    )


@transaction.atomic
def output_add(*, workshop: Workshop, **fields) -> WorkshopOutput:
    """Capture an idea, decision or action item; ideas are open for dot voting unless said otherwise."""
    fields = _only(fields, OUTPUT_FIELDS)
    if fields.get("kind") == WorkshopOutput.Kind.SUBJECT:
        raise _subject_kind_error()
    if fields.get("votable") is None:
        fields["votable"] = fields.get("kind") == WorkshopOutput.Kind.IDEA
    _check_agenda_item(workshop, fields.get("agenda_item"))
    output = WorkshopOutput(workshop=workshop, **fields)
    output.full_clean(exclude=["workshop"])
    output.save()
    return output


@transaction.atomic
def output_update(*, output: WorkshopOutput, **fields) -> WorkshopOutput:
    """Change an output. An object of the programme put to the vote keeps its kind and title (they come from the
    object); only whether it is open for voting and its agenda item change."""
    fields = _only(fields, OUTPUT_FIELDS)
    if output.kind == WorkshopOutput.Kind.SUBJECT:
        changed = {name for name in fields.keys() - SUBJECT_FIELDS if fields[name] != getattr(output, name)}
        if changed:
            message = gettext("This comes from the programme: change it there.")
            raise ValidationError(dict.fromkeys(sorted(changed), message))
    elif fields.get("kind") == WorkshopOutput.Kind.SUBJECT:
        raise _subject_kind_error()
    if "agenda_item" in fields:
        _check_agenda_item(output.workshop, fields["agenda_item"])
    for name, value in fields.items():
        setattr(output, name, value)
    output.full_clean(exclude=["workshop"])
    output.save()
    return output


@transaction.atomic
def output_delete(*, output: WorkshopOutput) -> None:
    """Remove an output with its dots (for an object put to the vote: take it off the vote again)."""
    # lock the row before its dots go: a dot being placed at the same moment then waits instead of deadlocking
    WorkshopOutput.objects.select_for_update().filter(pk=output.pk).first()
    output.delete()


@transaction.atomic
def subjects_put_to_vote(*, workshop: Workshop, kind: str, ids: Iterable[int]) -> list[WorkshopOutput]:
    """Put objects of the workshop's programme (e.g. measures) to the vote next to the ideas. Each becomes an
    output of kind "subject", open for dots, with the object's title. All or nothing: refused when an object is
    not of this programme or already on the vote."""
    votable = votable_objects.get(kind)
    if votable is None:
        raise ValidationError({"subject_kind": gettext("This cannot be put to the vote.")})
    ids = list(ids)
    if not ids or not all(isinstance(pk, int) and not isinstance(pk, bool) and 1 <= pk < 2**63 for pk in ids):
        raise ValidationError({"subject_id": gettext("Choose at least one.")})
    if _lock_workshop(workshop.pk) is None:  # serialises two facilitators adding the same object
        raise ValidationError(gettext("This workshop no longer exists."))
    titles = dict(
        votable.objects(workshop.programme).filter(pk__in=ids).values_list("pk", votable.title_field)
    )
    if set(ids) - set(titles):
        raise ValidationError(
            {
                "subject_id": gettext("Choose from the %(kinds)s of this programme.")
                % {"kinds": votable.label_plural}
            }
        )
    taken = set(
        WorkshopOutput.objects.filter(workshop=workshop, subject_kind=kind, subject_id__in=ids).values_list(
            "subject_id", flat=True
        )
    )
    twice = taken or {pk for pk in ids if ids.count(pk) > 1}
    if twice:
        raise ValidationError(
            {"subject_id": gettext("“%(title)s” is already put to the vote.") % {"title": titles[min(twice)]}}
        )
    outputs = []
    for pk in ids:
        output = WorkshopOutput(
            workshop=workshop,
            kind=WorkshopOutput.Kind.SUBJECT,
            text=str(titles[pk]),
            votable=True,
            subject_kind=kind,
            subject_id=pk,
        )
        output.full_clean(exclude=["workshop"])
        output.save()
        outputs.append(output)
    return outputs


def subject_put_to_vote(*, workshop: Workshop, kind: str, object_id: int) -> WorkshopOutput:
    """Put one object of the programme to the vote (see ``subjects_put_to_vote``)."""
    return subjects_put_to_vote(workshop=workshop, kind=kind, ids=[object_id])[0]


@transaction.atomic
def output_convert(*, output: WorkshopOutput, kind: str, user, **form_data):
    """Turn an output into a finding, measure or milestone through the registered conversion. Only once — unless
    the object it became was deleted since: then the output can be converted again and the new link replaces
    the dead one."""
    conversion = workshop_conversions.get(kind)
    if conversion is None:
        raise ValidationError({"kind": gettext("This output cannot become that.")})
    locked = (
        WorkshopOutput.objects.select_for_update().select_related("workshop__programme").get(pk=output.pk)
    )
    if locked.kind == WorkshopOutput.Kind.SUBJECT:
        raise ValidationError(gettext("This is already an object of the programme; it is not converted."))
    if locked.converted_kind and conversion_target_exists(locked):
        raise ValidationError(
            gettext("This output has already become a %(kind)s.")
            % {"kind": workshop_conversions.label(locked.converted_kind)}
        )
    target = conversion.convert(locked, user, **form_data)
    locked.converted_kind = kind
    locked.converted_id = target.pk
    locked.converted_at = timezone.now()
    locked.save(update_fields=["converted_kind", "converted_id", "converted_at"])
    output.converted_kind, output.converted_id, output.converted_at = (
        locked.converted_kind,
        locked.converted_id,
        locked.converted_at,
    )
    output.target_exists = True
    return target


def output_target_url(output: WorkshopOutput) -> str | None:
    """Where the object an output became lives (None when it was not converted, the kind is unknown or the
    object has been deleted since)."""
    conversion = workshop_conversions.get(output.converted_kind)
    if not output.converted_id or conversion is None or conversion.url is None:
        return None
    if not conversion_target_exists(output):
        return None
    return conversion.url(output.workshop.programme, output.converted_id) or None


# --- Dot voting ---------------------------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, participant: WorkshopParticipant, output: WorkshopOutput, dots: int = 1) -> Vote:
    """Put ``dots`` more of the participant's dots on the output.

    Refused unless voting is open, the output is votable and in the participant's workshop, and the participant
    has that many dots left. The workshop's row is locked first, then the participant's and the output's, so
    concurrent dots, a change of the dots per participant and a reset are serialised. The first dot of an
    anonymous vote locks the anonymity for good.
    """
    if not isinstance(dots, int) or isinstance(dots, bool) or dots < 1:
        raise ValidationError({"dots": gettext("Place at least one dot.")})
    workshop, locked = _lock_for_voting(participant)
    output = _votable_output(workshop, output)
    used = Vote.objects.filter(participant=locked).aggregate(used=Coalesce(Sum("dots"), 0))["used"]
    left = max(workshop.dots_per_participant - used, 0)
    if dots > left:
        raise ValidationError(
            {
                "dots": ngettext(
                    "Only %(left)s of %(total)s dots is left.",
                    "Only %(left)s of %(total)s dots are left.",
                    left,
                )
                % {
                    "left": left,
                    "total": workshop.dots_per_participant,
                }
            }
        )
    vote = Vote.objects.filter(participant=locked, output=output).first()
    if vote is None:
        vote = Vote(participant=locked, output=output, dots=dots)
    else:
        vote.dots += dots
    vote.full_clean()
    vote.save()
    if workshop.anonymous_voting and not workshop.anonymity_locked:
        Workshop.objects.filter(pk=workshop.pk).update(anonymity_locked=True)
    return vote


@transaction.atomic
def vote_remove(*, participant: WorkshopParticipant, output: WorkshopOutput, dots: int = 1) -> Vote | None:
    """Take ``dots`` of the participant's dots off the output again (while voting is open)."""
    if not isinstance(dots, int) or isinstance(dots, bool) or dots < 1:
        raise ValidationError({"dots": gettext("Remove at least one dot.")})
    workshop, locked = _lock_for_voting(participant)
    output = _votable_output(workshop, output, adding=False)
    vote = Vote.objects.filter(participant=locked, output=output).first()
    if vote is None:
        raise ValidationError({"output": gettext("There is no dot of yours on this output.")})
    if dots >= vote.dots:
        vote.delete()
        return None
    vote.dots -= dots
    vote.save(update_fields=["dots"])
    return vote


def _lock_for_voting(participant: WorkshopParticipant) -> tuple[Workshop, WorkshopParticipant]:
    """Lock the workshop's row, then the participant's (always in this order), and read both afresh."""
    gone = ValidationError({"participant": gettext("This participant no longer takes part.")})
    workshop = _lock_workshop(participant.workshop_id)
    if workshop is None:
        raise gone
    locked = (
        WorkshopParticipant.objects.select_for_update().filter(pk=participant.pk, workshop=workshop).first()
    )
    if locked is None:
        raise gone
    return workshop, locked


def _votable_output(workshop: Workshop, output: WorkshopOutput, *, adding: bool = True) -> WorkshopOutput:
    current = WorkshopOutput.objects.select_for_update(no_key=True).filter(pk=output.pk).first()
    if current is None or current.workshop_id != workshop.pk:
        raise ValidationError({"output": gettext("This output belongs to another workshop.")})
    if not workshop.voting_open:
        raise ValidationError({"output": gettext("Voting is closed.")})
    if not current.votable:
        raise ValidationError({"output": gettext("This output is not open for dot voting.")})
    if adding and current.kind == WorkshopOutput.Kind.SUBJECT and not _subject_exists(workshop, current):
        # dots already on it can still be taken off again
        raise ValidationError({"output": gettext("This has been deleted in the programme in the meantime.")})
    return current


def _subject_exists(workshop: Workshop, output: WorkshopOutput) -> bool:
    votable = votable_objects.get(output.subject_kind)
    if votable is None:
        return False
    return votable.objects(workshop.programme).filter(pk=output.subject_id).exists()


# --------------------------------------------------------------------------------------------------------------
# Selectors
# --------------------------------------------------------------------------------------------------------------


def workshops_for(programme: Programme):
    """The programme's workshops with counts for the list (one query)."""
    return (
        Workshop.objects.filter(programme=programme)
        .annotate(
            participant_count=Count("participants", distinct=True),
            output_count=Count("outputs", distinct=True),
        )
        .order_by("-starts_at")
    )


def workshops_split(programme: Programme, *, now=None) -> tuple[list[Workshop], list[Workshop]]:
    """(upcoming soonest first, past latest first)."""
    now = now or timezone.now()
    workshops = list(workshops_for(programme))
    upcoming = sorted((w for w in workshops if w.ends_at >= now), key=lambda w: w.starts_at)
    past = [w for w in workshops if w.ends_at < now]
    return upcoming, past


def workshop_results(workshop: Workshop):
    """Votable outputs (ideas and objects of the programme put to the vote) with their dots summed in the
    database, most dots first. ``voter_count`` (participants with dots on the output) is None for an anonymous
    vote: only the totals per output are shown then. ``subject_title`` as in ``outputs_with_dots``."""
    voter_count = Value(None, output_field=IntegerField()) if workshop.anonymous_voting else Count("votes")
    return (
        WorkshopOutput.objects.filter(workshop=workshop, votable=True)
        .annotate(
            total_dots=Coalesce(Sum("votes__dots"), 0),
            voter_count=voter_count,
            subject_title=_subject_title_expression(workshop.programme),
        )
        .order_by("-total_dots", "created_at", "id")
    )


def outputs_with_dots(workshop: Workshop):
    """The workshop's outputs with their dots, in one query. ``target_exists``: the object an output became still
    exists (else the output counts as not converted); ``subject_title``: the current title of an object put to the
    vote (None when it was deleted)."""
    return (
        WorkshopOutput.objects.filter(workshop=workshop)
        .select_related("agenda_item")
        .annotate(
            total_dots=Coalesce(Sum("votes__dots"), 0),
            target_exists=_target_exists_expression(),
            subject_title=_subject_title_expression(workshop.programme),
        )
        .order_by("kind", "created_at", "id")
    )


def votes_by_output(workshop: Workshop) -> dict[int, list[Vote]]:
    """Who put how many dots where (empty for anonymous voting)."""
    if workshop.anonymous_voting:
        return {}
    grouped: dict[int, list[Vote]] = {}
    for vote in (
        Vote.objects.filter(output__workshop=workshop)
        .select_related("participant")
        .order_by("participant__name", "id")
    ):
        grouped.setdefault(vote.output_id, []).append(vote)
    return grouped


def participant_dots(participant: WorkshopParticipant | None) -> dict[int, int]:
    """output id → dots this participant placed there (a participant always sees their own dots)."""
    if participant is None:
        return {}
    return dict(Vote.objects.filter(participant=participant).values_list("output_id", "dots"))


def dots_left(workshop: Workshop, placed: dict[int, int]) -> int:
    return max(workshop.dots_per_participant - sum(placed.values()), 0)


def participants_for(workshop: Workshop):
    """The participants with ``dots_used``, the dots each has placed; None for an anonymous vote, where nobody
    sees who used how many dots (not even leads: that would tell who voted when)."""
    dots_used = (
        Value(None, output_field=IntegerField())
        if workshop.anonymous_voting
        else Coalesce(Sum("votes__dots"), 0)
    )
    return (
        WorkshopParticipant.objects.filter(workshop=workshop)
        .annotate(dots_used=dots_used)
        .order_by("name", "id")
    )


def voting_progress(workshop: Workshop, *, participant_count: int) -> dict:
    """Aggregates of the vote, never per person (so also fit for anonymous voting): dots placed and available,
    and how many participants have placed at least one dot."""
    summary = Vote.objects.filter(output__workshop=workshop).aggregate(
        placed=Coalesce(Sum("dots"), 0),
        voters=Count("participant", distinct=True),
    )
    return {
        "dots_placed": summary["placed"],
        "dots_available": participant_count * workshop.dots_per_participant,
        "voters": summary["voters"],
        "participant_count": participant_count,
    }


# --------------------------------------------------------------------------------------------------------------
# Exports: iCalendar invitation
# --------------------------------------------------------------------------------------------------------------


def calendar_uid(workshop: Workshop) -> str:
    """The appointment's UID: the same for every download, whoever downloads it through whichever address (the
    host of ``SITE_URL``), so a calendar replaces the appointment instead of adding a second one."""
    host = urlsplit(settings.SITE_URL).hostname or "stadtlotse"
    return f"workshop-{workshop.pk}@{host}"


def workshop_ics(workshop: Workshop, *, agenda: list[AgendaItem], url: str, attendees=()) -> bytes:
    """An iCalendar file (RFC 5545) with one VEVENT: times in UTC, the agenda in the description.

    ``UID`` is stable and ``SEQUENCE`` rises with every new date, time or place (``workshop_update``), so calendar
    programs update the appointment they imported before. With ``attendees`` (participants with an account and an
    e-mail address: only for those who run the workshop) it is an invitation (``METHOD:REQUEST``); without, a
    plain calendar entry (``METHOD:PUBLISH``, which must not name attendees, RFC 5546).
    """
    from icalendar import Calendar, Event, vCalAddress, vText

    attendees = [p for p in attendees if p.user_id and p.email]  # guests' addresses are never handed out
    calendar = Calendar()
    calendar.add("prodid", "-//Stadtlotse//Workshops//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST" if attendees else "PUBLISH")
    event = Event()
    event.add("uid", calendar_uid(workshop))
    event.add("sequence", workshop.calendar_sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    if workshop.created_at:
        event.add("created", workshop.created_at.astimezone(UTC))
    event.add("dtstart", workshop.starts_at.astimezone(UTC))
    event.add("dtend", workshop.ends_at.astimezone(UTC))
    event.add("status", "CONFIRMED")
    event.add("summary", workshop.title)
    location = workshop.place or workshop.online_url
    if location:
        event.add("location", location)
    lines = []
    if workshop.description:
        lines += [workshop.description, ""]
    if agenda:
        lines.append(gettext("Agenda"))
        for index, item in enumerate(agenda, start=1):
            lines.append(
                gettext("%(n)s. %(title)s (%(minutes)s min)")
                % {"n": index, "title": item.title, "minutes": item.minutes}
            )
    if workshop.online_url:
        lines += ["", gettext("Online: %(url)s") % {"url": workshop.online_url}]
    if workshop.facilitator:
        lines += [gettext("Facilitation: %(name)s") % {"name": workshop.facilitator}]
    event.add("description", "\n".join(lines).strip())
    event.add("url", url)
    # RFC 5546 wants an organizer in both methods. The platform's sender address: nobody's personal address is
    # handed out, and everybody who opens the file is an attendee, whose calendar then follows the updates.
    sender_name, sender_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{sender_address or 'noreply@localhost'}")
    organizer.params["cn"] = vText(workshop.facilitator or sender_name or "Stadtlotse")
    event.add("organizer", organizer, encode=0)
    for participant in attendees:
        attendee = vCalAddress(f"mailto:{participant.email}")
        attendee.params["cn"] = vText(participant.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    return weasyprint


def pdf_available() -> bool:
    return _weasyprint() is not None


def html_to_pdf(html: str) -> bytes:
    """Render the printable minutes; no base URL, so WeasyPrint fetches nothing over the network."""
    return _weasyprint().HTML(string=html).write_pdf()
