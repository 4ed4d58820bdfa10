"""Browser forms of Transformation. They collect input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from concept.models import Measure

from .models import (
    AppraisalCriterion,
    BenefitLine,
    BusinessCase,
    CostLine,
    FundingLine,
    Milestone,
    RolloutStage,
)

PERCENT_HELP = _("In percent, 0–30 (e.g. 2 for 2 %).")


class BusinessCaseForm(forms.ModelForm):
    """The case's settings; the discount rate is typed in percent and stored as a fraction."""

    discount_rate = forms.DecimalField(
        label=_("Discount rate (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("30"),
        decimal_places=2,
        help_text=PERCENT_HELP,
        initial=Decimal("2"),
    )
    horizon_years = forms.IntegerField(label=_("Horizon (years)"), min_value=1, max_value=15, initial=5)

    class Meta:
        model = BusinessCase
        fields = [
            "measure",
            "title",
            "horizon_years",
            "discount_rate",
            "price_basis_year",
            "cost_factor_pessimistic",
            "cost_factor_base",
            "cost_factor_optimistic",
            "benefit_factor_pessimistic",
            "benefit_factor_base",
            "benefit_factor_optimistic",
        ]

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        # The model (and so the instance's default) holds a fraction; the form speaks percent.
        self.initial["discount_rate"] = (self.instance.discount_rate * 100).quantize(Decimal("0.01"))
        if self.instance.pk:
            del self.fields["measure"]
        else:
            self.fields["measure"].queryset = Measure.objects.filter(
                programme=programme, status__in=[Measure.Status.SELECTED, Measure.Status.IMPLEMENTATION]
            ).order_by("title")
            self.fields["measure"].help_text = _("A selected measure; leave empty for the programme roll-up.")
        self.fields["title"].required = False

    def _post_clean(self):
        # The service validates the model; the form only converts the rate.
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("measure", None)
        data["discount_rate"] = data["discount_rate"] / 100
        return data


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = BusinessCase
        fields = ["recommendation", "recommendation_reason"]
        widgets = {"recommendation_reason": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "recommendation_reason": _(
                "With a negative NPV, name the non-monetary points (urgency, strategic importance, external "
                "effects) that justify the measure."
            )
        }

    def _post_clean(self):
        pass


class _LineForm(forms.ModelForm):
    def _post_clean(self):
        pass


class CostLineForm(_LineForm):
    class Meta:
        model = CostLine
        fields = ["label", "kind", "category", "year", "amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class BenefitLineForm(_LineForm):
    class Meta:
        model = BenefitLine
        fields = ["label", "kind", "year", "amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


class FundingLineForm(_LineForm):
    class Meta:
        model = FundingLine
        fields = ["label", "year", "amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}


LINE_FORMS = {"cost": CostLineForm, "benefit": BenefitLineForm, "funding": FundingLineForm}


class CriterionForm(forms.ModelForm):
    class Meta:
        model = AppraisalCriterion
        fields = ["catalogue", "name", "weight", "score"]
        widgets = {"score": forms.NumberInput(attrs={"min": 0, "max": 10})}

    def _post_clean(self):
        pass


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "owner", "start", "due", "status", "depends_on", "quick_win"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "due": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        others = Milestone.objects.filter(measure=measure)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = others

    def _post_clean(self):
        pass


class RolloutStageForm(forms.ModelForm):
    class Meta:
        model = RolloutStage
        fields = ["name", "date", "entry_condition", "kpi_code", "kpi_threshold"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "entry_condition": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"kpi_code": _("Optional; linked once KPIs exist.")}

    def _post_clean(self):
        pass
