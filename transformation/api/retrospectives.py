"""API: retrospectives of a programme's cycles (/api/v1/retrospectives/).

Every role of a programme reads them; leads and members record one for the programme's current cycle and edit it.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.rules import EDIT
from programmes.selectors import programmes_visible_to

from .. import retrospectives
from ..models import Retrospective


class RetrospectiveSerializer(serializers.ModelSerializer):
    programme = serializers.IntegerField(
        source="programme_id", help_text="Id of the programme; the cycle is its current one."
    )
    created_by = serializers.StringRelatedField()

    class Meta:
        model = Retrospective
        fields = [
            "id",
            "programme",
            "cycle",
            "held_on",
            "went_well",
            "to_improve",
            "decision",
            "decision_reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["cycle", "created_by", "created_at"]


class RetrospectiveUpdateSerializer(RetrospectiveSerializer):
    class Meta(RetrospectiveSerializer.Meta):
        read_only_fields = ["programme", "cycle", "created_by", "created_at"]

    programme = serializers.IntegerField(source="programme_id", read_only=True)


class RetrospectiveFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")

    class Meta:
        model = Retrospective
        fields = ["programme", "cycle", "decision"]


class RetrospectiveViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Retrospectives of the programmes you can see, newest cycle first."""

    filterset_class = RetrospectiveFilter
    ordering = ["programme", "-cycle", "-held_on", "-id"]

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return RetrospectiveUpdateSerializer
        return RetrospectiveSerializer

    def get_queryset(self):
        return Retrospective.objects.filter(
            programme__in=programmes_visible_to(self.request.user).values("pk")
        ).select_related("created_by")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = programmes_visible_to(self.request.user).filter(pk=data.pop("programme_id")).first()
        if programme is None:
            raise DjangoValidationError({"programme": _("Unknown programme.")})
        require(self.request, EDIT, programme)
        serializer.instance = retrospectives.retrospective_create(
            programme=programme, created_by=self.request.user, **data
        )

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        retrospectives.retrospective_update(
            retrospective=serializer.instance,
            **serializer.validated_data,
        )


def register(router, programme_router) -> None:
    router.register("retrospectives", RetrospectiveViewSet, basename="retrospective")


urlpatterns: list = []
