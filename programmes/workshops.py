"""Workshops of initiative circles: templates per EKT phase, services (writes), selectors (reads), dot voting,
guest links, the conversion registry, and the minutes/iCalendar exports.

Dot voting: every participant holds ``workshop.dots_per_participant`` dots in total and may stack several on one
output. ``vote_cast`` locks the participant's row (``SELECT … FOR UPDATE``) inside a transaction before it sums
the dots already placed, so two requests of the same participant cannot both pass the check.

Conversions: the hub must not import the phase apps. A phase app registers what an output can become::

    workshop_conversions.register("measure", _("measure"), convert, url=measure_url)

``convert(output, user, **form_data)`` creates the target object and returns it; the hub stores only the kind and
the id on the output (``converted_kind``/``converted_id``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
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
    ) -> Conversion:
        """Register (or replace) what a workshop output can become."""
        conversion = Conversion(
            kind=kind, label=label, convert=convert, url=url, fields=fields, needs_input=needs_input
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


def _clean_workshop(workshop: Workshop) -> None:
    errors = {}
    try:
        workshop.full_clean(exclude=["programme", "created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if workshop.starts_at and workshop.ends_at and workshop.ends_at <= workshop.starts_at:
        errors.setdefault("ends_at", []).append(gettext("The workshop must end after it starts."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def workshop_update(*, workshop: Workshop, **fields) -> Workshop:
    for name, value in _only(fields, WORKSHOP_FIELDS).items():
        setattr(workshop, name, value)
    _clean_workshop(workshop)
    workshop.save()
    return workshop


@transaction.atomic
def workshop_set_voting(*, workshop: Workshop, open: bool) -> Workshop:
    workshop.voting_open = open
    workshop.save(update_fields=["voting_open"])
    return workshop


@transaction.atomic
def workshop_delete(*, workshop: Workshop) -> None:
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


def guest_token(participant: WorkshopParticipant) -> str:
    """A signed token for the guest's personal voting link (URL-safe: letters, digits, ``-`` and ``_``)."""
    signed = signing.dumps({"w": participant.workshop_id, "p": participant.pk}, salt=GUEST_SALT)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def guest_from_token(token: str) -> WorkshopParticipant | None:
    """The guest participant a token was signed for, or None when it is forged, altered or the guest is gone."""
    try:
        padded = token + "=" * (-len(token) % 4)
        signed = base64.urlsafe_b64decode(padded.encode()).decode()
        payload = signing.loads(signed, salt=GUEST_SALT)
        workshop_id, participant_id = int(payload["w"]), int(payload["p"])
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, signing.BadSignature):
        return None
    return (
        WorkshopParticipant.objects.select_related("workshop__programme__organisation")
        .filter(pk=participant_id, workshop_id=workshop_id, user__isnull=True)
        .first()
    )


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


def _check_agenda_item(workshop: Workshop, agenda_item) -> None:
    if agenda_item is not None and agenda_item.workshop_id != workshop.pk:
        raise ValidationError({"agenda_item": gettext("The agenda item belongs to another workshop.")})


@transaction.atomic
def output_add(*, workshop: Workshop, **fields) -> WorkshopOutput:
    """Capture an idea, decision or action item; ideas are open for dot voting unless said otherwise."""
    fields = _only(fields, OUTPUT_FIELDS)
    if fields.get("votable") is None:
        fields["votable"] = fields.get("kind") == WorkshopOutput.Kind.IDEA
    _check_agenda_item(workshop, fields.get("agenda_item"))
    output = WorkshopOutput(workshop=workshop, **fields)
    output.full_clean(exclude=["workshop"])
    output.save()
    return output


@transaction.atomic
def output_update(*, output: WorkshopOutput, **fields) -> WorkshopOutput:
    fields = _only(fields, OUTPUT_FIELDS)
    if "agenda_item" in fields:
        _check_agenda_item(output.workshop, fields["agenda_item"])
    for name, value in fields.items():
        setattr(output, name, value)
    output.full_clean(exclude=["workshop"])
    output.save()
    return output


@transaction.atomic
def output_delete(*, output: WorkshopOutput) -> None:
    output.delete()


@transaction.atomic
def output_convert(*, output: WorkshopOutput, kind: str, user, **form_data):
    """Turn an output into a finding, measure or milestone through the registered conversion; only once."""
    conversion = workshop_conversions.get(kind)
    if conversion is None:
        raise ValidationError({"kind": gettext("This output cannot become that.")})
    locked = (
        WorkshopOutput.objects.select_for_update().select_related("workshop__programme").get(pk=output.pk)
    )
    if locked.converted_kind:
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
    return target


def output_target_url(output: WorkshopOutput) -> str | None:
    """Where the object an output became lives (None when it was not converted or the kind is unknown)."""
    conversion = workshop_conversions.get(output.converted_kind)
    if not output.converted_id or conversion is None or conversion.url is None:
        return None
    return conversion.url(output.workshop.programme, output.converted_id)


# --- Dot voting ---------------------------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, participant: WorkshopParticipant, output: WorkshopOutput, dots: int = 1) -> Vote:
    """Put ``dots`` more of the participant's dots on the output.

    Refused unless voting is open, the output is votable and in the participant's workshop, and the participant
    has that many dots left. The participant's row is locked first, so concurrent requests are serialised.
    """
    if not isinstance(dots, int) or isinstance(dots, bool) or dots < 1:
        raise ValidationError({"dots": gettext("Place at least one dot.")})
    locked = _lock_participant(participant)
    workshop = locked.workshop
    output = _votable_output(workshop, output)
    used = Vote.objects.filter(participant=locked).aggregate(used=Coalesce(Sum("dots"), 0))["used"]
    left = workshop.dots_per_participant - used
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
    return vote


@transaction.atomic
def vote_remove(*, participant: WorkshopParticipant, output: WorkshopOutput, dots: int = 1) -> Vote | None:
    """Take ``dots`` of the participant's dots off the output again (while voting is open)."""
    if not isinstance(dots, int) or isinstance(dots, bool) or dots < 1:
        raise ValidationError({"dots": gettext("Remove at least one dot.")})
    locked = _lock_participant(participant)
    output = _votable_output(locked.workshop, output)
    vote = Vote.objects.filter(participant=locked, output=output).first()
    if vote is None:
        raise ValidationError({"output": gettext("There is no dot of yours on this output.")})
    if dots >= vote.dots:
        vote.delete()
        return None
    vote.dots -= dots
    vote.save(update_fields=["dots"])
    return vote


def _lock_participant(participant: WorkshopParticipant) -> WorkshopParticipant:
    locked = (
        WorkshopParticipant.objects.select_for_update(of=("self",))
        .select_related("workshop")
        .filter(pk=participant.pk)
        .first()
    )
    if locked is None:
        raise ValidationError({"participant": gettext("This participant no longer takes part.")})
    return locked


def _votable_output(workshop: Workshop, output: WorkshopOutput) -> WorkshopOutput:
    current = WorkshopOutput.objects.filter(pk=output.pk).first()
    if current is None or current.workshop_id != workshop.pk:
        raise ValidationError({"output": gettext("This output belongs to another workshop.")})
    if not workshop.voting_open:
        raise ValidationError({"output": gettext("Voting is closed.")})
    if not current.votable:
        raise ValidationError({"output": gettext("This output is not open for dot voting.")})
    return current


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
    """Votable outputs with their dots summed in the database, most dots first."""
    return (
        WorkshopOutput.objects.filter(workshop=workshop, votable=True)
        .annotate(total_dots=Coalesce(Sum("votes__dots"), 0), voter_count=Count("votes"))
        .order_by("-total_dots", "created_at", "id")
    )


def outputs_with_dots(workshop: Workshop):
    return (
        WorkshopOutput.objects.filter(workshop=workshop)
        .select_related("agenda_item")
        .annotate(total_dots=Coalesce(Sum("votes__dots"), 0))
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
    """output id → dots this participant placed there."""
    if participant is None:
        return {}
    return dict(Vote.objects.filter(participant=participant).values_list("output_id", "dots"))


def dots_left(workshop: Workshop, placed: dict[int, int]) -> int:
    return max(workshop.dots_per_participant - sum(placed.values()), 0)


def participants_for(workshop: Workshop):
    return (
        WorkshopParticipant.objects.filter(workshop=workshop)
        .annotate(dots_used=Coalesce(Sum("votes__dots"), 0))
        .order_by("name", "id")
    )


def results_summary(workshop: Workshop) -> dict:
    """Totals for the results panel: dots placed, dots available, participants who voted."""
    return Vote.objects.filter(output__workshop=workshop).aggregate(
        placed=Coalesce(Sum("dots"), 0),
        voters=Count("participant", distinct=True),
    )


def voting_progress(workshop: Workshop, participant_count: int) -> dict:
    summary = results_summary(workshop)
    summary["available"] = participant_count * workshop.dots_per_participant
    return summary


def has_account_participants(workshop: Workshop) -> bool:
    return workshop.participants.filter(~Q(user=None)).exists()


# --------------------------------------------------------------------------------------------------------------
# Exports: iCalendar invitation
# --------------------------------------------------------------------------------------------------------------


def workshop_ics(workshop: Workshop, *, agenda: list[AgendaItem], participants, url: str, host: str) -> bytes:
    """An iCalendar file (RFC 5545) with one VEVENT: times in UTC, the agenda in the description."""
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", "-//Stadtlotse//Workshops//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"workshop-{workshop.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", workshop.starts_at.astimezone(UTC))
    event.add("dtend", workshop.ends_at.astimezone(UTC))
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
    for participant in participants:
        # Only people with an account: guests' e-mail addresses are not handed out.
        if participant.user_id and participant.email:
            attendee = vCalAddress(f"mailto:{participant.email}")
            attendee.params["cn"] = vText(participant.name)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
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
