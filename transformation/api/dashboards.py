"""API: programme dashboard figures and portfolio.

- ``GET /api/v1/programmes/{id}/dashboard/``: the figures of the programme dashboard (every role of the
  programme; another programme answers 404).
- ``GET /api/v1/portfolio/``: the programmes visible to the user with phase, KPI status counts and overdue
  milestones (paginated like every list).
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from config.converters import parse_id  # also registers the "id" converter
from programmes.selectors import programmes_visible_to

from ..dashboards import ProgrammeDashboard, kpi_status_counts, overdue_milestones, programme_dashboard
from ..kpis import KpiStatus

STATUS_HELP = "One of: " + ", ".join(KpiStatus.values)
VALUE = {"max_digits": 24, "decimal_places": 4, "allow_null": True}
MONEY = {"max_digits": 20, "decimal_places": 2}


class DashboardStatusCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    no_data = serializers.IntegerField()


class DashboardGateCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField()
    detail = serializers.CharField()
    url = serializers.CharField()


class DashboardGateSerializer(serializers.Serializer):
    phase = serializers.CharField(help_text="The current phase.")
    next_phase = serializers.CharField(help_text="The phase after the gate (label).")
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    criteria = DashboardGateCriterionSerializer(many=True)


class DashboardSparkPointSerializer(serializers.Serializer):
    period_end = serializers.DateField()
    value = serializers.DecimalField(**VALUE)


class DashboardKpiTileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)
    status_label = serializers.CharField()
    explanation = serializers.CharField(help_text="The status rule applied, in words.")
    latest_value = serializers.DecimalField(**VALUE)
    latest_period_end = serializers.DateField(allow_null=True)
    target_value = serializers.DecimalField(**VALUE)
    target_date = serializers.DateField(allow_null=True)
    expected_value = serializers.DecimalField(**VALUE)
    sparkline = DashboardSparkPointSerializer(many=True)


class DashboardMilestoneRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    measure_id = serializers.IntegerField()
    measure = serializers.CharField()
    due = serializers.DateField()
    status = serializers.CharField()
    overdue = serializers.BooleanField()


class DashboardMilestoneProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    next_due = DashboardMilestoneRefSerializer(allow_null=True)


class DashboardBusinessCaseTotalsSerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Business cases (the newest version of each).")
    approved = serializers.IntegerField(help_text="Cases with an approved version in force.")
    investment = serializers.DecimalField(
        help_text="One-off investment of the approved cases (EUR).", **MONEY
    )
    npv = serializers.DecimalField(help_text="Net present value of the approved cases (EUR, base).", **MONEY)


class DashboardRiskSerializer(serializers.Serializer):
    rule = serializers.CharField()
    subject = serializers.CharField()
    title = serializers.CharField()
    explanation = serializers.CharField()
    url = serializers.CharField()
    acknowledged = serializers.BooleanField()


class DashboardProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    phase = serializers.CharField()
    cycle = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    programme = DashboardProgrammeSerializer()
    as_of = serializers.DateField()
    gate = DashboardGateSerializer()
    kpi_status_counts = DashboardStatusCountsSerializer()
    kpis = DashboardKpiTileSerializer(many=True)
    milestones = DashboardMilestoneProgressSerializer()
    quick_wins = DashboardMilestoneRefSerializer(many=True)
    business_cases = DashboardBusinessCaseTotalsSerializer()
    risks = DashboardRiskSerializer(many=True)


def _milestone(milestone, today) -> dict:
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "measure_id": milestone.measure_id,
        "measure": milestone.measure.title,
        "due": milestone.due,
        "status": milestone.status,
        "overdue": milestone.status != "done" and milestone.due < today,
    }


def dashboard_data(dashboard: ProgrammeDashboard) -> dict:
    """The dashboard as plain data in the shape of DashboardSerializer (no names of people)."""
    programme, today = dashboard.programme, dashboard.today
    milestones = dashboard.milestones
    return {
        "programme": {
            "id": programme.pk,
            "title": programme.title,
            "phase": programme.phase,
            "cycle": programme.cycle,
        },
        "as_of": today,
        "gate": {
            "phase": dashboard.gate.phase,
            "next_phase": dashboard.gate.next_phase_label,
            "met": dashboard.gate.met,
            "total": dashboard.gate.total,
            "criteria": [criterion.as_dict() for criterion in dashboard.gate.criteria],
        },
        "kpi_status_counts": {status: count for status, _label, count in dashboard.kpi_status_counts},
        "kpis": [
            {
                "id": s.kpi.pk,
                "code": s.kpi.code,
                "name": s.kpi.name,
                "unit": s.kpi.unit,
                "status": s.status,
                "status_label": s.status_label,
                "explanation": s.explanation,
                "latest_value": s.latest_value,
                "latest_period_end": s.latest_period_end,
                "target_value": s.target_value,
                "target_date": s.target_date,
                "expected_value": s.expected_value,
                "sparkline": [{"period_end": when, "value": value} for when, value in s.sparkline],
            }
            for s in dashboard.kpis
        ],
        "milestones": {
            "total": milestones.total,
            "done": milestones.done,
            "overdue": milestones.overdue,
            "by_status": milestones.by_status,
            "next_due": _milestone(milestones.next_due, today) if milestones.next_due else None,
        },
        "quick_wins": [_milestone(m, today) for m in dashboard.quick_wins],
        "business_cases": vars(dashboard.business_cases),
        "risks": [warning.as_public_dict() for warning in dashboard.risks],
    }


class ProgrammeDashboardView(APIView):
    """The figures of a programme's dashboard: gate readiness, KPI tiles, milestones, quick wins,
    business-case totals and risk warnings, as the data stands today. Every role of the programme."""

    @extend_schema(responses=DashboardSerializer, operation_id="programme_dashboard")
    def get(self, request, programme_pk: int):
        programme = programmes_visible_to(request.user).filter(pk=programme_pk).first()
        if programme is None:
            raise Http404
        dashboard = programme_dashboard(programme, public=True)
        return Response(DashboardSerializer(dashboard_data(dashboard)).data)


class PortfolioEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    organisation_name = serializers.CharField(source="organisation.name")
    phase = serializers.CharField()
    cycle = serializers.IntegerField()
    status = serializers.CharField()
    kpi_status_counts = DashboardStatusCountsSerializer(source="portfolio_kpi_status")
    overdue_milestones = serializers.IntegerField(source="portfolio_overdue")


class PortfolioView(generics.ListAPIView):
    """The programmes visible to the user (optionally of one organisation) with phase, KPI status counts and
    the number of overdue milestones. A fixed number of queries per page whatever its size."""

    serializer_class = PortfolioEntrySerializer
    filter_backends: list = []

    def get_queryset(self):
        queryset = programmes_visible_to(self.request.user).order_by("organisation__name", "title", "id")
        organisation = self.request.query_params.get("organisation")
        if organisation is not None:
            organisation_id = parse_id(organisation)
            if organisation_id is None:
                raise ValidationError({"organisation": ["Enter a valid organisation id."]})
            queryset = queryset.filter(organisation_id=organisation_id)
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("organisation", int, description="Only this organisation's programmes.")
        ],
        operation_id="portfolio_list",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        programmes = list(page)
        statuses = kpi_status_counts(programmes)
        overdue = overdue_milestones(programmes)
        for programme in programmes:
            programme.portfolio_kpi_status = statuses[programme.pk]
            programme.portfolio_overdue = overdue[programme.pk]
        return self.get_paginated_response(self.get_serializer(programmes, many=True).data)


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""


urlpatterns: list = [
    path(
        "programmes/<id:programme_pk>/dashboard/",
        ProgrammeDashboardView.as_view(),
        name="programme-dashboard",
    ),
    path("portfolio/", PortfolioView.as_view(), name="portfolio"),
]
