import django_filters
from django.db.models import F, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from evaluation.api.serializers import MoveSerializer  # the same {direction: up|down} body
from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to

from .. import selectors, services
from ..models import CriteriaSet, JourneyStage, Measure, ProviderOption, ProviderScore, Touchpoint
from .serializers import (
    CriteriaSetSerializer,
    FeasibilitySerializer,
    JourneyStageSerializer,
    MeasureSerializer,
    MeasureTemplateSerializer,
    ProviderSerializer,
    RejectSerializer,
    TemplateUseSerializer,
    TouchpointSerializer,
)


class JourneyStageFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")

    class Meta:
        model = JourneyStage
        fields = ["programme"]


class JourneyStageViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Journey stages of the programmes visible to the user, in order. Members and leads edit them."""

    serializer_class = JourneyStageSerializer
    filterset_class = JourneyStageFilter
    ordering = ["programme", "position", "id"]

    def get_queryset(self):
        return JourneyStage.objects.filter(programme__in=programmes_visible_to(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        serializer.instance = services.stage_create(programme=programme, **data)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        data = serializer.validated_data
        serializer.instance = services.stage_update(
            stage=serializer.instance,
            name=data.get("name", serializer.instance.name),
            key=data.get("key") or None,
        )

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        services.stage_delete(stage=instance)

    @extend_schema(request=MoveSerializer, responses=JourneyStageSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Swap the stage with its neighbour ("up" or "down")."""
        stage = self.get_object()
        require(request, EDIT, stage.programme)
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        stage = services.stage_move(stage=stage, direction=payload.validated_data["direction"])
        return Response(JourneyStageSerializer(stage, context=self.get_serializer_context()).data)


class TouchpointFilter(django_filters.FilterSet):
    programme = IdFilter("stage__programme_id")
    stage = IdFilter("stage_id")
    channel = django_filters.ChoiceFilter(choices=Touchpoint.Channel.choices)

    class Meta:
        model = Touchpoint
        fields = ["programme", "stage", "channel"]


class TouchpointViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    serializer_class = TouchpointSerializer
    filterset_class = TouchpointFilter
    ordering = ["stage__position", "name", "id"]

    def get_queryset(self):
        return Touchpoint.objects.filter(
            stage__programme__in=programmes_visible_to(self.request.user)
        ).select_related("stage__programme__organisation")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        stage = data.pop("stage")
        require(self.request, EDIT, stage.programme)
        serializer.instance = services.touchpoint_create(stage=stage, **data)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.stage.programme)
        services.touchpoint_update(touchpoint=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.stage.programme)
        services.touchpoint_delete(touchpoint=instance)


class MeasureFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    stage = IdFilter("stages")
    status = django_filters.ChoiceFilter(choices=Measure.Status.choices)

    class Meta:
        model = Measure
        fields = ["programme", "stage", "status"]


class MeasureViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Measures along the visitor journey. Status changes only through the select/shortlist/reject actions."""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["title", "score_value", "updated_at", "status"]
    ordering = ["-score_value", "title"]

    def get_queryset(self):
        return (
            selectors.with_score(selectors.measures_visible_to(self.request.user))
            .select_related("programme__organisation")
            .prefetch_related("stages", "touchpoints", "findings")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        serializer.instance = services.measure_create(programme=programme, **data)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        serializer.instance = services.measure_update(
            measure=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        services.measure_delete(measure=instance)

    def _status_action(self, request, function, **kwargs):
        measure = self.get_object()
        require(request, EDIT, measure.programme)
        function(measure=measure, **kwargs)
        return Response(MeasureSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(
        request=None, responses={200: MeasureSerializer, 400: OpenApiResponse(description="No evidence")}
    )
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        """Select the measure; it must answer at least one finding."""
        return self._status_action(request, services.measure_select)

    @extend_schema(request=None, responses=MeasureSerializer)
    @action(detail=True, methods=["post"])
    def shortlist(self, request, pk=None):
        return self._status_action(request, services.measure_shortlist)

    @extend_schema(
        request=RejectSerializer,
        responses={200: MeasureSerializer, 400: OpenApiResponse(description="No reason")},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        payload = RejectSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return self._status_action(
            request, services.measure_reject, reason=payload.validated_data["rejection_reason"]
        )

    @extend_schema(methods=["GET"], responses=FeasibilitySerializer)
    @extend_schema(methods=["PUT"], request=FeasibilitySerializer, responses=FeasibilitySerializer)
    @action(detail=True, methods=["get", "put"])
    def feasibility(self, request, pk=None):
        """The four feasibility dimensions; PUT replaces them, including RACI rows and funding sources if given."""
        measure = self.get_object()
        context = {**self.get_serializer_context(), "measure": measure}
        if request.method == "PUT":
            require(request, EDIT, measure.programme)
            payload = FeasibilitySerializer(data=request.data, context=context)
            payload.is_valid(raise_exception=True)
            services.feasibility_save(measure=measure, **payload.validated_data)
            measure = self.get_object()
        feasibility = services.feasibility_for(measure)
        feasibility.financing = selectors.financing_summary(measure, feasibility)
        data = FeasibilitySerializer(feasibility, context=context).data
        data["raci_rows"] = [
            {k: getattr(r, k) for k in ("task", "responsible", "accountable", "consulted", "informed")}
            for r in measure.raci_rows.all()
        ]
        data["funding_sources"] = (
            FeasibilitySerializer().fields["funding_sources"].to_representation(measure.funding_sources.all())
        )
        return Response(data)


class ProviderFilter(django_filters.FilterSet):
    programme = IdFilter("measure__programme_id")
    measure = IdFilter("measure_id")

    class Meta:
        model = ProviderOption
        fields = ["programme", "measure"]


class ProviderViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Provider options of a measure with their scores and weighted utility under the measure's criteria set."""

    serializer_class = ProviderSerializer
    filterset_class = ProviderFilter
    ordering = ["-weighted_sum", "name"]

    def get_queryset(self):
        in_set = Q(scores__criterion__criteria_set=F("measure__feasibility__criteria_set"))
        return (
            ProviderOption.objects.filter(measure__programme__in=programmes_visible_to(self.request.user))
            .select_related("measure__programme__organisation")
            .annotate(weighted_sum=selectors.weighted_sum(in_set))
            .prefetch_related(Prefetch("scores", queryset=ProviderScore.objects.order_by("criterion_id")))
        )

    def _save_scores(self, provider, scores):
        if scores is not None:
            services.provider_scores_set(
                provider=provider,
                scores={item["criterion_id"]: item["score"] for item in scores},
            )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        measure = data.pop("measure")
        scores = data.pop("scores", None)
        require(self.request, EDIT, measure.programme)
        provider = services.provider_create(measure=measure, **data)
        self._save_scores(provider, scores)
        serializer.instance = self.get_queryset().get(pk=provider.pk)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.measure.programme)
        data = dict(serializer.validated_data)
        scores = data.pop("scores", None)
        provider = services.provider_update(provider=serializer.instance, **data)
        self._save_scores(provider, scores)
        serializer.instance = self.get_queryset().get(pk=provider.pk)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.measure.programme)
        services.provider_delete(provider=instance)


class CriteriaSetFilter(django_filters.FilterSet):
    organisation = IdFilter("organisation_id")

    class Meta:
        model = CriteriaSet
        fields = ["organisation"]


def _organisations_of(user):
    return programmes_visible_to(user).values("organisation_id")


class CriteriaSetViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Reusable weighted criteria for provider comparison, per organisation. Weights must sum to 100."""

    serializer_class = CriteriaSetSerializer
    filterset_class = CriteriaSetFilter
    ordering = ["name", "id"]

    def get_queryset(self):
        return CriteriaSet.objects.filter(
            organisation__in=_organisations_of(self.request.user)
        ).prefetch_related("criteria")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.criteria_set_create(
            organisation=data["organisation"],
            name=data["name"],
            criteria=[dict(c) for c in data["criteria"]],
            user=self.request.user,
        )


class MeasureTemplateViewSet(BoundedLookupMixin, viewsets.ReadOnlyModelViewSet):
    """The measure library: shipped templates, those of the user's organisations and those shared with the network."""

    serializer_class = MeasureTemplateSerializer
    filterset_fields = ["action_field"]
    ordering = ["title", "id"]

    def get_queryset(self):
        return selectors.templates_visible_to(self.request.user)

    @extend_schema(request=TemplateUseSerializer, responses={201: MeasureSerializer})
    @action(detail=True, methods=["post"])
    def use(self, request, pk=None):
        """Create a measure (an idea) in the given programme from this template."""
        template = self.get_object()
        payload = TemplateUseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        programme = get_object_or_404(
            programmes_visible_to(request.user), pk=payload.validated_data["programme"]
        )
        require(request, EDIT, programme)
        if (
            template.organisation_id
            and not template.shared_with_network
            and template.organisation_id != programme.organisation_id
        ):
            raise ValidationError(
                {"programme": [_("This template is not available to the programme's organisation.")]}
            )
        measure = services.measure_create_from_template(programme=programme, template=template)
        measure = selectors.with_score(Measure.objects.filter(pk=measure.pk)).get()
        return Response(
            MeasureSerializer(measure, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
