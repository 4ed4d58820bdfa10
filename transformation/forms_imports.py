"""The upload form of data imports."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .import_services import MAX_UPLOAD_BYTES
from .models import KPI, DataImport

ALL_LOCATIONS = "all"
ONE_LOCATION = "one"


class DataImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=DataImport.Kind.choices,
        initial=DataImport.Kind.COUNTER,
        widget=forms.RadioSelect,
    )
    kpi = forms.ModelChoiceField(
        label=_("Footfall KPI"),
        queryset=KPI.objects.none(),
        required=False,
        help_text=_("For counter exports: the KPI that receives one value per day."),
    )
    scope = forms.ChoiceField(
        label=_("Counter locations the KPI counts"),
        choices=[
            (ALL_LOCATIONS, _("All locations of the programme (their sum per day)")),
            (ONE_LOCATION, _("One location (name it below)")),
        ],
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "For counter exports. Another choice than before recomputes the KPI's earlier counter values."
        ),
    )
    location = forms.CharField(
        label=_("Counter location"),
        max_length=200,
        required=False,
        help_text=_(
            "Only for one location: its name as in the export's location column (Lage), e.g. Marktplatz."
        ),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi"].queryset = KPI.objects.filter(programme=programme).order_by("code")
        self.fields["location"].widget.attrs["list"] = "counter-locations"
        self.fields["kpi"].label_from_instance = lambda kpi: f"{kpi.code} – {kpi.name}"
        self.fields["file"].help_text = gettext(
            "KPI values: CSV or Excel with the columns kpi, period, value, note. Counter exports: CSV as the "
            "counter's portal exports it (German or English columns, UTF-8 or ISO-8859-1). At most %(mb)d MB."
        ) % {"mb": MAX_UPLOAD_BYTES >> 20}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                gettext("The file is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES >> 20}
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == DataImport.Kind.COUNTER:
            if not data.get("kpi"):
                self.add_error("kpi", _("Choose the footfall KPI that the counts feed."))
            if not data.get("scope"):
                self.add_error("scope", _("Choose whether the KPI counts all locations or one."))
            elif data["scope"] == ONE_LOCATION and not data.get("location", "").strip():
                self.add_error("location", _("Name the location the KPI counts."))
        return data

    def counter_location(self) -> str | None:
        """The service's ``location``: "" for all locations, the name for one, None for other kinds."""
        data = self.cleaned_data
        if data.get("kind") != DataImport.Kind.COUNTER:
            return None
        return data["location"].strip() if data.get("scope") == ONE_LOCATION else ""
