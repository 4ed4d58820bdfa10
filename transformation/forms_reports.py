"""Browser form of a report schedule. It collects input; ``transformation.reports`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import reports
from .models import ReportSchedule


class ReportScheduleForm(forms.ModelForm):
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the report contains."),
    )

    class Meta:
        model = ReportSchedule
        fields = [
            "name",
            "cadence",
            "language",
            "sections",
            "send_to_members",
            "send_to_stakeholders",
            "extra_recipients",
            "starts_on",
            "active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "extra_recipients": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "send_to_members": _("Programme leads and initiative circle members."),
            "send_to_stakeholders": _("Everyone with the stakeholder role in this programme."),
            "extra_recipients": _("One address per line, or separated by commas."),
            "starts_on": _(
                "The first report covers the first whole period that starts on or after this day."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = reports.section_choices()
        if not self.instance.pk:
            self.initial.setdefault("sections", list(ReportSchedule.SECTIONS))
            self.initial.setdefault("starts_on", reports.period_containing("monthly", _today()).start)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _today():
    from django.utils import timezone

    return timezone.localdate()
