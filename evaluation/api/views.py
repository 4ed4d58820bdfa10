import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.converters import ID_REGEX
from programmes.api.views import BoundedLookupMixin, IdFilter, require
from programmes.rules import EDIT, LEAD

from .. import selectors, services
from ..abuse import HONEYPOT_FIELD, LEGACY_HONEYPOT_FIELD, client_ip, rate_limit_exceeded
from ..models import Finding, ImportBatch, Question, ReadinessAssessment, Section, Survey
from ..models import Response as ResponseModel
from ..results import parse_result_filters, parse_split, question_result_filters
from .serializers import (
    CollectionPointSerializer,
    CrosstabSerializer,
    EvidenceCreateSerializer,
    EvidenceSerializer,
    FindingFromQuestionSerializer,
    FindingSerializer,
    ImportBatchSerializer,
    ImportResultSerializer,
    ImportSerializer,
    MoveSerializer,
    PublicResponseCreatedSerializer,
    PublicResponseSerializer,
    PublicSurveySerializer,
    QuestionSerializer,
    ReadinessAssessmentSerializer,
    ReorderSerializer,
    ResponseDeletedSerializer,
    ResponseDeleteSerializer,
    ResponseMetaSerializer,
    ResultsSerializer,
    SectionSerializer,
    SurveyDetailSerializer,
    SurveySerializer,
    WaveCreateSerializer,
    WaveSerializer,
)

RESULT_FILTER_PARAMETERS = [
    OpenApiParameter("wave", OpenApiTypes.INT, description="Only this wave."),
    OpenApiParameter("collection_point", OpenApiTypes.INT, description="Only this collection point."),
    OpenApiParameter("segment_question", OpenApiTypes.INT, description="Question that defines the segment."),
    OpenApiParameter(
        "segment_choice", OpenApiTypes.INT, description="Only respondents who chose this option."
    ),
]


class SurveyFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    status = django_filters.ChoiceFilter(choices=Survey.Status.choices)

    class Meta:
        model = Survey
        fields = ["programme", "status"]


class SurveyViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Surveys of the programmes visible to the user. Members and leads edit; stakeholders read."""

    filterset_class = SurveyFilter
    ordering_fields = ["title", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        qs = selectors.with_response_counts(selectors.surveys_visible_to(self.request.user))
        if self.action == "retrieve":
            qs = qs.prefetch_related("questions__choices", "waves", "collection_points")
        return qs

    def get_serializer_class(self):
        return SurveyDetailSerializer if self.action == "retrieve" else SurveySerializer

    def get_object(self):
        # an end date passed since beat's last run: closed now, so the answer never says "open"
        return services.survey_close_if_ended(super().get_object())

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        # an end date passed since beat's last run: closed now, so the list never says "open"
        surveys = services.surveys_close_if_ended(list(page if page is not None else queryset))
        data = self.get_serializer(surveys, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        template_key = data.pop("template", None)
        require(self.request, EDIT, programme)
        if template_key:
            survey = services.survey_create_from_template(
                programme=programme,
                template_key=template_key,
                created_by=self.request.user,
                title=data.pop("title", ""),
            )
            if data:
                services.survey_update(survey=survey, **data)
        else:
            survey = services.survey_create(programme=programme, created_by=self.request.user, **data)
        serializer.instance = survey

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        services.survey_update(survey=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        services.survey_delete(survey=instance)

    def _transition(self, request, service):
        survey = self.get_object()
        require(request, EDIT, survey.programme)
        survey = service(survey=survey)
        return Response(SurveySerializer(survey, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None, responses={200: SurveySerializer, 400: OpenApiResponse(description="Not a draft")}
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Open a draft survey for answers."""
        return self._transition(request, services.survey_publish)

    @extend_schema(
        request=None, responses={200: SurveySerializer, 400: OpenApiResponse(description="Not open")}
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Stop taking answers; the running wave ends."""
        return self._transition(request, services.survey_close)

    @extend_schema(request=WaveCreateSerializer, responses={201: WaveSerializer})
    @action(detail=True, methods=["post"])
    def waves(self, request, pk=None):
        """Start a new wave (same questions, new period); the running wave is closed. A survey whose end date
        has passed needs a new ``ends_at`` (or ``clear_ends_at``), else 400 on ``ends_at``."""
        survey = self.get_object()
        require(request, EDIT, survey.programme)
        payload = WaveCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        wave = services.wave_start(survey=survey, **payload.validated_data)
        return Response(WaveSerializer(wave).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=RESULT_FILTER_PARAMETERS,
        responses={200: ResultsSerializer, 400: OpenApiResponse(description="Unknown filter value")},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def results(self, request, pk=None):
        """Counts, shares, mean, median and NPS per question; segments below the threshold are suppressed."""
        survey = self.get_object()
        questions = selectors.survey_questions(survey)
        filters = parse_result_filters(
            request.query_params,
            waves=list(survey.waves.all()),
            points=list(survey.collection_points.all()),
            questions=questions,
        )
        return Response(
            ResultsSerializer(selectors.survey_results(survey, filters, questions=questions)).data
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "split_by",
                OpenApiTypes.STR,
                required=True,
                description="Code of a single- or multiple-choice question, or collection_point.",
            ),
            OpenApiParameter(
                "question",
                OpenApiTypes.INT,
                description="Only this choice or scale question (default: all of them but the splitting one).",
            ),
            *RESULT_FILTER_PARAMETERS,
        ],
        responses={
            200: CrosstabSerializer,
            400: OpenApiResponse(description="Unknown split or filter value"),
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def crosstab(self, request, pk=None):
        """Results side by side: per choice or scale question, counts, column shares, mean and NPS for every
        segment of the split (the options of a choice question, or the collection points); segments below the
        minimum segment size are suppressed."""
        survey = self.get_object()
        questions = selectors.survey_questions(survey)
        points = list(survey.collection_points.all())
        errors: dict = {}
        try:
            filters = parse_result_filters(
                request.query_params,
                waves=list(survey.waves.all()),
                points=points,
                questions=questions,
            )
        except DjangoValidationError as error:
            errors.update(error.message_dict)
        try:
            split_question, target = parse_split(request.query_params, questions=questions)
        except DjangoValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise DjangoValidationError(errors)
        crosstab = selectors.survey_crosstab(
            survey,
            split_question=split_question,
            filters=filters,
            questions=questions,
            points=points,
            targets=[target] if target is not None else None,
        )
        return Response(CrosstabSerializer(crosstab).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["csv", "xlsx"], description="File type.")
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request, pk=None):
        """All responses, one row per response and one column per question (0/1 columns per option of a
        multiple-choice question), streamed; formulas are neutralised."""
        from .. import exporters

        survey = self.get_object()
        require(request, EDIT, survey.programme)
        kind = request.query_params.get("kind", "csv")
        if kind not in {"csv", "xlsx"}:
            raise DjangoValidationError({"kind": _("Choose csv or xlsx.")})
        return exporters.export_response(survey, kind=kind)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={200: ImportResultSerializer, 201: ImportResultSerializer, 400: ImportResultSerializer},
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_responses(self, request, pk=None):
        """Import responses from CSV or XLSX: all rows or none; errors name the file line and column. The
        import is recorded (``batch``) and can be undone with ``POST /surveys/{id}/imports/{batch}/undo/``."""
        from .. import importers

        survey = self.get_object()
        require(request, EDIT, survey.programme)
        payload = ImportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        wave = survey.waves.filter(pk=data["wave"]).first()
        if wave is None:
            raise DjangoValidationError({"wave": _("This survey has no such wave.")})
        questions = selectors.survey_questions(survey)
        table = importers.read_table(data["file"])
        mapping = importers.mapping_by_name(table.header, questions, data.get("mapping", {}))
        records = importers.records_from_rows(table, mapping, questions)
        columns = importers.column_names(table, mapping)
        batch = None
        try:
            if data["dry_run"]:
                count = services.responses_import(
                    survey=survey,
                    wave=wave,
                    records=records,
                    columns=columns,
                    row_numbers=table.line_numbers,
                    dry_run=True,
                )
            else:
                batch = services.responses_import_recorded(
                    survey=survey,
                    wave=wave,
                    records=records,
                    columns=columns,
                    row_numbers=table.line_numbers,
                    file_name=getattr(data["file"], "name", "") or "import",
                    created_by=request.user,
                )
                count = batch.row_count
        except services.ImportErrors as error:
            result = {"rows": len(records), "imported": 0, "batch": None, "errors": error.rows}
            return Response(ImportResultSerializer(result).data, status=status.HTTP_400_BAD_REQUEST)
        result = {
            "rows": len(records),
            "imported": 0 if data["dry_run"] else count,
            "batch": batch.pk if batch else None,
            "errors": [],
        }
        return Response(
            ImportResultSerializer(result).data,
            status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED,
        )


class SurveyNestedMixin:
    def get_survey(self) -> Survey:
        if not hasattr(self, "_survey"):
            self._survey = get_object_or_404(
                selectors.surveys_visible_to(self.request.user), pk=self.kwargs["survey_pk"]
            )
        return self._survey


class QuestionViewSet(BoundedLookupMixin, SurveyNestedMixin, viewsets.ModelViewSet):
    """Questions of a survey in order, with their answer options. The type is fixed once answers exist."""

    serializer_class = QuestionSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Question.objects.none()
        return self.get_survey().questions.prefetch_related("choices")

    def _data(self, serializer) -> tuple[dict, list | None]:
        data = dict(serializer.validated_data)
        choices = data.pop("choices", None)
        return data, choices

    def perform_create(self, serializer):
        survey = self.get_survey()
        require(self.request, EDIT, survey.programme)
        data, choices = self._data(serializer)
        serializer.instance = services.question_create(survey=survey, choices=choices, **data)

    def perform_update(self, serializer):
        require(self.request, EDIT, self.get_survey().programme)
        data, choices = self._data(serializer)
        services.question_update(question=serializer.instance, choices=choices, **data)
        serializer.instance = Question.objects.prefetch_related("choices").get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        require(self.request, EDIT, self.get_survey().programme)
        services.question_delete(question=instance)

    @extend_schema(request=MoveSerializer, responses=QuestionSerializer(many=True))
    @action(detail=True, methods=["post"])
    def move(self, request, survey_pk=None, pk=None):
        """Move the question one place up or down; answers the new order."""
        question = self.get_object()
        require(request, EDIT, self.get_survey().programme)
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.question_move(question=question, direction=payload.validated_data["direction"])
        return Response(QuestionSerializer(self.get_queryset(), many=True).data)

    @extend_schema(request=ReorderSerializer, responses=QuestionSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request, survey_pk=None):
        """Put all questions in a new order (the ids of every question of the survey); answers the new order."""
        survey = self.get_survey()
        require(request, EDIT, survey.programme)
        payload = ReorderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.questions_reorder(survey=survey, order=payload.validated_data["order"])
        return Response(QuestionSerializer(self.get_queryset(), many=True).data)


class SectionViewSet(BoundedLookupMixin, SurveyNestedMixin, viewsets.ModelViewSet):
    """Sections (headings that group the questions of a long survey into pages), in order."""

    serializer_class = SectionSerializer
    pagination_class = None
    filter_backends: list = []
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Section.objects.none()
        return self.get_survey().sections.all()

    def perform_create(self, serializer):
        survey = self.get_survey()
        require(self.request, EDIT, survey.programme)
        serializer.instance = services.section_create(survey=survey, **serializer.validated_data)

    def perform_update(self, serializer):
        require(self.request, EDIT, self.get_survey().programme)
        data = {"title": serializer.instance.title, "title_en": serializer.instance.title_en}
        data.update(serializer.validated_data)
        serializer.instance = services.section_update(section=serializer.instance, **data)

    def perform_destroy(self, instance):
        require(self.request, EDIT, self.get_survey().programme)
        services.section_delete(section=instance)


class CollectionPointViewSet(
    BoundedLookupMixin,
    SurveyNestedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Collection points (places or touchpoints) of a survey, each with its own public link."""

    serializer_class = CollectionPointSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            from ..models import CollectionPoint

            return CollectionPoint.objects.none()
        return self.get_survey().collection_points.select_related("survey")

    def perform_create(self, serializer):
        survey = self.get_survey()
        require(self.request, EDIT, survey.programme)
        serializer.instance = services.collection_point_create(
            survey=survey, name=serializer.validated_data["name"]
        )

    def perform_destroy(self, instance):
        require(self.request, EDIT, self.get_survey().programme)
        services.collection_point_delete(point=instance)


class ResponseFilter(django_filters.FilterSet):
    wave = IdFilter("wave_id")
    collection_point = IdFilter("collection_point_id")
    import_batch = IdFilter("import_batch_id")
    online = django_filters.BooleanFilter(
        field_name="import_batch",
        lookup_expr="isnull",
        label="Only responses given online (true) or imported.",
    )
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = ResponseModel
        fields = ["wave", "collection_point", "import_batch", "online", "submitted_after", "submitted_before"]


class SurveyResponseViewSet(
    BoundedLookupMixin,
    SurveyNestedMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A survey's responses as metadata (when, where, source; no answers, nothing personal), to find and delete
    test or spam entries. Leads and organisation admins only; deleting takes the responses out of the results."""

    serializer_class = ResponseMetaSerializer
    filterset_class = ResponseFilter
    ordering_fields = ["submitted_at", "id"]
    ordering = ["-submitted_at", "-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ResponseModel.objects.none()
        survey = self.get_survey()
        require(self.request, LEAD, survey.programme)
        return selectors.survey_responses(survey)

    def perform_destroy(self, instance):
        services.responses_delete(
            survey=self.get_survey(), responses=ResponseModel.objects.filter(pk=instance.pk)
        )

    @extend_schema(request=ResponseDeleteSerializer, responses={200: ResponseDeletedSerializer})
    @action(detail=False, methods=["post"], url_path="delete", filter_backends=[])
    def delete_many(self, request, survey_pk=None):
        """Delete several responses at once (ids of this survey; others are ignored); answers how many went."""
        survey = self.get_survey()
        require(request, LEAD, survey.programme)
        payload = ResponseDeleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = services.responses_delete(
            survey=survey, responses=ResponseModel.objects.filter(pk__in=payload.validated_data["ids"])
        )
        return Response(ResponseDeletedSerializer({"deleted": count}).data)


class ImportBatchViewSet(
    BoundedLookupMixin,
    SurveyNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A survey's file imports (who imported which file into which wave, how many responses), newest first.
    Leads and organisation admins only."""

    serializer_class = ImportBatchSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportBatch.objects.none()
        survey = self.get_survey()
        require(self.request, LEAD, survey.programme)
        return selectors.survey_import_batches(survey)

    @extend_schema(
        request=None,
        responses={200: ImportBatchSerializer, 400: OpenApiResponse(description="Already undone")},
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, survey_pk=None, pk=None):
        """Undo the import: delete every response it created (and take them out of the results)."""
        batch = self.get_object()
        services.import_batch_undo(batch=batch)
        return Response(ImportBatchSerializer(self.get_queryset().get(pk=batch.pk)).data)


class FindingFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")
    priority = django_filters.ChoiceFilter(choices=Finding.Priority.choices)
    status = django_filters.ChoiceFilter(choices=Finding.Status.choices)

    class Meta:
        model = Finding
        fields = ["programme", "priority", "status"]


class FindingViewSet(BoundedLookupMixin, viewsets.ModelViewSet):
    """Findings (visitor needs and problems) with their evidence."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    ordering_fields = ["created_at", "priority"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.findings_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        programme = data.pop("programme")
        require(self.request, EDIT, programme)
        serializer.instance = services.finding_create(
            programme=programme, created_by=self.request.user, **data
        )

    def perform_update(self, serializer):
        require(self.request, EDIT, serializer.instance.programme)
        services.finding_update(finding=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        require(self.request, EDIT, instance.programme)
        services.finding_delete(finding=instance)

    @extend_schema(
        request=FindingFromQuestionSerializer,
        responses={
            201: FindingSerializer,
            400: OpenApiResponse(
                description="Unknown question or filter, no answers, or a suppressed segment"
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="from-question")
    def from_question(self, request):
        """Create a finding from one question's result in one step: a draft statement derived from the figures,
        the question's journey stage and target group, and the figures under the filters as evidence."""
        from programmes.selectors import programmes_visible_to

        payload = FindingFromQuestionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        question = (
            Question.objects.filter(
                survey__programme__in=programmes_visible_to(request.user).values("pk"), pk=data["question"]
            )
            .select_related("survey__programme")
            .first()
        )
        if question is None:
            raise DjangoValidationError({"question": _("Unknown question.")})
        programme = question.survey.programme
        require(request, EDIT, programme)
        filters = question_result_filters(question, data)
        finding = services.finding_create_from_question(
            programme=programme, question=question, filters=filters, created_by=request.user
        )
        finding = self.get_queryset().get(pk=finding.pk)
        return Response(
            FindingSerializer(finding, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request={
            "application/json": EvidenceCreateSerializer,
            "multipart/form-data": EvidenceCreateSerializer,
        },
        responses={201: EvidenceSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Attach evidence: a link; a document (multipart upload); a workshop of the programme; or (kind
        survey_result) a question's current figures under filters."""
        finding = self.get_object()
        require(request, EDIT, finding.programme)
        payload = EvidenceCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if data["kind"] == "workshop":
            from programmes.models import Workshop

            workshop = None
            if data.get("workshop") is not None:
                workshop = Workshop.objects.filter(programme=finding.programme, pk=data["workshop"]).first()
                if workshop is None:
                    raise DjangoValidationError({"workshop": _("Unknown workshop of this programme.")})
            evidence = services.evidence_add(
                finding=finding, kind="workshop", label=data["label"], url=data["url"], workshop=workshop
            )
        elif data.get("workshop") is not None:
            raise DjangoValidationError(
                {"workshop": _("Only evidence of the kind “workshop” names a workshop.")}
            )
        elif data["kind"] == "survey_result":
            question = (
                Question.objects.filter(survey__programme=finding.programme, pk=data.get("question"))
                .select_related("survey")
                .first()
            )
            if question is None:
                raise DjangoValidationError({"question": _("Unknown question of this programme.")})
            evidence = services.evidence_add_survey_result(
                finding=finding, question=question, filters=question_result_filters(question, data)
            )
        else:
            evidence = services.evidence_add(
                finding=finding,
                kind=data["kind"],
                label=data["label"],
                url=data["url"],
                document=data.get("document"),
            )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such evidence document"),
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"evidence/(?P<evidence_pk>{ID_REGEX})/document",
        url_name="evidence-document",
        filter_backends=[],
    )
    def evidence_document(self, request, pk=None, evidence_pk=None):
        """Download an evidence document (every role in the finding's programme); always as an attachment."""
        from django.http import Http404

        from ..documents import download_response

        finding = self.get_object()
        evidence = finding.evidence.exclude(document="").filter(pk=int(evidence_pk)).first()
        if evidence is None:
            raise Http404
        return download_response(evidence)


# --- Public ------------------------------------------------------------------------------------------


class PublicSurveyView(APIView):
    """A survey's questions for answering clients (kiosk apps, paper entry). No account needed."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        responses={200: PublicSurveySerializer, 404: OpenApiResponse(description="Unknown survey")}
    )
    def get(self, request, token: str):
        survey = selectors.survey_by_token(token)
        if survey is None or survey.status == Survey.Status.DRAFT:
            from django.http import Http404

            raise Http404
        services.survey_close_if_ended(survey)
        questions = selectors.survey_questions(survey)
        data = {
            **{
                f: getattr(survey, f)
                for f in (
                    "title",
                    "title_en",
                    "intro",
                    "intro_en",
                    "privacy_notice",
                    "privacy_notice_en",
                    "languages",
                )
            },
            "accepting": survey.is_accepting(),
            "questions": [
                {
                    **{
                        f: getattr(q, f)
                        for f in (
                            "code",
                            "type",
                            "text",
                            "text_en",
                            "help_text",
                            "help_text_en",
                            "required",
                            "min_value",
                            "max_value",
                            "max_selections",
                        )
                    },
                    "choices": [
                        {"code": c.code, "label": c.label, "label_en": c.label_en} for c in q.choices.all()
                    ],
                }
                for q in questions
            ],
        }
        return Response(PublicSurveySerializer(data).data)


class PublicResponseView(APIView):
    """Submit one anonymous response. The same validation as the web form; 400 with errors per question code.

    JSON only: a plain HTML form on another site cannot send JSON (the browser would ask first, and is refused),
    so no page can make its visitors' browsers submit answers here (see docs/api.md on CSRF).
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @extend_schema(
        request=PublicResponseSerializer,
        responses={
            201: PublicResponseCreatedSerializer,
            400: OpenApiResponse(description="Errors by question code"),
            404: OpenApiResponse(description="Unknown survey or collection point"),
            410: OpenApiResponse(description="The survey is not open"),
            429: OpenApiResponse(description="Too many submissions from this client"),
        },
    )
    def post(self, request, token: str):
        from django.http import Http404

        survey = selectors.survey_for_submission(token)
        if survey is None:
            raise Http404
        payload = PublicResponseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        point = None
        if data["collection_point"]:
            point = survey.collection_points.filter(token=data["collection_point"]).first()
            if point is None:
                raise Http404
        if not survey.is_accepting():
            return Response(
                {"detail": _("This survey is not open for answers.")}, status=status.HTTP_410_GONE
            )
        if data[HONEYPOT_FIELD] or data[LEGACY_HONEYPOT_FIELD]:
            return Response({"status": "saved"}, status=status.HTTP_201_CREATED)
        ip = client_ip(request)
        if rate_limit_exceeded(scope=f"survey:{survey.pk}", ip=ip, limit=survey.effective_rate_limit()):
            return Response(
                {"detail": _("Too many submissions. Please try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        try:
            services.response_submit(
                survey=survey,
                answers=data["answers"],
                collection_point=point,
                language=data["language"],
                client_ip=ip,
                questions=selectors.public_questions(survey),
            )
        except services.SurveyNotOpen:
            return Response(
                {"detail": _("This survey is not open for answers.")}, status=status.HTTP_410_GONE
            )
        except DjangoValidationError as error:
            return Response({"answers": error.message_dict}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"status": "saved"}, status=status.HTTP_201_CREATED)


class ReadinessFilter(django_filters.FilterSet):
    programme = IdFilter("programme_id")

    class Meta:
        model = ReadinessAssessment
        fields = ["programme"]


class ReadinessAssessmentViewSet(
    BoundedLookupMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Readiness self-checks (levels 0–4 per dimension), newest first; a new check keeps the old ones."""

    serializer_class = ReadinessAssessmentSerializer
    filterset_class = ReadinessFilter
    ordering = ["-assessed_at"]
    ordering_fields = ["assessed_at"]

    def get_queryset(self):
        return selectors.readiness_visible_to(self.request.user)

    def perform_create(self, serializer):
        data = serializer.validated_data
        programme = data["programme"]
        require(self.request, EDIT, programme)
        serializer.instance = services.readiness_assess_scores(
            programme=programme,
            assessed_by=self.request.user,
            scores=data["scores"],
            comment=data.get("comment", ""),
        )
