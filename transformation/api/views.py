import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.rules import EDIT, LEAD
from programmes.selectors import programmes_visible_to

from .. import selectors, services
from ..models import BusinessCase
from ..services import LINE_MODELS
from .serializers import BusinessCaseSerializer, LineSerializer, LineUpdateSerializer


class BusinessCaseFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    measure = IdFilter("measure_id")

    class Meta:
        model = BusinessCase
        fields = ["programme", "measure", "status"]


CONFLICT = OpenApiResponse(description="The case is approved and frozen; create a new version to change it.")


class BusinessCaseViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Business cases with their computed figures (NPV, ROI, paybacks, benefit–cost ratio) per scenario.

    An approved case is frozen: changing it answers 409; ``new-version`` copies it into a new draft.
    """

    serializer_class = BusinessCaseSerializer
    filterset_class = BusinessCaseFilter
    ordering = ["programme", "title", "-version", "id"]

    def get_queryset(self):
        return selectors.business_case_with_lines(
            BusinessCase.objects.filter(programme__in=programmes_visible_to(self.request.user))
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        measure = data.pop("measure", None)
        serializer.instance = services.business_case_create(programme=programme, measure=measure, **data)

    @extend_schema(responses={200: BusinessCaseSerializer, 409: CONFLICT})
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(responses={200: BusinessCaseSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        services.business_case_update(case=serializer.instance, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def _fresh(self, case):
        return BusinessCaseSerializer(
            self.get_queryset().get(pk=case.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(request=None, responses={200: BusinessCaseSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve and freeze the case (leads): a snapshot of lines and figures with who and when."""
        case = self.get_object()
        require(request, LEAD, case.programme)
        services.business_case_approve(case=case, user=request.user)
        return Response(self._fresh(case))

    @extend_schema(request=None, responses={201: BusinessCaseSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Copy an approved case with its lines into draft version n+1."""
        case = self.get_object()
        require(request, EDIT, case.programme)
        copy = services.business_case_new_version(case=case)
        return Response(self._fresh(copy), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=LineSerializer(many=True))
    @extend_schema(methods=["post"], request=LineSerializer, responses={201: LineSerializer, 409: CONFLICT})
    @action(detail=True, methods=["get", "post"], serializer_class=LineSerializer)
    def lines(self, request, pk=None):
        """The case's cost, benefit and funding lines; POST adds one (``side`` says which)."""
        case = self.get_object()
        if request.method == "GET":
            lines = [*case.cost_lines.all(), *case.benefit_lines.all(), *case.funding_lines.all()]
            return Response(LineSerializer(lines, many=True).data)
        require(request, EDIT, case.programme)
        serializer = LineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        line = services.line_add(
            case=case,
            side=serializer.validated_data["side"],
            **serializer.service_fields(),
        )
        return Response(LineSerializer(line).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["patch"], request=LineUpdateSerializer, responses={200: LineSerializer, 409: CONFLICT}
    )
    @extend_schema(methods=["delete"], request=None, responses={204: None, 409: CONFLICT})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"lines/(?P<side>[^/.]{1,20})/(?P<line_pk>[0-9]{1,18})",
        serializer_class=LineUpdateSerializer,
    )
    def line(self, request, pk=None, side=None, line_pk=None):
        """Change (PATCH) or delete one line of a draft case."""
        case = self.get_object()
        if side not in LINE_MODELS:
            raise Http404
        line = get_object_or_404(LINE_MODELS[side].objects.filter(case=case), pk=line_pk)
        require(request, EDIT, case.programme)
        if request.method == "DELETE":
            services.line_delete(line=line)
            return Response(status=status.HTTP_204_NO_CONTENT)
        serializer = LineUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        line = services.line_update(line=line, **serializer.service_fields())
        return Response(LineSerializer(line).data)
