"""What a workshop output can become in Evaluation: a finding, with the workshop as its evidence.

Registered with the hub's ``programmes.workshops.workshop_conversions`` in ``EvaluationConfig.ready()``.
"""

from django import forms
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Evidence, Finding


def finding_fields(programme, output) -> dict:
    return {
        "priority": forms.ChoiceField(
            label=_("priority"),
            choices=Finding.Priority.choices,
            initial=Finding.Priority.MEDIUM,
            required=False,
        )
    }


def convert_to_finding(output, user, *, priority: str = Finding.Priority.MEDIUM, **_form_data) -> Finding:
    """A finding whose statement is the output's text; the workshop becomes its evidence (kind "workshop")."""
    workshop = output.workshop
    text = output.text.strip()
    finding = services.finding_create(
        programme=workshop.programme,
        created_by=user,
        statement=text[:300],
        description=text if len(text) > 300 else "",
        priority=priority or Finding.Priority.MEDIUM,
    )
    dots = output.votes.aggregate(total=Sum("dots"))["total"] or 0
    services.evidence_add(  # labelled by the service with the workshop's title and local date
        finding=finding,
        kind=Evidence.Kind.WORKSHOP,
        workshop=workshop,
        snapshot={"workshop_id": workshop.pk, "output_id": output.pk, "dots": dots, "text": text[:1000]},
    )
    return finding


def finding_url(programme, finding_id: int) -> str:
    return reverse(
        "programmes:evaluation:finding_edit", kwargs={**programme.url_kwargs, "finding": finding_id}
    )


def register() -> None:
    from programmes.workshops import workshop_conversions

    workshop_conversions.register(
        "finding",
        _("finding"),
        convert_to_finding,
        url=finding_url,
        fields=finding_fields,
        targets=Finding.objects.all,
    )
