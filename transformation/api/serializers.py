from decimal import Decimal

from rest_framework import serializers

from concept.models import Measure
from programmes.api.serializers import visible_programmes
from programmes.models import Programme

from ..models import BenefitLine, BusinessCase, CostLine, FundingLine


def _dec():
    return serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=True, read_only=True)


class FiguresSerializer(serializers.Serializer):
    cost_factor = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)
    benefit_factor = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)
    npv = serializers.DecimalField(
        max_digits=20,
        decimal_places=2,
        read_only=True,
        help_text="Net present value in EUR, rounded to cents.",
    )
    roi = _dec()
    payback_static_years = _dec()
    payback_dynamic_years = _dec()
    benefit_cost_ratio = _dec()
    funding_share = _dec()


class ScenariosSerializer(serializers.Serializer):
    pessimistic = FiguresSerializer(read_only=True)
    base = FiguresSerializer(read_only=True)
    optimistic = FiguresSerializer(read_only=True)


def figures_of(case) -> dict:
    from .. import finance, selectors

    def q(value, places="0.000001"):
        return None if value is None else value.quantize(Decimal(places))

    return {
        key: {
            "cost_factor": result.cost_factor,
            "benefit_factor": result.benefit_factor,
            "npv": finance.cents(result.figures.npv),
            "roi": q(result.figures.roi),
            "payback_static_years": q(result.figures.payback_static_years),
            "payback_dynamic_years": q(result.figures.payback_dynamic_years),
            "benefit_cost_ratio": q(result.figures.benefit_cost_ratio),
            "funding_share": q(result.funding_share),
        }
        for key, result in selectors.case_figures(case).items()
    }


def _text(value):
    """Decimals as strings, like every DecimalField of the API."""
    return None if value is None else str(value)


class BusinessCaseSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    measure = serializers.PrimaryKeyRelatedField(
        queryset=Measure.objects.all(), allow_null=True, required=False
    )
    discount_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("0.3"),
        required=False,
        help_text="A fraction, 0–0.30 (0.02 = 2 %).",
    )
    horizon_years = serializers.IntegerField(min_value=1, max_value=15, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    npv = serializers.SerializerMethodField()
    roi = serializers.SerializerMethodField()
    payback_static_years = serializers.SerializerMethodField()
    payback_dynamic_years = serializers.SerializerMethodField()
    benefit_cost_ratio = serializers.SerializerMethodField()
    scenarios = serializers.SerializerMethodField()

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "programme",
            "measure",
            "title",
            "horizon_years",
            "discount_rate",
            "price_basis_year",
            "status",
            "version",
            "previous",
            "recommendation",
            "recommendation_reason",
            "cost_factor_pessimistic",
            "cost_factor_base",
            "cost_factor_optimistic",
            "benefit_factor_pessimistic",
            "benefit_factor_base",
            "benefit_factor_optimistic",
            "approved_by",
            "approved_at",
            "npv",
            "roi",
            "payback_static_years",
            "payback_dynamic_years",
            "benefit_cost_ratio",
            "scenarios",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "version",
            "previous",
            "approved_by",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"price_basis_year": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, BusinessCase):
            fields["programme"].read_only = True
            fields["measure"].read_only = True
        elif "request" in self.context:
            visible = visible_programmes(self)
            fields["programme"].queryset = visible
            fields["measure"].queryset = Measure.objects.filter(programme__in=visible)
        return fields

    def _figures(self, case) -> dict:
        cache = self.context.setdefault("_figures", {})
        if case.pk not in cache:
            cache[case.pk] = figures_of(case)
        return cache[case.pk]

    def get_npv(self, case) -> str:
        return _text(self._figures(case)["base"]["npv"])

    def get_roi(self, case) -> str | None:
        return _text(self._figures(case)["base"]["roi"])

    def get_payback_static_years(self, case) -> str | None:
        return _text(self._figures(case)["base"]["payback_static_years"])

    def get_payback_dynamic_years(self, case) -> str | None:
        return _text(self._figures(case)["base"]["payback_dynamic_years"])

    def get_benefit_cost_ratio(self, case) -> str | None:
        return _text(self._figures(case)["base"]["benefit_cost_ratio"])

    def get_scenarios(self, case) -> dict:
        return ScenariosSerializer(self._figures(case)).data


# The schema of the method fields: decimals as strings, nullable where a figure can be undefined.
for _name, _nullable in [
    ("npv", False),
    ("roi", True),
    ("payback_static_years", True),
    ("payback_dynamic_years", True),
    ("benefit_cost_ratio", True),
]:
    from drf_spectacular.utils import extend_schema_field

    extend_schema_field(serializers.DecimalField(max_digits=30, decimal_places=6, allow_null=_nullable))(
        getattr(BusinessCaseSerializer, f"get_{_name}")
    )
extend_schema_field(ScenariosSerializer)(BusinessCaseSerializer.get_scenarios)


class LineSerializer(serializers.Serializer):
    """One cost, benefit or funding line; ``side`` says which. ``kind`` and ``category`` depend on the side."""

    id = serializers.IntegerField(read_only=True)
    side = serializers.ChoiceField(choices=["cost", "benefit", "funding"])
    kind = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="cost: investment|running; benefit: savings|revenue|avoided",
    )
    category = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text="cost only: staff|licences|hardware|services|content|other",
    )
    year = serializers.IntegerField(min_value=0, max_value=15, help_text="t: 0 = year of investment")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"))
    label = serializers.CharField(max_length=200)
    note = serializers.CharField(required=False, allow_blank=True)

    def to_representation(self, line):
        side = {CostLine: "cost", BenefitLine: "benefit", FundingLine: "funding"}[type(line)]
        return {
            "id": line.pk,
            "side": side,
            "kind": getattr(line, "kind", ""),
            "category": getattr(line, "category", ""),
            "year": line.year,
            "amount": str(line.amount),
            "label": line.label,
            "note": line.note,
        }

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        side = data.pop("side", None)
        if side == "funding":
            data.pop("kind", None)
            data.pop("category", None)
        elif side == "benefit":
            data.pop("category", None)
        return data


class LineUpdateSerializer(LineSerializer):
    side = serializers.ChoiceField(choices=["cost", "benefit", "funding"], read_only=True)
