"""Every REST resource of /api/v1/. Phase apps add their viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

import config.converters  # noqa: F401  (registers the "id" converter)
from programmes.api import views as programme_api

router = DefaultRouter()
router.register("organisations", programme_api.OrganisationViewSet, basename="organisation")
router.register("programmes", programme_api.ProgrammeViewSet, basename="programme")
router.register("stakeholders", programme_api.StakeholderViewSet, basename="stakeholder")

programme_router = SimpleRouter()
programme_router.register("members", programme_api.MembershipViewSet, basename="programme-member")
programme_router.register("invitations", programme_api.InvitationViewSet, basename="programme-invitation")

app_name = "api"
urlpatterns = [
    path("", include(router.urls)),
    path("programmes/<id:programme_pk>/", include(programme_router.urls)),
]
