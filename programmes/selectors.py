"""Reads for pages, API and reports. Each returns a queryset or plain data with a fixed number of queries."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

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
    """Recent changes to the programme, its members and stakeholders, newest first (simple-history)."""
    records = []
    sources = [
        (Programme.history.filter(id=programme.pk), "programme"),
        (Membership.history.filter(programme_id=programme.pk), "membership"),
        (Stakeholder.history.filter(programme_id=programme.pk), "stakeholder"),
    ]
    for history_qs, kind in sources:
        for record in history_qs.select_related("history_user").order_by("-history_date")[:limit]:
            records.append({"kind": kind, "record": record})
    records.sort(key=lambda item: item["record"].history_date, reverse=True)
    return records[:limit]
