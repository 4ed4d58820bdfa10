"""Konzeption and the workshops: what a workshop output can become (a measure, as an idea, that keeps the
workshop's dots), and the measures a workshop can put to the dot vote next to its ideas.

Registered with the hub's ``programmes.workshops.workshop_conversions`` and ``votable_objects`` in
``ConceptConfig.ready()``. A converted measure points back in its description (workshop title and date) and
carries the dots as ``vote_count``.
"""

from django import forms
from django.db.models import Sum
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Measure


def measure_fields(programme, output) -> dict:
    return {
        "title": forms.CharField(
            label=_("title"), max_length=200, initial=output.text.strip()[:200], required=False
        )
    }


def convert_to_measure(output, user, *, title: str = "", **_form_data) -> Measure:
    workshop = output.workshop
    text = output.text.strip()
    dots = output.votes.aggregate(total=Sum("dots"))["total"] or 0
    origin = ngettext(
        "From the workshop “%(title)s” on %(date)s (%(dots)s dot).",
        "From the workshop “%(title)s” on %(date)s (%(dots)s dots).",
        dots,
    ) % {
        "title": workshop.title,
        "date": formats.date_format(workshop.starts_at, "SHORT_DATE_FORMAT"),
        "dots": dots,
    }
    return services.measure_create(
        programme=workshop.programme,
        title=(title or text)[:200],
        description=f"{text}\n\n{origin}",
        vote_count=dots,
    )


def measure_url(programme, measure_id: int) -> str:
    return reverse("programmes:konzeption:measure_detail", kwargs={**programme.url_kwargs, "pk": measure_id})


def measures_of(programme):
    return Measure.objects.filter(programme=programme)


def measure_choices(programme) -> list[tuple[int, str]]:
    """The measures a facilitator can put to the vote, with their status (one query)."""
    return [
        (measure.pk, f"{measure.title} ({measure.get_status_display()})")
        for measure in Measure.objects.filter(programme=programme)
        .only("title", "status")
        .order_by("title", "pk")
    ]


def register() -> None:
    from programmes.workshops import votable_objects, workshop_conversions

    workshop_conversions.register(
        "measure",
        _("measure"),
        convert_to_measure,
        url=measure_url,
        fields=measure_fields,
        targets=Measure.objects.all,
    )
    votable_objects.register(
        "measure",
        _("measure"),
        _("measures"),
        objects=measures_of,
        choices=measure_choices,
        url=measure_url,
    )
