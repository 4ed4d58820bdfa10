"""Evaluation (E): surveys with waves and public responses, and the findings drawn from them."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme, Workshop
from programmes.reference import TARGET_GROUPS

SURVEY_LANGUAGES = [("de", _("German")), ("en", _("English"))]


def new_public_token() -> str:
    """An unguessable token for the public survey address (about 190 bits)."""
    return secrets.token_urlsafe(24)


def new_point_token() -> str:
    return secrets.token_urlsafe(6)


def default_languages() -> list[str]:
    return ["de"]


DEFAULT_SMALL_CELL_THRESHOLD = 5
MAX_SMALL_CELL_THRESHOLD = 1000


class EvaluationSettings(models.Model):
    """Evaluation settings of one programme, kept in this app: the hub knows nothing of Evaluation.

    A programme without a row uses the defaults (``selectors.evaluation_settings``).
    """

    programme = models.OneToOneField(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="evaluation_settings",
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("minimum segment size"),
        default=DEFAULT_SMALL_CELL_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SMALL_CELL_THRESHOLD)],
        help_text=_(
            "Segments with fewer responses are hidden in the results of every survey of the programme, to "
            "protect anonymity. A survey may set its own value."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation settings")
        verbose_name_plural = _("evaluation settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(small_cell_threshold__gte=1), name="evaluation_settings_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class Survey(models.Model):
    """A questionnaire of a programme, answered in waves through a public link or QR code."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    privacy_notice = models.TextField(_("privacy notice"), blank=True)
    privacy_notice_en = models.TextField(_("privacy notice (English)"), blank=True)
    languages = models.JSONField(_("languages"), default=default_languages)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    response_target = models.PositiveIntegerField(
        _("response target"), default=100, validators=[MinValueValidator(1)]
    )
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    one_response_per_browser = models.BooleanField(_("one response per browser"), default=True)
    # None: the platform's SURVEY_RATE_LIMIT; 0: no limit (a supervised kiosk behind one address)
    rate_limit = models.PositiveIntegerField(
        _("submissions per connection"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100_000)],
        help_text=_(
            "At most this many answers from one internet connection within the time window; 0 switches the "
            "limit off. Leave empty for the platform default."
        ),
    )
    # None: the programme's minimum segment size applies (EvaluationSettings); a number overrides it
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("minimum segment size"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SMALL_CELL_THRESHOLD)],
        help_text=_(
            "Segments with fewer responses are hidden in the results to protect anonymity. Leave empty to use "
            "the programme's setting."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="survey_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(response_target__gte=1), name="survey_response_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(small_cell_threshold__isnull=True) | Q(small_cell_threshold__gte=1),
                name="survey_threshold_positive",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="survey_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(rate_limit__isnull=True) | Q(rate_limit__lte=100_000),
                name="survey_rate_limit_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "programmes:evaluation:survey_detail", kwargs={**self.programme.url_kwargs, "survey": self.pk}
        )

    def clean(self) -> None:
        valid = {code for code, _label in SURVEY_LANGUAGES}
        if not isinstance(self.languages, list) or not self.languages or set(self.languages) - valid:
            raise ValidationError({"languages": _("Choose at least one of the offered languages.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})

    def public_path(self) -> str:
        return reverse("surveys:answer", kwargs={"token": self.public_token})

    def localized(self, field: str, language: str) -> str:
        """The English text where English is asked for and given, otherwise the primary text."""
        if language == "en":
            return getattr(self, f"{field}_en", "") or getattr(self, field)
        return getattr(self, field)

    def effective_rate_limit(self) -> int:
        """Submissions per client address and window: the survey's own limit, else the platform's (0 = off)."""
        if self.rate_limit is not None:
            return self.rate_limit
        return int(getattr(settings, "SURVEY_RATE_LIMIT", 30))

    def has_ended(self, now=None) -> bool:
        """Whether the end date has passed (the survey may still be marked open until it is closed)."""
        return bool(self.ends_at and (now or timezone.now()) >= self.ends_at)

    def is_accepting(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.OPEN:
            return False
        if self.starts_at and now < self.starts_at:
            return False
        return not (self.ends_at and now >= self.ends_at)


class Wave(models.Model):
    """One field period of a survey. Questions belong to the survey, so waves compare like with like."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="waves"
    )
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    label = models.CharField(_("label"), max_length=100, blank=True)
    starts_on = models.DateField(_("period start"), null=True, blank=True)
    ends_on = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["survey", "number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="wave_number_unique_per_survey"),
            models.CheckConstraint(condition=Q(number__gte=1), name="wave_number_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "open", "closed"]), name="wave_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="wave_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.label or str(_("Wave %(number)d") % {"number": self.number})


class Section(models.Model):
    """An optional heading that groups the questions of a long survey into pages."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SCHOOL_GRADE = "school_grade", _("School grade 1–6 (1 = best)")
    LIKERT = "likert", _("Likert scale 1–5")
    NPS = "nps", _("Recommendation 0–10 (NPS)")
    NUMBER = "number", _("Number")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")


CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
SCALE_TYPES = {QuestionType.SCHOOL_GRADE: (1, 6), QuestionType.LIKERT: (1, 5), QuestionType.NPS: (0, 10)}
NUMERIC_TYPES = {*SCALE_TYPES, QuestionType.NUMBER}
TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Stable short name for exports and the API, e.g. grade_parking."),
    )
    type = models.CharField(_("question type"), max_length=20, choices=QuestionType.choices)
    text = models.CharField(_("question"), max_length=500)
    text_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    help_text_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    required = models.BooleanField(_("answer required"), default=False)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_selections = models.PositiveSmallIntegerField(
        _("maximum selections"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    journey_stage = models.CharField(_("journey stage"), max_length=100, blank=True)
    target_group = models.CharField(_("target group"), max_length=30, choices=TARGET_GROUPS, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique_per_survey"),
            models.CheckConstraint(condition=Q(type__in=QuestionType.values), name="question_type_valid"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=models.F("min_value")),
                name="question_max_not_below_min",
            ),
            models.CheckConstraint(
                condition=Q(max_selections__isnull=True) | Q(max_selections__gte=1),
                name="question_max_selections_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.min_value is not None and self.max_value is not None and self.max_value < self.min_value:
            raise ValidationError({"max_value": _("The maximum must not be below the minimum.")})
        if self.max_selections and self.type != QuestionType.MULTIPLE_CHOICE:
            raise ValidationError(
                {"max_selections": _("Only multiple-choice questions have a maximum of selections.")}
            )
        if (self.min_value is not None or self.max_value is not None) and self.type != QuestionType.NUMBER:
            raise ValidationError({"min_value": _("Only number questions have a minimum and maximum.")})

    def localized_text(self, language: str) -> str:
        return (self.text_en or self.text) if language == "en" else self.text

    def localized_help(self, language: str) -> str:
        return (self.help_text_en or self.help_text) if language == "en" else self.help_text

    @property
    def has_choices(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def is_text(self) -> bool:
        return self.type in TEXT_TYPES

    def scale(self) -> tuple[int, int] | None:
        return SCALE_TYPES.get(self.type)


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    code = models.SlugField(_("code"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="choice_code_unique_per_question")
        ]

    def __str__(self) -> str:
        return self.label

    def localized_label(self, language: str) -> str:
        return (self.label_en or self.label) if language == "en" else self.label


class CollectionPoint(models.Model):
    """A place or touchpoint where the survey is offered (a poster in the market square, a shop counter)."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="collection_points"
    )
    name = models.CharField(_("name"), max_length=200)
    token = models.CharField(max_length=32, default=new_point_token, editable=False)

    class Meta:
        verbose_name = _("collection point")
        verbose_name_plural = _("collection points")
        ordering = ["survey", "name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "token"], name="collection_point_token_unique"),
            models.UniqueConstraint(fields=["survey", "name"], name="collection_point_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def public_path(self) -> str:
        return reverse(
            "surveys:answer_point", kwargs={"token": self.survey.public_token, "point": self.token}
        )


def import_upload_path(batch: "ImportBatch", filename: str) -> str:
    return f"survey-imports/{timezone.now():%Y/%m}/{secrets.token_hex(8)}-{filename}"


class ImportBatch(models.Model):
    """One file import of responses: who imported what into which wave, so the whole import can be undone.

    The web import keeps the uploaded file here (not in a cache) between its steps, so any worker can continue
    it; the file is removed once the rows are imported, and uploads never imported are purged after a day.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded, not imported")
        IMPORTED = "imported", _("imported")
        UNDONE = "undone", _("undone")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="import_batches"
    )
    wave = models.ForeignKey(Wave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=import_upload_path, blank=True, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    row_count = models.PositiveIntegerField(_("responses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("response import")
        verbose_name_plural = _("response imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["uploaded", "imported", "undone"]), name="import_batch_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class Response(models.Model):
    """One anonymous submission. ``client_hash`` is a daily-salted HMAC of the address, never the address."""

    # no index of its own: response_wave_point_idx starts with the wave (one index less per submission)
    wave = models.ForeignKey(
        Wave, verbose_name=_("wave"), on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    collection_point = models.ForeignKey(
        CollectionPoint,
        verbose_name=_("collection point"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    client_hash = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, choices=SURVEY_LANGUAGES, default="de")
    # only imported responses have one; the partial index leaves public submissions out (no index write)
    import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        db_index=False,
    )

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["wave", "collection_point"], name="response_wave_point_idx"),
            models.Index(
                fields=["import_batch"],
                name="response_import_batch_idx",
                condition=Q(import_batch__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.wave})"


class Answer(models.Model):
    """One answer to one question; a multiple-choice answer is one row per selected choice."""

    # Every public submission inserts a few dozen answers, and each index costs a write per row: response and
    # question have no index of their own because answer_choice_once_per_response and
    # answer_question_choice_idx start with them.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    # RESTRICT: an answered question or option can't be deleted on its own, only with its whole survey
    question = models.ForeignKey(Question, on_delete=models.RESTRICT, related_name="answers", db_index=False)
    choice = models.ForeignKey(
        Choice, on_delete=models.RESTRICT, null=True, blank=True, related_name="answers"
    )
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["question", "choice"], name="answer_question_choice_idx"),
            models.Index(fields=["question", "number"], name="answer_question_number_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "choice"], name="answer_choice_once_per_response"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice_id or self.number or self.text[:30]}"


TALLY_SHARDS = 16


class AnswerTally(models.Model):
    """Pre-aggregated answer counts per wave, collection point, question and value, kept up to date on write.

    One row per (wave, collection point or none, question, slot). ``slot`` is the non-null key of the row,
    so the unique constraint works the same on every database: ``p<point>`` alone counts the respondents of
    the question, ``…:c<choice>`` a chosen option and ``…:n<number>`` a numeric value. Unsegmented results
    read these few rows instead of scanning every answer; ``services.tallies_rebuild`` recomputes them.

    Each count is spread over ``TALLY_SHARDS`` rows by ``shard`` (the response id modulo the shard count):
    every submission of a survey adds to the same few dozen counts, and with one row per count concurrent
    submissions queue behind each other's row locks until commit. Readers sum over the shards.

    On PostgreSQL the table keeps half of each page free (fillfactor 50, migration 0007): a submission then
    updates its counts in place (HOT updates) instead of writing a new entry into every index of the table.
    """

    # no index of its own: answer_tally_unique_slot_shard starts with the wave
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+", db_index=False)
    # SET_NULL like Response.collection_point: the counts stay in the wave's totals when a point goes
    collection_point = models.ForeignKey(
        CollectionPoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    slot = models.CharField(max_length=80)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer tally")
        verbose_name_plural = _("answer tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "question", "slot", "shard"], name="answer_tally_unique_slot_shard"
            ),
            models.CheckConstraint(condition=Q(count__gte=0), name="answer_tally_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}/{self.question_id}/{self.slot}/{self.shard}: {self.count}"


class Finding(models.Model):
    """A visitor need or problem the programme has learned, with its evidence. Feeds Konzeption."""

    class Priority(models.TextChoices):
        HIGH = "high", _("high")
        MEDIUM = "medium", _("medium")
        LOW = "low", _("low")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CONFIRMED = "confirmed", _("confirmed")
        ADDRESSED = "addressed", _("addressed by a measure")
        DISCARDED = "discarded", _("discarded")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="findings"
    )
    statement = models.CharField(_("statement"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    journey_stage = models.CharField(_("journey stage"), max_length=100, blank=True)
    target_group = models.CharField(_("target group"), max_length=30, choices=TARGET_GROUPS, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["priority", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(priority__in=["high", "medium", "low"]), name="finding_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "confirmed", "addressed", "discarded"]),
                name="finding_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.statement


def evidence_document_path(evidence: "Evidence", filename: str) -> str:
    """A random name in a folder per programme; the uploaded name never reaches the file system."""
    import uuid
    from pathlib import PurePath

    extension = PurePath(filename).suffix.lower().lstrip(".")[:10]
    programme_id = evidence.finding.programme_id if evidence.finding_id else 0
    return f"evidence/findings/{programme_id}/{uuid.uuid4().hex}.{extension or 'bin'}"


class Evidence(models.Model):
    """Why we believe a finding: a survey result frozen at the time, a workshop, a document or a web page."""

    class Kind(models.TextChoices):
        SURVEY_RESULT = "survey_result", _("survey result")
        WORKSHOP = "workshop", _("workshop")
        DOCUMENT = "document", _("document")
        URL = "url", _("web page")

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=300)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    # Stored under a random name (evidence_document_path) and only ever handed out by a view that checks the
    # programme role; ``document_name`` keeps the uploaded file's (cleaned) name for the download.
    document = models.FileField(_("document"), upload_to=evidence_document_path, max_length=200, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    snapshot = models.JSONField(_("figures at the time"), default=dict, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["survey_result", "workshop", "document", "url"]),
                name="evidence_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        # A document or a workshop may also be named by its label alone (a paper report, a meeting held
        # before the programme used this platform); a web page needs its address.
        if self.kind == self.Kind.URL and not self.url:
            raise ValidationError({"url": _("Please give the address of the web page.")})
        if (
            self.workshop_id is not None
            and self.finding_id is not None
            and self.workshop.programme_id != self.finding.programme_id
        ):
            raise ValidationError({"workshop": _("The workshop belongs to another programme.")})


class ReadinessDimension(models.TextChoices):
    """The prerequisites of a digital city programme (seed 001 "Voraussetzungen")."""

    VISION = "vision", _("Digital vision & strategy")
    PEOPLE = "people", _("Staff & organisation")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure & security")
    DATA = "data", _("Data & connectivity")
    PARTICIPATION = "participation", _("Participation")
    FUNDING = "funding", _("Funding")


READINESS_LEVELS = range(0, 5)


class ReadinessAssessment(models.Model):
    """One self-check of the programme's readiness; earlier ones stay as its history."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="readiness_assessments"
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("readiness self-check")
        verbose_name_plural = _("readiness self-checks")
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme} – {self.assessed_at:%Y-%m-%d}"


class ReadinessScore(models.Model):
    assessment = models.ForeignKey(ReadinessAssessment, on_delete=models.CASCADE, related_name="scores")
    dimension = models.CharField(_("dimension"), max_length=20, choices=ReadinessDimension.choices)
    level = models.PositiveSmallIntegerField(
        _("level (0–4)"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("readiness score")
        verbose_name_plural = _("readiness scores")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "dimension"], name="readiness_dimension_once"),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=4), name="readiness_level_0_4"),
            models.CheckConstraint(
                condition=Q(dimension__in=ReadinessDimension.values), name="readiness_dimension_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.level}"
