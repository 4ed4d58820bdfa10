"""Reads for pages, API and reports. Each returns a queryset or plain data with a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext, gettext_lazy

from .models import (
    Invitation,
    Membership,
    Organisation,
    PhaseTransition,
    Programme,
    Stakeholder,
    StakeholderGroup,
)


def programmes_visible_to(user) -> QuerySet[Programme]:
    """Programmes the user holds a role in (or administers through the organisation), annotated with that role."""
    if not user.is_authenticated:
        return Programme.objects.none()
    role = Membership.objects.filter(programme=OuterRef("pk"), user=user).values("role")[:1]
    is_admin = Organisation.admins.through.objects.filter(organisation=OuterRef("organisation_id"), user=user)
    return (
        Programme.objects.select_related("organisation")
        .annotate(user_role=Subquery(role), user_is_org_admin=Exists(is_admin))
        .filter(Q(user_role__isnull=False) | Q(user_is_org_admin=True))
    )


def organisations_visible_to(user) -> QuerySet[Organisation]:
    """Organisations the user administers or in which the user holds a programme role."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(Q(admins=user) | Q(programmes__memberships__user=user))
        .distinct()
        .annotate(
            user_is_admin=Exists(
                Organisation.admins.through.objects.filter(organisation=OuterRef("pk"), user=user)
            )
        )
    )


def organisations_administered_by(user) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(admins=user)


def portfolio(user, *, organisation: Organisation | None = None) -> QuerySet[Programme]:
    """The programme list of the portfolio page, with member counts, in one query."""
    qs = programmes_visible_to(user).annotate(
        member_count=Count("memberships", distinct=True),
        stakeholder_count=Count("stakeholders", distinct=True),
    )
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    return qs.order_by("organisation__name", "status", "title")


def programme_members(programme: Programme) -> QuerySet[Membership]:
    return programme.memberships.select_related("user").order_by("role", "user__email")


def programme_invitations(programme: Programme) -> QuerySet[Invitation]:
    return programme.invitations.select_related("invited_by").order_by("-created_at")


def programme_stakeholders(programme: Programme) -> QuerySet[Stakeholder]:
    return programme.stakeholders.all()


def stakeholder_grid(stakeholders) -> list[dict]:
    """Rows of the influence × interest grid, influence 5 at the top, interest 1..5 left to right."""
    cells: dict[tuple[int, int], list[Stakeholder]] = {}
    for stakeholder in stakeholders:
        cells.setdefault((stakeholder.influence, stakeholder.interest), []).append(stakeholder)
    return [
        {"influence": influence, "cells": [cells.get((influence, interest), []) for interest in range(1, 6)]}
        for influence in range(5, 0, -1)
    ]


def stakeholder_groups_covered(programme: Programme) -> set[str]:
    return set(programme.stakeholders.values_list("group", flat=True).distinct()) & set(
        StakeholderGroup.values
    )


def programme_transitions(programme: Programme) -> QuerySet[PhaseTransition]:
    return programme.transitions.select_related("decided_by")


def programme_activity(programme: Programme, *, limit: int = 30) -> list[dict]:
    """Recent changes to the programme, its members and stakeholders, newest first (simple-history), each told
    as one sentence in the active language (``text``); a fixed number of queries."""
    records = []
    # One record more than shown: the record after each is the state before it, so a phase move is named.
    programme_records = list(
        Programme.history.filter(id=programme.pk)
        .select_related("history_user")
        .order_by("-history_date")[: limit + 1]
    )
    for index, record in enumerate(programme_records[:limit]):
        before = programme_records[index + 1] if index + 1 < len(programme_records) else None
        records.append({"kind": "programme", "record": record, "text": _programme_sentence(record, before)})
    memberships = Membership.history.filter(programme_id=programme.pk).select_related("history_user", "user")
    for record in memberships.order_by("-history_date")[:limit]:
        records.append({"kind": "membership", "record": record, "text": _membership_sentence(record)})
    stakeholders = Stakeholder.history.filter(programme_id=programme.pk).select_related("history_user")
    for record in stakeholders.order_by("-history_date")[:limit]:
        records.append({"kind": "stakeholder", "record": record, "text": _stakeholder_sentence(record)})
    records.sort(key=lambda item: item["record"].history_date, reverse=True)
    return records[:limit]


# Whole sentences, so that every language can order the words its own way; the second of each pair is for
# changes without a user (data migrations, the shell, background jobs).
_PROGRAMME_SENTENCES = {
    "+": (gettext_lazy("%(user)s created the programme"), gettext_lazy("The programme was created")),
    "~": (gettext_lazy("%(user)s changed the programme"), gettext_lazy("The programme was changed")),
    "-": (gettext_lazy("%(user)s deleted the programme"), gettext_lazy("The programme was deleted")),
    "phase": (
        gettext_lazy("%(user)s moved the programme from %(old)s to %(new)s"),
        gettext_lazy("The programme moved from %(old)s to %(new)s"),
    ),
}
_MEMBERSHIP_SENTENCES = {
    "+": (
        gettext_lazy("%(user)s added %(member)s as %(role)s"),
        gettext_lazy("%(member)s was added as %(role)s"),
    ),
    "~": (
        gettext_lazy("%(user)s changed the role of %(member)s to %(role)s"),
        gettext_lazy("The role of %(member)s was changed to %(role)s"),
    ),
    "-": (
        gettext_lazy("%(user)s removed %(member)s from the programme"),
        gettext_lazy("%(member)s left the programme"),
    ),
}
_STAKEHOLDER_SENTENCES = {
    "+": (
        gettext_lazy("%(user)s added the stakeholder “%(name)s”"),
        gettext_lazy("The stakeholder “%(name)s” was added"),
    ),
    "~": (
        gettext_lazy("%(user)s changed the stakeholder “%(name)s”"),
        gettext_lazy("The stakeholder “%(name)s” was changed"),
    ),
    "-": (
        gettext_lazy("%(user)s removed the stakeholder “%(name)s”"),
        gettext_lazy("The stakeholder “%(name)s” was removed"),
    ),
}


def _sentence(sentences: dict, key: str, record, **values) -> str:
    with_user, without_user = sentences[key]
    if record.history_user is None:
        return str(without_user) % values
    return str(with_user) % {"user": str(record.history_user), **values}


def _programme_sentence(record, before) -> str:
    if record.history_type == "~" and before is not None and before.phase != record.phase:
        return _sentence(
            _PROGRAMME_SENTENCES,
            "phase",
            record,
            old=before.get_phase_display(),
            new=record.get_phase_display(),
        )
    return _sentence(_PROGRAMME_SENTENCES, record.history_type, record)


def _membership_sentence(record) -> str:
    member = str(record.user) if record.user is not None else gettext("a deleted account")
    return _sentence(
        _MEMBERSHIP_SENTENCES, record.history_type, record, member=member, role=record.get_role_display()
    )


def _stakeholder_sentence(record) -> str:
    return _sentence(_STAKEHOLDER_SENTENCES, record.history_type, record, name=record.name)
