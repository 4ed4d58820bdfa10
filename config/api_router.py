"""Every REST resource of /api/v1/. Phase apps add their viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter, SimpleRouter

import config.converters  # noqa: F401  (registers the "id" converter)
from concept.api import views as concept_api
from evaluation.api import views as evaluation_api
from programmes.api import gates_risks, workshops
from programmes.api import views as programme_api
from transformation.api import dashboards, imports, kpis, reports, retrospectives
from transformation.api import views as transformation_api

router = DefaultRouter()
router.register("organisations", programme_api.OrganisationViewSet, basename="organisation")
router.register("programmes", programme_api.ProgrammeViewSet, basename="programme")
router.register("stakeholders", programme_api.StakeholderViewSet, basename="stakeholder")
router.register("surveys", evaluation_api.SurveyViewSet, basename="survey")
router.register("findings", evaluation_api.FindingViewSet, basename="finding")
router.register(
    "readiness-assessments", evaluation_api.ReadinessAssessmentViewSet, basename="readiness-assessment"
)
router.register("journey-stages", concept_api.JourneyStageViewSet, basename="journey-stage")
router.register("touchpoints", concept_api.TouchpointViewSet, basename="touchpoint")
router.register("measures", concept_api.MeasureViewSet, basename="measure")
router.register("providers", concept_api.ProviderViewSet, basename="provider")
router.register("criteria-sets", concept_api.CriteriaSetViewSet, basename="criteria-set")
router.register("measure-templates", concept_api.MeasureTemplateViewSet, basename="measure-template")
router.register("business-cases", transformation_api.BusinessCaseViewSet, basename="business-case")

programme_router = SimpleRouter()
programme_router.register("members", programme_api.MembershipViewSet, basename="programme-member")
programme_router.register("invitations", programme_api.InvitationViewSet, basename="programme-invitation")

survey_router = SimpleRouter()
survey_router.register("questions", evaluation_api.QuestionViewSet, basename="survey-question")
survey_router.register("sections", evaluation_api.SectionViewSet, basename="survey-section")
survey_router.register(
    "collection-points", evaluation_api.CollectionPointViewSet, basename="survey-collection-point"
)
survey_router.register("responses", evaluation_api.SurveyResponseViewSet, basename="survey-response")
survey_router.register("imports", evaluation_api.ImportBatchViewSet, basename="survey-import")

EXTENSIONS = (kpis, imports, reports, dashboards, workshops, gates_risks, retrospectives)
for extension in EXTENSIONS:
    extension.register(router, programme_router)

app_name = "api"
urlpatterns = [
    # The public submission endpoint comes first: URL resolution tries patterns in order, and behind the
    # router's hundred-odd patterns resolving it cost more time than validating a whole response.
    path(
        "public/surveys/<token:token>/responses/",
        evaluation_api.PublicResponseView.as_view(),
        name="public-survey-responses",
    ),
    path("public/surveys/<token:token>/", evaluation_api.PublicSurveyView.as_view(), name="public-survey"),
    path("", include(router.urls)),
    path("programmes/<id:programme_pk>/", include(programme_router.urls)),
    path("surveys/<id:survey_pk>/", include(survey_router.urls)),
]
for extension in EXTENSIONS:
    urlpatterns += extension.urlpatterns
