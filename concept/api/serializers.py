from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluation.models import Finding
from programmes.api.serializers import visible_programmes
from programmes.models import Organisation, Programme
from programmes.reference import TARGET_GROUPS

from ..models import (
    CriteriaSet,
    Criterion,
    Feasibility,
    FundingSource,
    JourneyStage,
    Measure,
    MeasureTemplate,
    ProviderOption,
    RaciRow,
    Touchpoint,
)


class JourneyStageSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    key = serializers.SlugField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = JourneyStage
        fields = ["id", "programme", "key", "name", "position"]
        read_only_fields = ["id", "position"]
        validators: list = []  # key uniqueness per programme is made by the service

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, JourneyStage):
            fields["programme"].read_only = True
        elif "request" in self.context:
            fields["programme"].queryset = visible_programmes(self)
        return fields


class TouchpointSerializer(serializers.ModelSerializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=JourneyStage.objects.all())

    class Meta:
        model = Touchpoint
        fields = ["id", "stage", "name", "channel", "owner", "quality", "pain_points", "last_content_update"]
        read_only_fields = ["id"]

    def get_fields(self):
        fields = super().get_fields()
        if "request" in self.context:
            fields["stage"].queryset = JourneyStage.objects.filter(programme__in=visible_programmes(self))
        return fields


class MeasureSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    stages = serializers.PrimaryKeyRelatedField(
        queryset=JourneyStage.objects.all(), many=True, required=False
    )
    touchpoints = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(), many=True, required=False
    )
    findings = serializers.PrimaryKeyRelatedField(queryset=Finding.objects.all(), many=True, required=False)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TARGET_GROUPS), required=False, max_length=len(TARGET_GROUPS)
    )
    score = serializers.IntegerField(read_only=True, allow_null=True, help_text="impact × (6 − effort), 1–25")

    class Meta:
        model = Measure
        fields = [
            "id",
            "programme",
            "title",
            "description",
            "stages",
            "touchpoints",
            "findings",
            "target_groups",
            "action_field",
            "status",
            "rejection_reason",
            "owner",
            "impact",
            "effort",
            "score",
            "vote_count",
            "one_off_costs",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "rejection_reason", "vote_count", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        if "request" in self.context:
            visible = visible_programmes(self)
            fields["stages"].child_relation.queryset = JourneyStage.objects.filter(programme__in=visible)
            fields["touchpoints"].child_relation.queryset = Touchpoint.objects.filter(
                stage__programme__in=visible
            )
            fields["findings"].child_relation.queryset = Finding.objects.filter(programme__in=visible)
            if isinstance(self.instance, Measure):
                fields["programme"].read_only = True
            else:
                fields["programme"].queryset = visible
        return fields


class RejectSerializer(serializers.Serializer):
    rejection_reason = serializers.CharField(max_length=2000)


class RaciRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RaciRow
        fields = ["task", "responsible", "accountable", "consulted", "informed"]


class FundingSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingSource
        fields = ["kind", "name", "funding_rate", "deadline", "year", "amount"]


class FinancingSummarySerializer(serializers.Serializer):
    expected = serializers.DecimalField(max_digits=16, decimal_places=2)
    funded = serializers.DecimalField(max_digits=16, decimal_places=2)
    gap = serializers.DecimalField(max_digits=16, decimal_places=2)
    covered = serializers.BooleanField()
    share = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)


class FeasibilitySerializer(serializers.ModelSerializer):
    raci_rows = RaciRowSerializer(many=True, required=False)
    funding_sources = FundingSourceSerializer(many=True, required=False)
    criteria_set = serializers.PrimaryKeyRelatedField(
        queryset=CriteriaSet.objects.all(), allow_null=True, required=False
    )
    chosen_provider = serializers.PrimaryKeyRelatedField(
        queryset=ProviderOption.objects.all(), allow_null=True, required=False
    )
    financing = FinancingSummarySerializer(read_only=True)

    class Meta:
        model = Feasibility
        exclude = ["id", "measure", "updated_at"]
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        measure = self.context.get("measure")
        if measure is not None:
            fields["chosen_provider"].queryset = ProviderOption.objects.filter(measure=measure)
            fields["criteria_set"].queryset = CriteriaSet.objects.filter(
                organisation_id=measure.programme.organisation_id
            )
        return fields


class UtilityCriterionSerializer(serializers.ModelSerializer):
    weight = serializers.IntegerField(
        min_value=1, max_value=100, help_text="Weight in %; the set must sum to 100."
    )

    class Meta:
        model = Criterion
        fields = ["id", "name", "weight"]
        read_only_fields = ["id"]


class CriteriaSetSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    criteria = UtilityCriterionSerializer(many=True)

    class Meta:
        model = CriteriaSet
        fields = ["id", "organisation", "name", "criteria"]
        read_only_fields = ["id"]


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id", min_value=1, max_value=2**63 - 1)
    score = serializers.IntegerField(min_value=0, max_value=10, allow_null=True)


class ProviderSerializer(serializers.ModelSerializer):
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all())
    scores = ScoreSerializer(many=True, required=False)
    utility = serializers.SerializerMethodField(
        help_text="Weighted total Σ weight × score / 100 under the measure's criteria set (0–10)."
    )

    class Meta:
        model = ProviderOption
        fields = ["id", "measure", "name", "notes", "scores", "utility"]
        read_only_fields = ["id"]

    def get_fields(self):
        fields = super().get_fields()
        if isinstance(self.instance, ProviderOption):
            fields["measure"].read_only = True
        elif "request" in self.context:
            fields["measure"].queryset = Measure.objects.filter(programme__in=visible_programmes(self))
        return fields

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_utility(self, provider) -> str:
        from ..selectors import utility

        return str(utility(getattr(provider, "weighted_sum", 0)))


class MeasureTemplateSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), allow_null=True)

    class Meta:
        model = MeasureTemplate
        fields = [
            "id",
            "organisation",
            "key",
            "title",
            "title_en",
            "description",
            "typical_stages",
            "action_field",
            "typical_one_off_costs",
            "typical_running_costs",
            "typical_effort",
            "suggested_kpis",
            "lessons_learned",
            "shared_with_network",
        ]
        read_only_fields = fields


class TemplateUseSerializer(serializers.Serializer):
    programme = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
