import django_filters
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.converters import ID_REGEX

from .. import selectors, services
from ..models import Invitation, Membership, Phase, Programme, Stakeholder, StakeholderGroup
from .serializers import (
    InvitationSerializer,
    MembershipSerializer,
    OrganisationSerializer,
    PhaseTransitionSerializer,
    ProgrammeSerializer,
    StakeholderSerializer,
    TransitionSerializer,
)

MAX_ID = 2**63 - 1


def IdFilter(field_name: str) -> django_filters.NumberFilter:
    """A filter on a database id; out-of-range numbers are a 400 with a field error, not a database error."""
    return django_filters.NumberFilter(field_name=field_name, min_value=1, max_value=MAX_ID)


class BoundedLookupMixin:
    lookup_value_regex = ID_REGEX


def require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class OrganisationViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations (cities or networks) the user administers or works in. Any user may create one."""

    serializer_class = OrganisationSerializer
    filterset_fields = ["kind", "size_class"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            creator=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        require(self.request, "programmes.change_organisation", serializer.instance)
        services.organisation_update(organisation=serializer.instance, **serializer.validated_data)


class ProgrammeFilter(django_filters.FilterSet):
    organisation = IdFilter("organisation_id")
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    status = django_filters.ChoiceFilter(choices=Programme.Status.choices)

    class Meta:
        model = Programme
        fields = ["organisation", "phase", "status"]


class ProgrammeViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Programmes visible to the user. Another programme answers 404. Phase changes only via `transition`."""

    serializer_class = ProgrammeSerializer
    filterset_class = ProgrammeFilter
    ordering_fields = ["title", "start_date", "phase"]
    ordering = ["title"]

    def get_queryset(self):
        return selectors.programmes_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organisation = data.pop("organisation")
        require(self.request, "programmes.add_programme_to", organisation)
        serializer.instance = services.programme_create(
            organisation=organisation, creator=self.request.user, **data
        )

    def perform_update(self, serializer):
        require(self.request, "programmes.change_programme", serializer.instance)
        services.programme_update(programme=serializer.instance, **serializer.validated_data)

    @extend_schema(
        request=TransitionSerializer,
        responses={
            201: PhaseTransitionSerializer,
            400: OpenApiResponse(description="Unmet criteria or no rationale"),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the programme to its next EKT phase (E→K→T→E with a new cycle)."""
        programme = self.get_object()
        require(request, "programmes.transition_programme", programme)
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        transition = services.programme_transition(
            programme=programme, user=request.user, **payload.validated_data
        )
        return Response(PhaseTransitionSerializer(transition).data, status=status.HTTP_201_CREATED)

    # GET programmes/{id}/gate/ lives in programmes/api/gates_risks.py (phase, next phase, criteria, thresholds).

    @extend_schema(responses=PhaseTransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def transitions(self, request, pk=None):
        programme = self.get_object()
        page = self.paginate_queryset(selectors.programme_transitions(programme))
        return self.get_paginated_response(PhaseTransitionSerializer(page, many=True).data)


class ProgrammeNestedMixin:
    def get_programme(self) -> Programme:
        if not hasattr(self, "_programme"):
            self._programme = get_object_or_404(
                selectors.programmes_visible_to(self.request.user), pk=self.kwargs["programme_pk"]
            )
        return self._programme


class MembershipViewSet(
    BoundedLookupMixin,
    ProgrammeNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of a programme. Leads change roles and remove members; new members come by invitation."""

    serializer_class = MembershipSerializer
    filterset_fields = ["role"]
    ordering = ["role"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.programme_members(self.get_programme())

    def perform_update(self, serializer):
        require(self.request, "programmes.manage_members", self.get_programme())
        services.membership_change_role(
            membership=serializer.instance,
            role=serializer.validated_data.get("role", serializer.instance.role),
            acting_user=self.request.user,
        )

    def perform_destroy(self, instance):
        require(self.request, "programmes.manage_members", self.get_programme())
        services.membership_remove(membership=instance, acting_user=self.request.user)


class InvitationViewSet(
    ProgrammeNestedMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Invitations of a programme (leads only). Creating one e-mails a single-use, expiring link."""

    serializer_class = InvitationSerializer
    ordering = ["-created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        programme = self.get_programme()
        require(self.request, "programmes.manage_members", programme)
        return selectors.programme_invitations(programme)

    def perform_create(self, serializer):
        programme = self.get_programme()
        require(self.request, "programmes.manage_members", programme)
        serializer.instance, _token = services.invitation_create(
            programme=programme, invited_by=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, programme_pk=None, pk=None):
        invitation = self.get_object()
        services.invitation_revoke(invitation=invitation)
        return Response(InvitationSerializer(invitation).data)


class StakeholderFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    group = django_filters.ChoiceFilter(choices=StakeholderGroup.choices)
    min_influence = django_filters.NumberFilter(field_name="influence", lookup_expr="gte")

    class Meta:
        model = Stakeholder
        fields = ["programme", "group", "min_influence"]


class StakeholderViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """The stakeholder register of the programmes visible to the user; members and leads edit it."""

    serializer_class = StakeholderSerializer
    filterset_class = StakeholderFilter
    ordering_fields = ["name", "influence", "interest"]
    ordering = ["-influence", "-interest", "name"]

    def get_queryset(self):
        return Stakeholder.objects.filter(programme__in=selectors.programmes_visible_to(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, "programmes.change_stakeholders", programme)
        serializer.instance = services.stakeholder_create(programme=programme, **data)

    def perform_update(self, serializer):
        require(self.request, "programmes.change_stakeholders", serializer.instance.programme)
        services.stakeholder_update(stakeholder=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        require(self.request, "programmes.change_stakeholders", instance.programme)
        services.stakeholder_delete(stakeholder=instance)
