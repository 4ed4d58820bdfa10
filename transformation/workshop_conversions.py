"""What a workshop output can become in Transformation: a milestone of a measure in implementation.

Registered with the hub's ``programmes.workshops.workshop_conversions`` in ``TransformationConfig.ready()``.
The convert form asks for the measure (of the same programme, in implementation) and the dates.
"""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concept.models import Measure

from . import services
from .models import Milestone


def milestone_fields(programme, output) -> dict:
    today = timezone.localdate()
    return {
        "measure": forms.ModelChoiceField(
            label=_("measure"),
            queryset=Measure.objects.filter(
                programme=programme, status=Measure.Status.IMPLEMENTATION
            ).order_by("title"),
            help_text=_("Milestones belong to a measure in implementation."),
        ),
        "start": forms.DateField(label=_("start"), initial=today),
        "due": forms.DateField(label=_("due"), initial=output.due or today + timedelta(days=30)),
    }


def convert_to_milestone(output, user, *, measure=None, start=None, due=None, **_form_data) -> Milestone:
    programme = output.workshop.programme
    if measure is None or measure.programme_id != programme.pk:
        raise ValidationError({"measure": gettext("Choose a measure of this programme.")})
    start = start or timezone.localdate()
    due = due or output.due or start
    return services.milestone_create(
        measure=measure, title=output.text.strip()[:200], owner=output.owner[:200], start=start, due=due
    )


def milestone_url(programme, milestone_id: int) -> str:
    measure_id = Milestone.objects.filter(pk=milestone_id).values_list("measure_id", flat=True).first()
    if measure_id is None:
        return ""
    return reverse(
        "programmes:transformation:milestone_edit",
        kwargs={**programme.url_kwargs, "measure": measure_id, "item": milestone_id},
    )


def register() -> None:
    from programmes.workshops import workshop_conversions

    workshop_conversions.register(
        "milestone",
        _("milestone"),
        convert_to_milestone,
        url=milestone_url,
        fields=milestone_fields,
        needs_input=True,
        targets=Milestone.objects.all,
    )
