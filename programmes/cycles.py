"""When the programme's current EKT cycle began (reads of the hub, used by gate criteria and the next cycle)."""

from datetime import datetime

from django.db.models import Q

from .models import Phase, PhaseTransition


def cycle_started_at(programme) -> datetime | None:
    """The moment the current cycle began (the T→E decision that opened it); None in the first cycle."""
    if programme.cycle <= 1:
        return None
    return (
        PhaseTransition.objects.filter(
            Q(programme=programme, from_phase=Phase.TRANSFORMATION, cycle=programme.cycle - 1)
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
