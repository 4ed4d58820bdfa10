"""The next EKT cycle in Evaluation: surveys of the previous cycle that can be repeated as a new wave."""

from django.db.models import Max, Q
from django.utils import timezone

from programmes.cycles import cycle_started_at

from .models import Survey


def surveys_to_repeat(programme) -> list[Survey]:
    """Published surveys whose latest wave began before the current cycle did (one or two queries).

    Empty in the first cycle. Repeating one (``services.wave_start``) starts a wave today, which takes the
    survey off this list: its questions stay the same, so the waves compare like with like.
    """
    started = cycle_started_at(programme)
    if started is None:
        return []
    cycle_start = timezone.localtime(started).date()
    return list(
        Survey.objects.filter(programme=programme)
        .exclude(status=Survey.Status.DRAFT)
        .annotate(last_wave_start=Max("waves__starts_on"), wave_count=Max("waves__number"))
        .filter(Q(last_wave_start__lt=cycle_start) | Q(last_wave_start__isnull=True))
        .order_by("title", "pk")
    )
