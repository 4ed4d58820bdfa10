from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers

from programmes.api.views import MAX_ID
from programmes.models import Programme

from .. import templates_data
from ..models import (
    SURVEY_LANGUAGES,
    Choice,
    CollectionPoint,
    Evidence,
    Finding,
    ImportBatch,
    Question,
    ReadinessAssessment,
    ReadinessDimension,
    Response,
    Section,
    Survey,
    Wave,
)


class ChoiceSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(max_length=50, required=False, allow_blank=True)

    class Meta:
        model = Choice
        fields = ["id", "code", "label", "label_en", "position"]
        read_only_fields = ["id", "position"]


class QuestionSerializer(serializers.ModelSerializer):
    code = serializers.SlugField(max_length=50, required=False, allow_blank=True)
    choices = ChoiceSerializer(many=True, required=False)

    class Meta:
        model = Question
        fields = [
            "id",
            "position",
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
            "section",
            "journey_stage",
            "target_group",
            "choices",
        ]
        read_only_fields = ["id", "position"]
        validators: list = []  # uniqueness of the code is checked by the service with a clear message


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "position", "title", "title_en"]
        read_only_fields = ["id", "position"]


class ReorderSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=2000
    )


class MoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


class WaveSerializer(serializers.ModelSerializer):
    response_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Wave
        fields = ["id", "number", "label", "starts_on", "ends_on", "status", "response_count"]
        read_only_fields = fields


class WaveCreateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    ends_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A new end of the survey, in the future. Required when the survey's end date has passed "
        "(unless clear_ends_at).",
    )
    clear_ends_at = serializers.BooleanField(
        required=False, default=False, help_text="Remove the survey's end date: open until closed."
    )


class CollectionPointSerializer(serializers.ModelSerializer):
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = CollectionPoint
        fields = ["id", "name", "token", "public_url"]
        read_only_fields = ["id", "token", "public_url"]
        validators: list = []

    def get_public_url(self, point) -> str:
        return settings.SITE_URL + point.public_path()


class SurveySerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=SURVEY_LANGUAGES), required=False, min_length=1
    )
    template = serializers.ChoiceField(
        choices=templates_data.template_choices(),
        required=False,
        write_only=True,
        help_text="Create the survey with the questions of a shipped template.",
    )
    public_url = serializers.SerializerMethodField()
    response_count = serializers.IntegerField(read_only=True, default=None)
    threshold_in_force = serializers.SerializerMethodField(
        help_text="The minimum segment size that applies: small_cell_threshold, or the programme's setting "
        "when that is null."
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "programme",
            "template",
            "title",
            "title_en",
            "intro",
            "intro_en",
            "privacy_notice",
            "privacy_notice_en",
            "languages",
            "status",
            "starts_at",
            "ends_at",
            "response_target",
            "one_response_per_browser",
            "rate_limit",
            "small_cell_threshold",
            "threshold_in_force",
            "public_token",
            "public_url",
            "response_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "public_token",
            "public_url",
            "response_count",
            "threshold_in_force",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"title": {"required": False}}

    def get_public_url(self, survey) -> str:
        return settings.SITE_URL + survey.public_path()

    def get_threshold_in_force(self, survey) -> int:
        from ..selectors import small_cell_threshold

        return small_cell_threshold(survey)

    def get_fields(self):
        fields = super().get_fields()
        from programmes.selectors import programmes_visible_to

        if isinstance(self.instance, Survey):
            fields["programme"].read_only = True
            fields.pop("template")
        elif "request" in self.context:
            fields["programme"].queryset = programmes_visible_to(self.context["request"].user)
        return fields

    def validate(self, attrs):
        if not self.instance and not attrs.get("template") and not attrs.get("title"):
            raise serializers.ValidationError({"title": _("This field is required.")})
        return attrs


class SurveyDetailSerializer(SurveySerializer):
    questions = QuestionSerializer(many=True, read_only=True)
    waves = WaveSerializer(many=True, read_only=True)
    collection_points = CollectionPointSerializer(many=True, read_only=True)

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "questions", "waves", "collection_points"]


# --- Results -----------------------------------------------------------------------------------------


class DistributionEntrySerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Choice code or numeric value.")
    choice_id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="Percent of the question's respondents.")


class NpsSerializer(serializers.Serializer):
    promoters = serializers.FloatField()
    passives = serializers.FloatField()
    detractors = serializers.FloatField()
    score = serializers.FloatField(help_text="% promoters (9–10) − % detractors (0–6).")


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    journey_stage = serializers.CharField()
    target_group = serializers.CharField()
    respondents = serializers.IntegerField()
    distribution = DistributionEntrySerializer(many=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    nps = NpsSerializer(allow_null=True)


class ResultFiltersSerializer(serializers.Serializer):
    wave = serializers.IntegerField(allow_null=True)
    wave_label = serializers.CharField()
    collection_point = serializers.IntegerField(allow_null=True)
    collection_point_name = serializers.CharField()
    segment_question = serializers.IntegerField(allow_null=True)
    segment_choice = serializers.IntegerField(allow_null=True)
    segment_label = serializers.CharField()


class ResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    title = serializers.CharField()
    filters = ResultFiltersSerializer()
    responses = serializers.IntegerField(allow_null=True, help_text="Null when the segment is suppressed.")
    threshold = serializers.IntegerField(help_text="Segments with fewer responses are suppressed.")
    suppressed = serializers.BooleanField()
    questions = QuestionResultSerializer(many=True)


class SplitBySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["question", "collection_point"])
    question = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(help_text="The question code, or collection_point.")
    text = serializers.CharField()


class SegmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text="Choice id or collection point id; null for the general link."
    )
    key = serializers.CharField(help_text="Choice code, collection point id, or none (general link).")
    label = serializers.CharField()
    responses = serializers.IntegerField(allow_null=True, help_text="Segment size; null when suppressed.")
    suppressed = serializers.BooleanField()


class CrosstabAnswerSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class CrosstabColumnSerializer(serializers.Serializer):
    segment = serializers.CharField(help_text="The key of the segment.")
    suppressed = serializers.BooleanField()
    respondents = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    nps = NpsSerializer(allow_null=True)
    distribution = DistributionEntrySerializer(
        many=True, help_text="Per answer (in the order of answers): count and share of the column."
    )

    def to_representation(self, column):
        stats = column["stats"] or {}
        return super().to_representation(
            {
                "segment": column["segment"],
                "suppressed": column["suppressed"],
                "respondents": stats.get("respondents"),
                "mean": stats.get("mean"),
                "median": stats.get("median"),
                "nps": stats.get("nps"),
                "distribution": stats.get("distribution", []),
            }
        )


class CrosstabQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    text = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    answers = CrosstabAnswerSerializer(many=True, help_text="The rows: answer options or scale values.")
    columns = CrosstabColumnSerializer(many=True, help_text="One per segment, in the order of segments.")


class CrosstabSerializer(serializers.Serializer):
    survey = serializers.IntegerField()
    title = serializers.CharField()
    filters = ResultFiltersSerializer()
    threshold = serializers.IntegerField(help_text="Segments with fewer responses are suppressed.")
    split_by = SplitBySerializer()
    segments = SegmentSerializer(many=True)
    questions = CrosstabQuestionSerializer(many=True)


# --- Findings ----------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer):
    document_url = serializers.SerializerMethodField(
        help_text="Where the API hands out the uploaded document (programme roles only); null without one."
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "label",
            "url",
            "question",
            "workshop",
            "document_name",
            "document_url",
            "snapshot",
            "created_at",
        ]
        read_only_fields = fields

    def get_document_url(self, evidence) -> str | None:
        if not evidence.document:
            return None
        return reverse(
            "api:finding-evidence-document", kwargs={"pk": evidence.finding_id, "evidence_pk": evidence.pk}
        )


class EvidenceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    label = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    document = serializers.FileField(
        required=False,
        help_text="For kind document, sent as multipart/form-data: a PDF, office document or image of at most "
        "10 MB.",
    )
    workshop = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="For kind workshop: the id of a workshop of the finding's programme.",
    )
    question = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="For kind survey_result: the question id."
    )
    wave = serializers.IntegerField(required=False)
    collection_point = serializers.IntegerField(required=False)
    segment_question = serializers.IntegerField(required=False)
    segment_choice = serializers.IntegerField(required=False)


class FindingFromQuestionSerializer(serializers.Serializer):
    question = serializers.IntegerField(help_text="The question whose result becomes the finding.")
    wave = serializers.IntegerField(required=False, help_text="Only this wave.")
    collection_point = serializers.IntegerField(required=False, help_text="Only this collection point.")
    segment_question = serializers.IntegerField(required=False)
    segment_choice = serializers.IntegerField(
        required=False, help_text="Only respondents who chose this option."
    )


class FindingSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "programme",
            "statement",
            "description",
            "journey_stage",
            "target_group",
            "priority",
            "status",
            "evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "evidence", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        from programmes.selectors import programmes_visible_to

        if isinstance(self.instance, Finding):
            fields["programme"].read_only = True
        elif "request" in self.context:
            fields["programme"].queryset = programmes_visible_to(self.context["request"].user)
        return fields


# --- Public ------------------------------------------------------------------------------------------


class PublicChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField()


class PublicQuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    type = serializers.CharField()
    text = serializers.CharField()
    text_en = serializers.CharField()
    help_text = serializers.CharField()
    help_text_en = serializers.CharField()
    required = serializers.BooleanField()
    min_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    max_value = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    max_selections = serializers.IntegerField(allow_null=True)
    choices = PublicChoiceSerializer(many=True)


class PublicSurveySerializer(serializers.Serializer):
    title = serializers.CharField()
    title_en = serializers.CharField()
    intro = serializers.CharField()
    intro_en = serializers.CharField()
    privacy_notice = serializers.CharField()
    privacy_notice_en = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    accepting = serializers.BooleanField()
    questions = PublicQuestionSerializer(many=True)


class PublicResponseSerializer(serializers.Serializer):
    # No child field: the body is JSON already, and each answer is checked against its question by
    # services.answers_validate (a JSONField child would serialise every answer once more to check it).
    answers = serializers.DictField(
        help_text=(
            "Answers by question code: a choice code (single choice), a list of choice codes (multiple "
            "choice), a number (grades, Likert, NPS, number) or a text."
        ),
    )
    collection_point = serializers.CharField(required=False, allow_blank=True, default="")
    language = serializers.CharField(required=False, allow_blank=True, default="")
    hp_answer_check = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Leave empty (spam protection)."
    )
    website = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Former name of hp_answer_check, still honoured: leave empty.",
    )


class PublicResponseCreatedSerializer(serializers.Serializer):
    status = serializers.CharField()


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or XLSX, one row per response, a header row of column names.")
    wave = serializers.IntegerField(help_text="The wave the responses belong to.")
    mapping = serializers.JSONField(
        binary=True,
        required=False,
        help_text="A JSON object: column name → question code (or code__choice for 0/1 columns, "
        "@collection_point for a collection point's name or token, @submitted_at for the submission date); "
        "columns named like a question code, collection_point or submitted_at are matched without it. An empty "
        "value ignores the column.",
    )
    dry_run = serializers.BooleanField(default=False, help_text="Only check; store nothing.")

    def validate_mapping(self, value):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise serializers.ValidationError(_("Give an object of column names and question codes."))
        return value


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        help_text="Line of the row in the file (CSV) or row of the sheet (XLSX), blank lines counted."
    )
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    batch = serializers.IntegerField(
        allow_null=True, default=None, help_text="The import's id (to undo it); null for a dry run or errors."
    )
    errors = ImportErrorSerializer(many=True)


class ResponseMetaSerializer(serializers.ModelSerializer):
    """When, where and how a response came in; never its answers or anything about the person."""

    answered = serializers.IntegerField(read_only=True, help_text="Number of questions answered.")

    class Meta:
        model = Response
        fields = ["id", "wave", "collection_point", "submitted_at", "language", "import_batch", "answered"]
        read_only_fields = fields


class ResponseDeleteSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=1000
    )


class ResponseDeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()


class ImportBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.StringRelatedField()
    remaining = serializers.IntegerField(
        read_only=True, help_text="Responses of this import that still exist (some may be deleted singly)."
    )

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "wave",
            "file_name",
            "status",
            "row_count",
            "remaining",
            "created_by",
            "created_at",
            "imported_at",
            "undone_at",
        ]
        read_only_fields = fields


class ReadinessScoreSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=ReadinessDimension.choices)
    level = serializers.IntegerField(min_value=0, max_value=4)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReadinessAssessmentSerializer(serializers.ModelSerializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.all())
    scores = ReadinessScoreSerializer(many=True)
    assessed_by = serializers.StringRelatedField()

    class Meta:
        model = ReadinessAssessment
        fields = ["id", "programme", "assessed_at", "assessed_by", "comment", "scores"]
        read_only_fields = ["id", "assessed_at", "assessed_by"]

    def get_fields(self):
        fields = super().get_fields()
        from programmes.selectors import programmes_visible_to

        if "request" in self.context:
            fields["programme"].queryset = programmes_visible_to(self.context["request"].user)
        return fields
