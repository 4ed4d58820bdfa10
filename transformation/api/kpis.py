"""API: KPIs with nested targets and their status, measurements (list and all-or-nothing bulk create), catalogue.

- ``/api/v1/kpis/``: CRUD; ``?programme=<id>`` filters. Everyone with a role in the programme reads;
  members and leads write. Targets are nested (``[{"date": ..., "value": ...}]``) and replaced as a whole.
- ``/api/v1/kpis/{id}/measurements/``: GET lists (paginated, oldest first); POST takes one object or a list.
  A list is all-or-nothing: a 400 answers a list with one error object per item (``{}`` for a good item).
  An item for a period that already has a value **replaces** it (so a batch can be resent safely).
- ``/api/v1/kpis/{id}/footfall/``: the pedestrian counts behind a counter-fed KPI by weekday, weather, location
  and direction (everyone who reads the KPI).
- ``/api/v1/kpi-catalogue/``: the shipped KPI catalogue, read-only.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from concept.models import JourneyStage, Measure
from evaluation.models import Choice, Question
from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.models import Programme
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to

from .. import kpis, services_kpis
from ..catalogue import catalogue_entries
from ..models import KPI, KPITarget, Measurement

MAX_BULK = 5000


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = KPITarget
        fields = ["date", "value"]


class KpiStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=kpis.KpiStatus.choices, read_only=True)
    explanation = serializers.CharField(read_only=True)
    latest_value = serializers.DecimalField(max_digits=16, decimal_places=4, read_only=True, allow_null=True)
    latest_period_end = serializers.DateField(read_only=True, allow_null=True)
    target_value = serializers.DecimalField(max_digits=16, decimal_places=4, read_only=True, allow_null=True)
    target_date = serializers.DateField(read_only=True, allow_null=True)
    expected_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, read_only=True, allow_null=True
    )


class KPISerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    measures = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), many=True, required=False)
    journey_stage = serializers.PrimaryKeyRelatedField(
        queryset=JourneyStage.objects.all(), allow_null=True, required=False
    )
    source_question = serializers.PrimaryKeyRelatedField(
        queryset=Question.objects.all(), allow_null=True, required=False
    )
    source_choice = serializers.PrimaryKeyRelatedField(
        queryset=Choice.objects.all(), allow_null=True, required=False
    )
    targets = TargetSerializer(many=True, required=False)
    name = serializers.CharField(read_only=True, help_text="The name in the request's language.")
    counter_location = serializers.CharField(
        read_only=True,
        help_text="Counter-fed KPIs: the one location counted; empty = all locations (chosen on a counter import).",
    )
    status = serializers.SerializerMethodField(help_text="The status along the target path (docs/kpis.md).")

    class Meta:
        model = KPI
        fields = [
            "id",
            "programme",
            "code",
            "name",
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
            "catalogue_key",
            "measures",
            "journey_stage",
            "source_question",
            "source_aggregate",
            "source_choice",
            "counter_location",
            "targets",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        visible = programmes_visible_to(self.context["request"].user) if "request" in self.context else None
        if visible is not None:
            # Only objects of programmes the user sees: another programme's ids read as "does not exist".
            fields["programme"].queryset = visible
            fields["measures"].child_relation.queryset = Measure.objects.filter(programme__in=visible)
            fields["journey_stage"].queryset = JourneyStage.objects.filter(programme__in=visible)
            fields["source_question"].queryset = Question.objects.filter(survey__programme__in=visible)
            fields["source_choice"].queryset = Choice.objects.filter(question__survey__programme__in=visible)
        return fields

    def validate(self, attrs):
        targets = attrs.get("targets")
        if targets is not None:
            dates = [t["date"] for t in targets]
            if len(dates) != len(set(dates)):
                raise ValidationError({"targets": [_("Give one target per date.")]})
        if (
            self.instance is not None
            and "programme" in attrs
            and attrs["programme"] != self.instance.programme
        ):
            raise ValidationError({"programme": [_("A KPI cannot move to another programme.")]})
        return attrs

    @extend_schema_field(KpiStatusSerializer)
    def get_status(self, kpi) -> dict:
        summaries = self.context.get("summaries")
        summary = summaries.get(kpi.pk) if summaries is not None else None
        if summary is None:
            summary = kpis.kpi_summary(kpi)
        return KpiStatusSerializer(summary).data

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        data.pop("programme", None)
        if "targets" in data:
            data["targets"] = [(t["date"], t["value"]) for t in data["targets"]]
        if "measures" in data:
            data["measures"] = list(data["measures"])
        return data


class MeasurementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Measurement
        fields = [
            "id",
            "period_start",
            "period_end",
            "value",
            "source",
            "note",
            "evidence_url",
            "evidence_file",
            "wave",
            "data_import",
            "created_at",
        ]
        read_only_fields = ["id", "source", "evidence_file", "wave", "data_import", "created_at"]
        # Uniqueness of a period is decided by the service (replace on resend), not by the serializer.
        validators: list = []


class FootfallWeekdaySerializer(serializers.Serializer):
    weekday = serializers.IntegerField(help_text="ISO weekday: 1 = Monday … 7 = Sunday.")
    label = serializers.CharField()
    mean = serializers.IntegerField(help_text="Mean pedestrians per day (the KPI's locations together).")
    days = serializers.IntegerField()


class FootfallWeatherSerializer(serializers.Serializer):
    weather = serializers.CharField(allow_blank=True, help_text="As in the export; empty = not recorded.")
    label = serializers.CharField()
    mean = serializers.IntegerField(help_text="Mean pedestrians per location and day.")
    days = serializers.IntegerField(help_text="Location days.")


class FootfallLocationSerializer(serializers.Serializer):
    location = serializers.CharField()
    total = serializers.IntegerField(help_text="Pedestrians in all.")
    days = serializers.IntegerField()
    mean = serializers.IntegerField(help_text="Mean pedestrians per day.")


class FootfallDirectionSerializer(serializers.Serializer):
    location = serializers.CharField()
    days = serializers.IntegerField(help_text="Days on which both directions were counted.")
    direction_a = serializers.IntegerField(help_text="Pedestrians in direction 1 on those days.")
    direction_b = serializers.IntegerField(help_text="Pedestrians in direction 2 on those days.")
    mean_a = serializers.IntegerField()
    mean_b = serializers.IntegerField()
    share_a = serializers.FloatField(allow_null=True, help_text="Share of direction 1 in %.")
    share_b = serializers.FloatField(allow_null=True, help_text="Share of direction 2 in %.")


class FootfallSerializer(serializers.Serializer):
    location = serializers.CharField(
        allow_blank=True, help_text="The location the KPI counts; empty = all locations of the programme."
    )
    direction_labels = serializers.ListField(
        child=serializers.CharField(), help_text="What direction 1 and 2 are (the export's column names)."
    )
    by_weekday = FootfallWeekdaySerializer(many=True)
    by_weather = FootfallWeatherSerializer(many=True)
    by_location = FootfallLocationSerializer(many=True)
    by_direction = FootfallDirectionSerializer(many=True)


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    replaced = serializers.IntegerField()
    measurements = MeasurementSerializer(many=True)


class KPIFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")

    class Meta:
        model = KPI
        fields = ["programme", "direction", "frequency", "code"]


BULK_ERRORS = OpenApiResponse(
    description='All or nothing: one error object per item, e.g. [{}, {"value": ["A valid number is required."]}].'
)


class KPIViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """KPIs of the programmes you hold a role in, with targets and status. Members and leads write."""

    serializer_class = KPISerializer
    filterset_class = KPIFilter
    ordering_fields = ["code", "created_at"]
    ordering = ["programme", "code", "id"]

    def get_queryset(self):
        return KPI.objects.filter(programme__in=programmes_visible_to(self.request.user)).prefetch_related(
            Prefetch("targets", queryset=KPITarget.objects.order_by("date")), "measures"
        )

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        summaries = {s.kpi.pk: s for s in kpis.summaries_for(rows)}
        serializer = self.get_serializer(
            rows, many=True, context={**self.get_serializer_context(), "summaries": summaries}
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def perform_create(self, serializer):
        programme = serializer.validated_data["programme"]
        require(self.request, EDIT, programme)
        serializer.instance = services_kpis.kpi_create(programme=programme, **serializer.service_fields())

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        services_kpis.kpi_update(kpi=serializer.instance, **serializer.service_fields())
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        services_kpis.kpi_delete(kpi=instance)

    @extend_schema(responses=FootfallSerializer)
    @action(detail=True, methods=["get"], serializer_class=FootfallSerializer, pagination_class=None)
    def footfall(self, request, pk=None):
        """Pedestrian counts behind the KPI by weekday, weather, location and direction (empty lists when the
        KPI has no counter data); the figures of the KPI page's footfall charts."""
        kpi = self.get_object()
        footfall = kpis.kpi_footfall(kpi) or {
            "location": kpi.counter_location,
            "direction_labels": [],
            "by_weekday": [],
            "by_weather": [],
            "by_location": [],
            "by_direction": [],
        }
        return Response(FootfallSerializer(footfall).data)

    @extend_schema(methods=["get"], responses=MeasurementSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=MeasurementSerializer(many=True),
        responses={201: BulkResultSerializer, 400: BULK_ERRORS},
        description="One object or a list. All or nothing; an existing period is replaced.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=MeasurementSerializer,
        parser_classes=[JSONParser],
    )
    def measurements(self, request, pk=None):
        """The KPI's measurements (oldest first); POST adds one or many at once."""
        kpi = self.get_object()
        if request.method == "GET":
            queryset = kpi.measurements.order_by("period_start", "period_end", "id")
            page = self.paginate_queryset(queryset)
            return self.get_paginated_response(MeasurementSerializer(page, many=True).data)
        require(request, EDIT, kpi.programme)
        single = isinstance(request.data, dict)
        items = [request.data] if single else request.data
        if not isinstance(items, list) or not items:
            raise ValidationError(
                {"non_field_errors": [_("Send a measurement or a non-empty list of them.")]}
            )
        if len(items) > MAX_BULK:
            raise ValidationError(
                {"non_field_errors": [_("At most %(n)s measurements per request.") % {"n": MAX_BULK}]}
            )
        # Each item on its own, so the errors are always a list in item order ({} for a good item).
        serializers_ = [MeasurementSerializer(data=item) for item in items]
        errors = [{} if s.is_valid() else s.errors for s in serializers_]
        if any(errors):
            raise ValidationError(errors[0] if single else errors)
        try:
            with transaction.atomic():
                result = services_kpis.measurements_bulk_create(
                    kpi=kpi, items=[s.validated_data for s in serializers_], user=request.user
                )
        except DjangoValidationError as error:
            item_errors = (error.params or {}).get("items") if hasattr(error, "params") else None
            if item_errors is None:
                raise  # the service's field errors; config/api_errors.py turns them into a 400
            detail = [{k: [str(m) for m in v] for k, v in e.items()} for e in item_errors]
            raise ValidationError(detail[0] if single else detail) from error
        data = {
            "created": result["created"],
            "replaced": result["replaced"],
            "measurements": MeasurementSerializer(result["measurements"], many=True).data,
        }
        return Response(data, status=status.HTTP_201_CREATED)


class CatalogueEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    code = serializers.CharField()
    framework_ref = serializers.CharField()
    name = serializers.CharField(help_text="The name in the request's language.")
    name_de = serializers.CharField()
    name_en = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.ChoiceField(choices=KPI.Direction.choices)
    frequency = serializers.ChoiceField(choices=KPI.Frequency.choices)
    definition = serializers.CharField()
    data_source = serializers.CharField()
    band_low = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)
    band_high = serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True)


class KpiCatalogueViewSet(viewsets.ViewSet):
    """The KPI catalogue shipped with Stadtlotse (U4SSC ICT and mobility KPIs, footfall, vacancy, NPS, …)."""

    @extend_schema(responses=CatalogueEntrySerializer(many=True))
    def list(self, request):
        return Response(CatalogueEntrySerializer(catalogue_entries(), many=True).data)


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""
    router.register("kpis", KPIViewSet, basename="kpi")
    router.register("kpi-catalogue", KpiCatalogueViewSet, basename="kpi-catalogue")


urlpatterns: list = []
