"""Retrospectives of a cycle: writes and reads (a T→E gate criterion asks for one per cycle)."""

from django.db import transaction
from django.db.models import QuerySet

from .models import Retrospective

FIELDS = {"held_on", "went_well", "to_improve", "decision", "decision_reason"}


def programme_retrospectives(programme) -> QuerySet[Retrospective]:
    return (
        Retrospective.objects.filter(programme=programme)
        .select_related("created_by")
        .order_by("-cycle", "-held_on", "-id")
    )


@transaction.atomic
def retrospective_create(*, programme, created_by, **fields) -> Retrospective:
    """Record a retrospective for the programme's current cycle."""
    retrospective = Retrospective(
        programme=programme,
        cycle=programme.cycle,
        created_by=created_by,
        **{k: v for k, v in fields.items() if k in FIELDS},
    )
    retrospective.full_clean()
    retrospective.save()
    return retrospective


@transaction.atomic
def retrospective_update(*, retrospective: Retrospective, **fields) -> Retrospective:
    for name, value in fields.items():
        if name in FIELDS:
            setattr(retrospective, name, value)
    # Who recorded it is not edited here (and may be gone: SET_NULL), so it is not validated again.
    retrospective.full_clean(exclude=["created_by"])
    retrospective.save()
    return retrospective
