"""API: report schedules and the report archive.

- ``/api/v1/report-schedules/``: CRUD, ``?programme=<id>`` filters. Leads and members only: a schedule holds
  recipients' addresses, so stakeholders do not see schedules (they read the archive). ``POST
  /api/v1/report-schedules/{id}/send-now/`` creates a manual report of the latest completed period and builds
  and mails it in the background (202).
- ``/api/v1/reports/``: the archive, read-only, every role of the programme; ``?programme=`` and ``?schedule=``
  filter. Each report counts its deliveries (sent, failed, unconfirmed); the detail lists every recipient's
  delivery status for leads, members and organisation admins (``deliveries`` is null for stakeholders).
  ``GET /api/v1/reports/{id}/download/?format=html|pdf`` returns the frozen snapshot.
"""

import json

import django_filters
from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.models import Programme, Role
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to

from .. import reports
from ..models import Report, ReportDelivery, ReportSchedule


def programmes_editable_by(user):
    """Programmes in which the user is lead or member, or which the user administers."""
    if not user.is_authenticated:
        return Programme.objects.none()
    return programmes_visible_to(user).filter(
        Q(user_is_org_admin=True) | Q(user_role__in=[Role.LEAD, Role.MEMBER])
    )


class ReportScheduleSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    sections = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ReportSchedule.SECTIONS)),
        required=False,
        help_text="Any of kpis, milestones, gate, business_cases, risks (default: all).",
    )
    extra_recipients = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Further e-mail addresses, separated by commas, semicolons or line breaks.",
    )
    report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = ReportSchedule
        fields = [
            "id",
            "programme",
            "name",
            "cadence",
            "language",
            "sections",
            "send_to_members",
            "send_to_stakeholders",
            "extra_recipients",
            "active",
            "starts_on",
            "created_at",
            "report_count",
        ]
        read_only_fields = ["created_at"]
        extra_kwargs = {"starts_on": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["programme"].queryset = programmes_editable_by(request.user)
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            fields["programme"].read_only = True
        return fields


class ReportDeliverySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ReportDelivery
        fields = ["email", "status", "status_label", "attempts", "claimed_at", "sent_at", "error"]
        read_only_fields = fields
        extra_kwargs = {
            "status": {
                "help_text": "pending, sending (claimed, not confirmed: never sent again automatically), sent "
                "or failed (tried again with backoff)."
            },
            "claimed_at": {"help_text": "When the last sending attempt started."},
        }


class ReportSerializer(serializers.ModelSerializer):
    schedule = serializers.PrimaryKeyRelatedField(read_only=True)
    has_pdf = serializers.BooleanField(read_only=True)
    delivery_count = serializers.IntegerField(read_only=True)
    sent_count = serializers.IntegerField(read_only=True)
    failed_count = serializers.IntegerField(read_only=True)
    unconfirmed_count = serializers.IntegerField(
        read_only=True, help_text="Deliveries whose sending was interrupted (status sending)."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "programme",
            "schedule",
            "title",
            "period_start",
            "period_end",
            "language",
            "trigger",
            "status",
            "created_at",
            "built_at",
            "sent_at",
            "has_pdf",
            "delivery_count",
            "sent_count",
            "failed_count",
            "unconfirmed_count",
        ]
        read_only_fields = fields


class ReportDetailSerializer(ReportSerializer):
    data = serializers.JSONField(read_only=True, help_text="The frozen figures (decimals as strings).")
    deliveries = ReportDeliverySerializer(
        source="deliveries_shown",
        many=True,
        read_only=True,
        allow_null=True,
        help_text="One entry per recipient address; null for stakeholders (addresses are for leads, members "
        "and organisation admins only).",
    )

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "deliveries", "data"]
        read_only_fields = fields


class ScheduleFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")

    class Meta:
        model = ReportSchedule
        fields = ["programme", "cadence", "active"]


class ReportFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    schedule = IdFilter("schedule_id")

    class Meta:
        model = Report
        fields = ["programme", "schedule", "status", "trigger"]


class ReportScheduleViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Recurring KPI report schedules (leads and members of the programme)."""

    serializer_class = ReportScheduleSerializer
    filterset_class = ScheduleFilter
    ordering = ["programme", "name", "id"]
    ordering_fields = ["name", "created_at"]

    def get_queryset(self):
        return (
            reports.schedules_for_programmes(programmes_editable_by(self.request.user))
            .select_related("programme__organisation")
            .order_by("programme", "name", "id")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        schedule = reports.report_schedule_create(programme=programme, created_by=self.request.user, **data)
        serializer.instance = self.get_queryset().get(pk=schedule.pk)

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        data = dict(serializer.validated_data)
        data.pop("programme", None)
        reports.report_schedule_update(schedule=serializer.instance, **data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        reports.report_schedule_delete(schedule=instance)

    @extend_schema(request=None, responses={202: ReportSerializer})
    @action(detail=True, methods=["post"], url_path="send-now")
    def send_now(self, request, pk=None):
        """Build and e-mail the report of the schedule's latest completed period now (in the background)."""
        schedule = self.get_object()
        require(request, EDIT, schedule.programme)
        report = reports.report_send_now(schedule=schedule)
        fresh = reports.archive(Report.objects.filter(pk=report.pk)).get()
        return Response(ReportSerializer(fresh).data, status=status.HTTP_202_ACCEPTED)


class _SnapshotRenderer(renderers.BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes | str):
            return data if isinstance(data, bytes) else data.encode()
        return json.dumps(data, default=str).encode()  # an error answer (403, 404)


class SnapshotHTMLRenderer(_SnapshotRenderer):
    media_type = "text/html"
    format = "html"


class PDFRenderer(_SnapshotRenderer):
    media_type = "application/pdf"
    format = "pdf"


class ReportViewSet(
    BoundedLookupMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The report archive: frozen snapshots, newest period first (every role of the programme)."""

    filterset_class = ReportFilter
    ordering = ["-period_end", "-created_at", "-id"]
    ordering_fields = ["period_end", "created_at"]

    def get_queryset(self):
        return reports.archive(Report.objects.filter(programme__in=programmes_visible_to(self.request.user)))

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def perform_content_negotiation(self, request, force=False):
        # An unknown format of a download is a 404 after authentication, not before (anonymous: 401).
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        report.data = Report.objects.values_list("data", flat=True).get(pk=report.pk)
        may_see_addresses = request.user.has_perm(EDIT, report.programme)
        report.deliveries_shown = list(report.deliveries.order_by("email")) if may_see_addresses else None
        return Response(ReportDetailSerializer(report).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["html", "pdf"], description="html (default) or pdf"
            )
        ],
        responses={
            (200, "text/html"): OpenApiTypes.STR,
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="Not built yet, or no PDF (WeasyPrint unavailable)."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[SnapshotHTMLRenderer, PDFRenderer])
    def download(self, request, pk=None, format=None):
        """The frozen snapshot as a file: self-contained HTML, or the PDF."""
        report = self.get_object()
        fmt = request.query_params.get("format") or format or "html"
        if fmt not in ("html", "pdf"):
            raise Http404
        stored = Report.objects.filter(pk=report.pk).values_list("html", "pdf").get()
        html, pdf = stored
        filename = f"report-{report.pk}-{report.period_end}"
        if fmt == "pdf":
            if not pdf:
                raise Http404
            response = HttpResponse(bytes(pdf), content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
            return response
        if not html:
            raise Http404
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        response["Content-Disposition"] = f'attachment; filename="{filename}.html"'
        return response


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""
    router.register("report-schedules", ReportScheduleViewSet, basename="report-schedule")
    router.register("reports", ReportViewSet, basename="report")


urlpatterns: list = []
