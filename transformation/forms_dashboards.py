"""The share-link form of the dashboard pages. It collects input; the service decides."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DEFAULT_DAYS = 90


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=200,
        help_text=_("For whom or what the link is, e.g. “City council, spring session”."),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The link stops working at the end of this day (at most one year ahead)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=DEFAULT_DAYS)

    def expires_at(self) -> datetime:
        """The end of the chosen day in the site's time zone."""
        day = self.cleaned_data["valid_until"]
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
