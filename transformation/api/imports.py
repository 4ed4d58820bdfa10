"""API: data imports (upload, status, apply).

``POST /api/v1/imports/`` (multipart: programme, kind, kpi, file) stores the file and queues its check; it answers
202 with the import and its status URL. ``GET /api/v1/imports/{id}/`` shows status, progress, errors, preview and
summary; ``POST /api/v1/imports/{id}/apply/`` queues the import of a checked file (202). Members, leads and
organisation admins only; stakeholders see no imports (403). Another programme's import, and an upload to a
programme the user holds no role in, answer 404 whatever the user's roles elsewhere.
"""

import django_filters
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.models import Programme, Role
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to

from .. import import_services
from ..models import KPI, DataImport


class DataImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="Row in the file (header = 1); null for the file."
    )
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class DataImportSerializer(serializers.ModelSerializer):
    errors = DataImportErrorSerializer(many=True, read_only=True)
    preview = serializers.JSONField(
        read_only=True,
        help_text="When ready: columns, first rows, counts per KPI or location (groups), date_from, date_to.",
    )
    summary = serializers.JSONField(read_only=True, help_text="When done: what was created and replaced.")
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = DataImport
        fields = [
            "id",
            "programme",
            "kind",
            "kpi",
            "location",
            "original_name",
            "encoding",
            "status",
            "progress",
            "rows_total",
            "errors",
            "preview",
            "summary",
            "created_by",
            "created_at",
            "finished_at",
            "status_url",
        ]
        read_only_fields = fields

    def get_status_url(self, obj) -> str:
        path = reverse("api:data-import-detail", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DataImportUploadSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(
        queryset=Programme.objects.all(),
        help_text="A programme the user holds a role in; any other id answers 404.",
    )
    kind = serializers.ChoiceField(choices=DataImport.Kind.choices)
    kpi = serializers.PrimaryKeyRelatedField(
        queryset=KPI.objects.all(),
        required=False,
        allow_null=True,
        help_text="Counter imports: the footfall KPI that receives one value per day.",
    )
    location = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text=(
            "Counter imports: the one location the KPI counts (as in the export's location column), or an "
            "empty string for all locations of the programme (their sum per day). Omitted: the KPI keeps its "
            "current choice (all locations for a KPI never fed by a counter)."
        ),
    )
    file = serializers.FileField(
        help_text="CSV (or XLSX for KPI values); see docs/imports.md for the formats."
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            # Another programme and its KPIs read as "does not exist": nothing tells that they do.
            visible = programmes_visible_to(request.user)
            fields["programme"].queryset = visible
            fields["kpi"].queryset = KPI.objects.filter(programme__in=visible)
        return fields


def _programme_not_found(errors: dict) -> bool:
    """The upload names a programme that does not exist or that the user holds no role in."""
    return any(getattr(detail, "code", "") == "does_not_exist" for detail in errors.get("programme", []))


class DataImportFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    kpi = IdFilter("kpi_id")

    class Meta:
        model = DataImport
        fields = ["programme", "kpi", "kind", "status"]


def _editable_programmes(user):
    return programmes_visible_to(user).filter(
        Q(user_is_org_admin=True) | Q(user_role__in=[Role.LEAD, Role.MEMBER])
    )


class DataImportViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Data imports of KPI values and pedestrian counter exports: upload, check, preview, apply."""

    serializer_class = DataImportSerializer
    filterset_class = DataImportFilter
    parser_classes = [MultiPartParser, FormParser]  # uploads are files; apply and cancel need no body
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return DataImport.objects.filter(
            programme__in=programmes_visible_to(self.request.user)
        ).select_related("programme", "kpi")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            queryset = queryset.filter(programme__in=_editable_programmes(self.request.user))
        return queryset

    def get_object(self):
        data_import = super().get_object()
        require(self.request, EDIT, data_import.programme)
        return data_import

    def _fresh(self, data_import, code):
        data_import.refresh_from_db()
        data = DataImportSerializer(data_import, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"Location": data["status_url"]})

    @extend_schema(
        request={"multipart/form-data": DataImportUploadSerializer},
        responses={
            202: DataImportSerializer,
            400: OpenApiResponse(description="Invalid upload"),
            403: OpenApiResponse(description="A stakeholder of the programme: no imports."),
            404: OpenApiResponse(description="No such programme, or one the user holds no role in."),
        },
    )
    def create(self, request, *args, **kwargs):
        """Upload a file; its check runs in the background. Poll ``status_url`` for progress and preview."""
        payload = DataImportUploadSerializer(data=request.data, context=self.get_serializer_context())
        if not payload.is_valid():
            if _programme_not_found(payload.errors):
                raise NotFound
            raise ValidationError(payload.errors)
        data = payload.validated_data
        programme = data["programme"]
        require(request, EDIT, programme)
        data_import = import_services.data_import_create(
            programme=programme,
            kind=data["kind"],
            kpi=data.get("kpi"),
            location=data.get("location"),
            file=data["file"],
            user=request.user,
        )
        return self._fresh(data_import, status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={202: DataImportSerializer, 409: OpenApiResponse(description="The import is not ready.")},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Import a checked file (status ``ready``) in the background, all rows or none."""
        data_import = self.get_object()
        import_services.data_import_enqueue_apply(data_import=data_import)
        return self._fresh(data_import, status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None,
        responses={200: DataImportSerializer, 409: OpenApiResponse(description="Too late to cancel.")},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Drop an import that has not been applied."""
        data_import = self.get_object()
        import_services.data_import_cancel(data_import=data_import)
        return self._fresh(data_import, status.HTTP_200_OK)


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""
    router.register("imports", DataImportViewSet, basename="data-import")


urlpatterns: list = []
