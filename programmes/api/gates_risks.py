"""API: gate criteria and risk radar of a programme.

GET    /api/v1/programmes/{id}/gate/               phase, next phase, criteria (met/detail/url), thresholds
POST   /api/v1/programmes/{id}/gate/transition/    lead only: move on (rationale; override when criteria unmet)
GET    /api/v1/programmes/{id}/risks/              the risk radar's warnings with acknowledgements
POST   /api/v1/programmes/{id}/risks/acknowledge/  lead or member: acknowledge a warning with a note
DELETE /api/v1/programmes/{id}/risks/acknowledge/?rule=…&subject=…   withdraw the acknowledgement
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

import config.converters  # noqa: F401  (registers the "id" converter)

from .. import selectors, services
from ..gates import gate_registry
from ..models import Phase
from ..risks import risk_acknowledge, risk_unacknowledge, risk_warnings
from .serializers import CriterionSerializer, PhaseTransitionSerializer
from .views import require


class ThresholdSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="Key of the gate criterion.")
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField(help_text="The value in force for this programme.")
    default = serializers.IntegerField()
    min_value = serializers.IntegerField()
    max_value = serializers.IntegerField()


class GateSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=Phase.choices)
    cycle = serializers.IntegerField()
    next_phase = serializers.ChoiceField(choices=Phase.choices)
    next_cycle = serializers.IntegerField()
    all_met = serializers.BooleanField()
    unmet_count = serializers.IntegerField()
    criteria = CriterionSerializer(many=True)
    thresholds = ThresholdSerializer(many=True)


class GateTransitionSerializer(serializers.Serializer):
    rationale = serializers.CharField(
        help_text="Why the programme moves on; stays on record. Required.", allow_blank=True, max_length=10000
    )
    override = serializers.BooleanField(
        required=False, default=False, help_text="Required (true) when any gate criterion is unmet."
    )
    expected_phase = serializers.ChoiceField(
        choices=Phase.choices,
        required=False,
        help_text="The phase the caller saw; a 409 answers when the programme has moved on meanwhile.",
    )


class GateConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    unmet = CriterionSerializer(many=True)


class RiskWarningSerializer(serializers.Serializer):
    rule = serializers.CharField()
    subject = serializers.CharField(allow_blank=True)
    title = serializers.CharField()
    explanation = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    acknowledged = serializers.BooleanField()
    acknowledgement_note = serializers.CharField(allow_blank=True)


class AcknowledgementKeySerializer(serializers.Serializer):
    """The query of a withdrawal: which warning (checked like a body, so e.g. NUL characters get a 400)."""

    rule = serializers.CharField(max_length=80)
    subject = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class AcknowledgeSerializer(serializers.Serializer):
    rule = serializers.CharField(max_length=80)
    subject = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=10000, allow_blank=True)


def _programme(request, pk):
    return get_object_or_404(selectors.programmes_visible_to(request.user), pk=pk)


def gate_payload(programme) -> dict:
    results = services.gate_evaluate(programme=programme)
    to_phase, to_cycle = services.next_phase(programme)
    thresholds = [
        {
            "criterion": key,
            "name": t.name,
            "label": str(t.label),
            "value": gate_registry.threshold(programme, key, t.name),
            "default": t.default,
            "min_value": t.min_value,
            "max_value": t.max_value,
        }
        for key, t in gate_registry.thresholds_for(programme.phase)
    ]
    unmet = [r for r in results if not r.met]
    return {
        "phase": programme.phase,
        "cycle": programme.cycle,
        "next_phase": str(to_phase),
        "next_cycle": to_cycle,
        "all_met": not unmet,
        "unmet_count": len(unmet),
        "criteria": [r.as_dict() for r in results],
        "thresholds": thresholds,
    }


class GateView(APIView):
    @extend_schema(responses=GateSerializer, tags=["programmes"], operation_id="programme_gate")
    def get(self, request, pk):
        """The gate for leaving the current phase: every criterion evaluated now, with its figures and link."""
        programme = _programme(request, pk)
        return Response(GateSerializer(gate_payload(programme)).data)


class GateTransitionView(APIView):
    @extend_schema(
        request=GateTransitionSerializer,
        responses={
            201: PhaseTransitionSerializer,
            400: OpenApiResponse(description="No rationale, or invalid input"),
            403: OpenApiResponse(description="Only a lead moves the phase"),
            409: GateConflictSerializer,
        },
        tags=["programmes"],
        operation_id="programme_gate_transition",
    )
    def post(self, request, pk):
        """Move the programme to its next phase. Unmet criteria need ``override: true`` and a rationale (409)."""
        programme = _programme(request, pk)
        require(request, "programmes.transition_programme", programme)
        payload = GateTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        # The rules live in the service; the browser's gate page calls the same one.
        try:
            transition = services.programme_transition(
                programme=programme,
                user=request.user,
                rationale=data["rationale"],
                override=data["override"],
                expected_phase=data.get("expected_phase") or None,
            )
        except services.GateConflict as conflict:
            detail = conflict.message_text
            if conflict.field == "override":
                detail += " (override: true)"  # how the API spells the override
            return Response(
                {"detail": detail, "unmet": [r.as_dict() for r in conflict.unmet]},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PhaseTransitionSerializer(transition).data, status=status.HTTP_201_CREATED)


class RiskListView(APIView):
    @extend_schema(
        responses=RiskWarningSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "open", OpenApiTypes.BOOL, description="Only warnings that nobody has acknowledged."
            )
        ],
        tags=["programmes"],
        operation_id="programme_risks",
    )
    def get(self, request, pk):
        """The risk radar: computed warnings, unacknowledged first, each with explanation and link."""
        programme = _programme(request, pk)
        only_open = request.query_params.get("open", "").lower() in {"1", "true", "yes"}
        warnings = risk_warnings(programme, include_acknowledged=not only_open)
        return Response(RiskWarningSerializer([w.as_dict() for w in warnings], many=True).data)


class RiskAcknowledgeView(APIView):
    @extend_schema(
        request=AcknowledgeSerializer,
        responses={
            201: RiskWarningSerializer,
            400: OpenApiResponse(description="Unknown warning or no note"),
        },
        tags=["programmes"],
        operation_id="programme_risk_acknowledge",
    )
    def post(self, request, pk):
        """Acknowledge a current warning with a note (leads and members); again replaces the note."""
        programme = _programme(request, pk)
        require(request, "programmes.edit_content", programme)
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        risk_acknowledge(programme=programme, user=request.user, **payload.validated_data)
        data = payload.validated_data
        warning = next(
            w
            for w in risk_warnings(programme)
            if w.rule == data["rule"] and w.subject == (data["subject"] or "").strip()
        )
        return Response(RiskWarningSerializer(warning.as_dict()).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("rule", OpenApiTypes.STR, required=True),
            OpenApiParameter("subject", OpenApiTypes.STR),
        ],
        responses={204: None, 404: OpenApiResponse(description="No such acknowledgement")},
        tags=["programmes"],
        operation_id="programme_risk_unacknowledge",
    )
    def delete(self, request, pk):
        """Withdraw an acknowledgement (leads and members); the warning is open again."""
        programme = _programme(request, pk)
        require(request, "programmes.edit_content", programme)
        key = AcknowledgementKeySerializer(data=request.query_params)
        key.is_valid(raise_exception=True)
        if not risk_unacknowledge(programme=programme, **key.validated_data):
            raise NotFound(_("There is no such acknowledgement."))
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router, programme_router) -> None:
    """Add this module's viewsets to the API routers (config/api_router.py calls it)."""


urlpatterns: list = [
    path("programmes/<id:pk>/gate/", GateView.as_view(), name="programme-gate"),
    path(
        "programmes/<id:pk>/gate/transition/", GateTransitionView.as_view(), name="programme-gate-transition"
    ),
    path("programmes/<id:pk>/risks/", RiskListView.as_view(), name="programme-risks"),
    path(
        "programmes/<id:pk>/risks/acknowledge/",
        RiskAcknowledgeView.as_view(),
        name="programme-risk-acknowledge",
    ),
]
