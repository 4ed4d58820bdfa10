"""Browser forms of Konzeption. They collect input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Finding
from programmes.reference import TARGET_GROUPS

from . import services
from .models import Feasibility, FundingSource, JourneyStage, Measure, RaciRow, Touchpoint

IMPACT_HELP = _(
    "Impact on visitors: 1 = hardly noticeable, 3 = clearly improves one stage of the journey, "
    "5 = changes how visitors experience the city; answers high-priority findings."
)
EFFORT_HELP = _(
    "Effort incl. operation: 1 = a few days, own staff, no running costs; 3 = a project of months with a "
    "provider; 5 = large investment, new organisation and permanent staff."
)


class StageForm(forms.ModelForm):
    class Meta:
        model = JourneyStage
        fields = ["name", "key"]
        help_texts = {
            "key": _(
                "Short name that survey questions and findings use as their journey stage. Left empty, it is "
                "generated from the name."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False

    def validate_unique(self):
        # The key is made unique by the service; the programme is not on the form.
        pass


class TouchpointForm(forms.ModelForm):
    class Meta:
        model = Touchpoint
        fields = ["stage", "name", "channel", "owner", "quality", "pain_points", "last_content_update"]
        widgets = {
            "pain_points": forms.Textarea(attrs={"rows": 3}),
            "last_content_update": forms.DateInput(attrs={"type": "date"}),
            "quality": forms.NumberInput(attrs={"min": 1, "max": 5}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = JourneyStage.objects.filter(programme=programme)
        self.fields["stage"].empty_label = None


class MeasureForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), choices=TARGET_GROUPS, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "findings",
            "stages",
            "touchpoints",
            "target_groups",
            "action_field",
            "owner",
            "impact",
            "effort",
            "one_off_costs",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "findings": forms.CheckboxSelectMultiple,
            "stages": forms.CheckboxSelectMultiple,
            "touchpoints": forms.CheckboxSelectMultiple,
            "impact": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "effort": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "one_off_costs": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }
        help_texts = {"impact": IMPACT_HELP, "effort": EFFORT_HELP}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        self.fields["findings"].queryset = Finding.objects.filter(programme=programme).order_by("statement")
        self.fields["findings"].help_text = _(
            "The findings from Evaluation this measure answers (its evidence)."
        )
        self.fields["stages"].queryset = JourneyStage.objects.filter(programme=programme).order_by("position")
        self.fields["touchpoints"].queryset = Touchpoint.objects.filter(
            stage__programme=programme
        ).select_related("stage")
        self.fields["touchpoints"].label_from_instance = lambda t: f"{t.stage.name}: {t.name}"
        self.fields["owner"].queryset = (
            get_user_model().objects.filter(memberships__programme=programme).distinct()
        )
        self.fields["action_field"].choices = [("", "–"), *Measure._meta.get_field("action_field").choices]

    def measure_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "stages": data.pop("stages"),
            "touchpoints": data.pop("touchpoints"),
            "findings": data.pop("findings"),
            **data,
        }


class PrioritiseForm(forms.Form):
    impact = forms.IntegerField(label=_("Impact (1–5)"), min_value=1, max_value=5, help_text=IMPACT_HELP)
    effort = forms.IntegerField(label=_("Effort (1–5)"), min_value=1, max_value=5, help_text=EFFORT_HELP)


class RejectForm(forms.Form):
    rejection_reason = forms.CharField(
        label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class FeasibilityForm(forms.ModelForm):
    class Meta:
        model = Feasibility
        # The service's fields but the criteria set, which is chosen on the providers page.
        fields = [name for name in services.FEASIBILITY_FIELDS if name != "criteria_set"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "organisation_reasoning",
                "partners",
                "provider_reasoning",
                "chosen_provider_reason",
                "operating_reasoning",
                "exit_plan",
                "financing_reasoning",
                "gap_reason",
            )
        }

    SECTIONS = {
        "organisation": [
            "organisation_verdict",
            "organisation_reasoning",
            "responsible_unit",
            "accountable_person",
            "partners",
        ],
        "provider": ["provider_verdict", "provider_reasoning", "chosen_provider", "chosen_provider_reason"],
        "operating": [
            "operating_verdict",
            "operating_reasoning",
            "operator",
            "staff_hours_per_month",
            "content_maintenance",
            "running_costs_per_year",
            "support",
            "hosting",
            "exit_plan",
        ],
        "financing": ["financing_verdict", "financing_reasoning", "years", "gap_accepted", "gap_reason"],
    }

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen_provider"].queryset = measure.providers.all()

    def validate_unique(self):
        pass

    def sections(self):
        return [(key, [self[name] for name in names]) for key, names in self.SECTIONS.items()]


class RaciRowForm(forms.ModelForm):
    class Meta:
        model = RaciRow
        fields = ["task", "responsible", "accountable", "consulted", "informed"]


class FundingSourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["kind", "name", "year", "amount", "funding_rate", "deadline"]
        widgets = {
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
        }


class CriteriaSetForm(forms.Form):
    name = forms.CharField(label=_("Name of the criteria set"), max_length=200)
    criteria = forms.CharField(
        label=_("Criteria with weights"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One criterion per line: name; weight in %. The weights must sum to 100, e.g. “Price; 40”."
        ),
    )

    def clean_criteria(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, weight = line.rpartition(";")
            try:
                rows.append({"name": name.strip(), "weight": int(weight.strip())})
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Line %(n)d: write “name; weight”, the weight as a whole number.") % {"n": number}
                ) from exc
        return rows


class ChooseCriteriaSetForm(forms.Form):
    criteria_set = forms.ModelChoiceField(label=_("Criteria set"), queryset=None)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria_set"].queryset = queryset


class ProviderForm(forms.Form):
    name = forms.CharField(label=_("Provider"), max_length=200)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScoresForm(forms.Form):
    """One number field (0–10) per provider and criterion."""

    def __init__(self, *args, providers, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.grid = []
        for provider in providers:
            row = []
            for criterion in criteria:
                name = f"score_{provider.pk}_{criterion.pk}"
                self.fields[name] = forms.IntegerField(
                    label=f"{provider.name}: {criterion.name}",
                    min_value=0,
                    max_value=10,
                    required=False,
                    initial=getattr(provider, "score_by_criterion", {}).get(criterion.pk),
                    widget=forms.NumberInput(
                        attrs={"min": 0, "max": 10, "class": "kern-form-input__input score-input"}
                    ),
                )
                row.append(name)
            self.grid.append((provider, [self[n] for n in row]))

    def scores(self) -> dict[int, dict[int, int | None]]:
        result: dict[int, dict[int, int | None]] = {}
        for name, value in self.cleaned_data.items():
            _prefix, provider_id, criterion_id = name.split("_")
            result.setdefault(int(provider_id), {})[int(criterion_id)] = value
        return result


class SaveTemplateForm(forms.Form):
    shared_with_network = forms.BooleanField(label=_("Share with the network"), required=False)
    suggested_kpis = forms.CharField(
        label=_("Suggested KPIs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lessons_learned = forms.CharField(
        label=_("Lessons learned"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MeasureFilterForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("Journey stage"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *Measure.Status.choices], required=False
    )
    min_score = forms.IntegerField(
        label=_("Minimum score"), min_value=0, max_value=25, required=False, help_text=_("0–25")
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("score", _("score")),
            ("title", _("title")),
            ("status", _("status")),
            ("updated", _("last change")),
        ],
        required=False,
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = JourneyStage.objects.filter(programme=programme).order_by("position")
        self.fields["stage"].empty_label = _("all")
