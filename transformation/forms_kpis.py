"""Browser forms for KPIs and measurements. They collect and convert input; the services decide."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from concept.models import JourneyStage, Measure
from evaluation.models import Choice, Question

from .catalogue import catalogue_entries
from .models import KPI, Measurement
from .services_kpis import MEAN_TYPES, SHARE_TYPES

MAX_TARGETS = 50
EVIDENCE_EXTENSIONS = {"pdf", "png", "jpg", "jpeg", "csv", "xlsx", "docx", "odt", "ods", "txt"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def parse_targets(text: str) -> tuple[list[tuple[date, Decimal]], list[str]]:
    """Lines of "date;value" (ISO date, decimal point or comma) → (targets, error messages with line numbers)."""
    targets: list[tuple[date, Decimal]] = []
    errors: list[str] = []
    lines = [(n, line.strip()) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if len(lines) > MAX_TARGETS:
        return [], [str(_("At most %(n)s targets.") % {"n": MAX_TARGETS})]
    for number, line in lines:
        parts = [part.strip() for part in line.split(";")]
        if len(parts) != 2:
            errors.append(
                str(_("Line %(line)s: write date;value, for example 2027-12-31;45.") % {"line": number})
            )
            continue
        try:
            when = date.fromisoformat(parts[0])
        except ValueError:
            errors.append(
                str(
                    _("Line %(line)s: “%(text)s” is not a date (use YYYY-MM-DD).")
                    % {"line": number, "text": parts[0][:30]}
                )
            )
            continue
        try:
            value = Decimal(parts[1].replace(" ", "").replace(",", "."))
            if not value.is_finite() or abs(value) >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(
                str(_("Line %(line)s: “%(text)s” is not a number.") % {"line": number, "text": parts[1][:30]})
            )
            continue
        targets.append((when, value))
    return targets, errors


def format_targets(targets) -> str:
    return "\n".join(f"{t.date.isoformat()};{number_format(t.value.normalize())}" for t in targets)


class KPIForm(forms.ModelForm):
    targets_text = forms.CharField(
        label=_("Targets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One target per line as date;value, for example 2027-12-31;45."),
    )

    class Meta:
        model = KPI
        fields = [
            "code",
            "name_de",
            "name_en",
            "unit",
            "direction",
            "band_low",
            "band_high",
            "frequency",
            "definition",
            "data_source",
            "owner",
            "baseline_value",
            "baseline_date",
            "framework_ref",
            "measures",
            "journey_stage",
            "source_question",
            "source_aggregate",
            "source_choice",
            "catalogue_key",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "measures": forms.CheckboxSelectMultiple,
            "catalogue_key": forms.HiddenInput,
        }
        localized_fields = ["band_low", "band_high", "baseline_value"]
        help_texts = {
            "band_low": _("Only for a target band."),
            "framework_ref": _("Optional: the U4SSC KPI number, e.g. EC: ICT: PS: 2A or EC: I: T: 3C."),
            "source_question": _("Optional: a survey question that feeds one value per closed wave."),
            "source_choice": _("Only for a share: the choice whose share is counted."),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = Measure.objects.filter(programme=programme).order_by("title")
        self.fields["journey_stage"].queryset = JourneyStage.objects.filter(programme=programme)
        questions = Question.objects.filter(
            survey__programme=programme, type__in=sorted(MEAN_TYPES | SHARE_TYPES)
        ).select_related("survey")
        self.fields["source_question"].queryset = questions
        self.fields["source_question"].label_from_instance = lambda q: (
            f"{q.survey.title}: {q.code} – {q.text}"
        )
        self.fields["source_choice"].queryset = Choice.objects.filter(
            question__survey__programme=programme, question__type__in=sorted(SHARE_TYPES)
        ).select_related("question")
        self.fields["source_choice"].label_from_instance = lambda c: f"{c.question.code}: {c.label}"
        if self.instance.pk and "targets_text" not in self.initial:
            self.initial["targets_text"] = format_targets(self.instance.targets.order_by("date"))

    def clean_targets_text(self):
        targets, errors = parse_targets(self.cleaned_data.get("targets_text", ""))
        if errors:
            raise forms.ValidationError(errors)
        self.targets = targets
        return self.cleaned_data["targets_text"]

    def _post_clean(self):
        # The service validates the model and the links across objects.
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("targets_text", None)
        data["measures"] = list(data.get("measures") or [])
        data["targets"] = getattr(self, "targets", [])
        return data


class MeasurementForm(forms.ModelForm):
    evidence_url = forms.URLField(
        label=_("evidence link"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Measurement
        fields = ["period_start", "period_end", "value", "note", "evidence_url", "evidence_file"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        localized_fields = ["value"]

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size") and getattr(upload, "content_type", None) is not None:
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            if extension not in EVIDENCE_EXTENSIONS:
                raise forms.ValidationError(
                    _("Upload a PDF, image, spreadsheet or text file (%(types)s).")
                    % {"types": ", ".join(sorted(EVIDENCE_EXTENSIONS))}
                )
            if upload.size > EVIDENCE_MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        pass


class CatalogueChoiceForm(forms.Form):
    """The "add from catalogue" picker on the KPI list (GET to the create page)."""

    catalogue = forms.ChoiceField(label=_("Catalogue entry"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalogue"].choices = [
            (
                entry.key,
                f"{entry.name} ({entry.unit})" + (f" · {entry.framework_ref}" if entry.framework_ref else ""),
            )
            for entry in catalogue_entries()
        ]
