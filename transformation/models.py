"""Transformation (T): business cases with versions and the implementation plan of a measure."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from concept.models import Measure
from programmes.models import Programme

from .framework_refs import validate_framework_ref

NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]
MAX_HORIZON = 15
MAX_RATE = Decimal("0.30")
MULTIPLIER = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))]


def _multiplier(label, default):
    return models.DecimalField(
        label, max_digits=4, decimal_places=2, default=Decimal(default), validators=MULTIPLIER
    )


class BusinessCase(models.Model):
    """The economic case of a selected measure, or (without a measure) the programme's roll-up.

    Years are relative: t = 0 is the year of the one-off investment, t = 1..horizon_years the running years.
    The discount rate is stored as a fraction (0.02 = 2 %); forms and the API show it in percent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    class Recommendation(models.TextChoices):
        GO = "go", _("go")
        CONDITIONAL = "conditional", _("go with conditions")
        NO_GO = "no_go", _("no go")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="business_cases"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="business_cases",
        help_text=_("Empty for the programme's roll-up."),
    )
    title = models.CharField(_("title"), max_length=200)
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON)]
    )
    discount_rate = models.DecimalField(
        _("discount rate (fraction)"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.02"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_RATE)],
        help_text=_("0.02 = 2 %"),
    )
    price_basis_year = models.PositiveSmallIntegerField(
        _("price basis (year)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_version",
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=12, choices=Recommendation.choices, blank=True
    )
    recommendation_reason = models.TextField(_("reason for the recommendation"), blank=True)
    cost_factor_pessimistic = _multiplier(_("costs × (pessimistic)"), "1.20")
    cost_factor_base = _multiplier(_("costs × (base)"), "1.00")
    cost_factor_optimistic = _multiplier(_("costs × (optimistic)"), "0.90")
    benefit_factor_pessimistic = _multiplier(_("benefits × (pessimistic)"), "0.80")
    benefit_factor_base = _multiplier(_("benefits × (base)"), "1.00")
    benefit_factor_optimistic = _multiplier(_("benefits × (optimistic)"), "1.10")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    snapshot = models.JSONField(_("frozen snapshot"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")
        ordering = ["title", "-version", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_years__gte=1, horizon_years__lte=MAX_HORIZON),
                name="businesscase_horizon_1_15",
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lte=MAX_RATE), name="businesscase_rate_0_30"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]), name="businesscase_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=["", "go", "conditional", "no_go"]),
                name="businesscase_recommendation_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_at__isnull=False),
                name="businesscase_approved_has_date",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="businesscase_version_positive"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{side}_factor_{scenario}__gte": 0}),
                    name=f"businesscase_{side}_{scenario}_not_negative",
                )
                for side in ("cost", "benefit")
                for scenario in ("pessimistic", "base", "optimistic")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def discount_rate_percent(self) -> Decimal:
        return self.discount_rate * 100

    def scenario_factors(self) -> dict[str, tuple[Decimal, Decimal]]:
        """scenario → (cost factor, benefit factor)."""
        return {
            "pessimistic": (self.cost_factor_pessimistic, self.benefit_factor_pessimistic),
            "base": (self.cost_factor_base, self.benefit_factor_base),
            "optimistic": (self.cost_factor_optimistic, self.benefit_factor_optimistic),
        }

    def clean(self) -> None:
        if self.measure_id and self.programme_id and self.measure.programme_id != self.programme_id:
            raise ValidationError({"measure": _("The measure belongs to another programme.")})


SCENARIOS = [
    ("pessimistic", _("pessimistic")),
    ("base", _("base")),
    ("optimistic", _("optimistic")),
]


class _Line(models.Model):
    year = models.PositiveSmallIntegerField(
        _("year (t)"), validators=[MaxValueValidator(MAX_HORIZON)], help_text=_("0 = year of investment")
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)
    label = models.CharField(_("label"), max_length=200)
    note = models.TextField(_("source or assumption"), blank=True)

    class Meta:
        abstract = True
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.label} t={self.year}"

    def clean(self) -> None:
        case = getattr(self, "case", None) if self.case_id else None
        if case is not None and self.year is not None and self.year > case.horizon_years:
            raise ValidationError(
                {
                    "year": ngettext(
                        "Year %(year)s lies beyond the horizon of %(horizon)s year.",
                        "Year %(year)s lies beyond the horizon of %(horizon)s years.",
                        case.horizon_years,
                    )
                    % {"year": self.year, "horizon": case.horizon_years}
                }
            )


class CostLine(_Line):
    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("one-off investment")
        RUNNING = "running", _("running costs")

    class Category(models.TextChoices):
        STAFF = "staff", _("staff")
        LICENCES = "licences", _("licences")
        HARDWARE = "hardware", _("hardware")
        SERVICES = "services", _("services")
        CONTENT = "content", _("content")
        OTHER = "other", _("other")

    case = models.ForeignKey(
        BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    category = models.CharField(
        _("category"), max_length=12, choices=Category.choices, default=Category.OTHER
    )

    class Meta(_Line.Meta):
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="costline_amount_not_negative"),
            models.CheckConstraint(condition=Q(year__lte=MAX_HORIZON), name="costline_year_in_range"),
            models.CheckConstraint(
                condition=Q(kind__in=["investment", "running"]), name="costline_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=["staff", "licences", "hardware", "services", "content", "other"]),
                name="costline_category_valid",
            ),
        ]


class BenefitLine(_Line):
    class Kind(models.TextChoices):
        SAVINGS = "savings", _("savings")
        REVENUE = "revenue", _("revenue")
        AVOIDED = "avoided", _("avoided costs")

    case = models.ForeignKey(
        BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="benefit_lines"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta(_Line.Meta):
        verbose_name = _("benefit line")
        verbose_name_plural = _("benefit lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="benefitline_amount_not_negative"),
            models.CheckConstraint(condition=Q(year__lte=MAX_HORIZON), name="benefitline_year_in_range"),
            models.CheckConstraint(
                condition=Q(kind__in=["savings", "revenue", "avoided"]), name="benefitline_kind_valid"
            ),
        ]


class FundingLine(_Line):
    """Third-party money towards the costs (grant, sponsor); gives the funding share, not a benefit."""

    case = models.ForeignKey(
        BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="funding_lines"
    )

    class Meta(_Line.Meta):
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="fundingline_amount_not_negative"),
            models.CheckConstraint(condition=Q(year__lte=MAX_HORIZON), name="fundingline_year_in_range"),
        ]


class AppraisalCriterion(models.Model):
    """A WiBe-style non-monetary criterion: weight and score 0–10; a catalogue totals 0–100 points."""

    class Catalogue(models.TextChoices):
        URGENCY = "urgency", _("urgency")
        STRATEGIC = "strategic", _("qualitative-strategic importance")
        EXTERNAL = "external", _("external effects")

    case = models.ForeignKey(
        BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="criteria"
    )
    catalogue = models.CharField(_("catalogue"), max_length=12, choices=Catalogue.choices)
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    score = models.PositiveSmallIntegerField(_("score (0–10)"), validators=[MaxValueValidator(10)])

    class Meta:
        verbose_name = _("appraisal criterion")
        verbose_name_plural = _("appraisal criteria")
        ordering = ["catalogue", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="appraisal_score_0_10"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="appraisal_weight_1_100"
            ),
            models.CheckConstraint(
                condition=Q(catalogue__in=["urgency", "strategic", "external"]),
                name="appraisal_catalogue_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.score}"


class Milestone(models.Model):
    """A work package or milestone of a measure in implementation."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BLOCKED = "blocked", _("blocked")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    start = models.DateField(_("start"))
    due = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    depends_on = models.ForeignKey(
        "self",
        verbose_name=_("depends on"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependants",
    )
    quick_win = models.BooleanField(_("quick win"), default=False)
    history = HistoricalRecords()  # when each milestone was started, blocked, done (the evidence trail)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["-quick_win", "due", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="milestone_due_after_start"),
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "done", "blocked"]),
                name="milestone_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(depends_on=models.F("pk")), name="milestone_not_depending_on_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.start and self.due and self.due < self.start:
            errors["due"] = _("The due date cannot lie before the start.")
        if self.depends_on_id:
            if self.depends_on.measure_id != self.measure_id:
                errors["depends_on"] = _("The milestone belongs to another measure.")
            else:
                # Follow the stored chain (not in-memory objects) from the new dependency upwards.
                parents = dict(
                    Milestone.objects.filter(measure_id=self.measure_id).values_list("pk", "depends_on_id")
                )
                seen, current = {self.pk}, self.depends_on_id
                while current is not None:
                    if current in seen:
                        errors["depends_on"] = _("This dependency would make a cycle.")
                        break
                    seen.add(current)
                    current = parents.get(current)
        if errors:
            raise ValidationError(errors)

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status != self.Status.DONE and self.due < timezone.localdate()


class RolloutStage(models.Model):
    """A step of scaling: pilot → extension → city-wide, or the programme's own names."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="rollout_stages"
    )
    name = models.CharField(_("name"), max_length=100)
    entry_condition = models.TextField(_("entry condition"), blank=True)
    kpi_code = models.CharField(_("KPI code"), max_length=50, blank=True)
    kpi_threshold = models.DecimalField(
        _("KPI threshold"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    date = models.DateField(_("date"))

    class Meta:
        verbose_name = _("rollout stage")
        verbose_name_plural = _("rollout stages")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.name


# --------------------------------------------------------------------------------------------------------------
# KPIs, measurements and data imports (issue 6)
# --------------------------------------------------------------------------------------------------------------

FRAMEWORK_REF_VALIDATOR = validate_framework_ref  # U4SSC KPI numbers, see transformation/framework_refs.py
KPI_CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    _("Use letters, digits, dot, dash or underscore (at most 40 characters)."),
)


class KPI(models.Model):
    """A key performance indicator of a programme, with baseline, targets and a series of measurements."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")
        BAND = "band", _("target band")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")

    class SurveyAggregate(models.TextChoices):
        MEAN = "mean", _("mean of the answers")
        SHARE = "share", _("share of a choice (%)")
        NPS = "nps", _("Net Promoter Score")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="kpis"
    )
    code = models.CharField(_("code"), max_length=40, validators=[KPI_CODE_VALIDATOR])
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    band_low = models.DecimalField(_("band from"), max_digits=16, decimal_places=4, null=True, blank=True)
    band_high = models.DecimalField(_("band to"), max_digits=16, decimal_places=4, null=True, blank=True)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    definition = models.TextField(_("definition or formula"), blank=True)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    framework_ref = models.CharField(
        _("framework reference"), max_length=40, blank=True, validators=[FRAMEWORK_REF_VALIDATOR]
    )
    catalogue_key = models.CharField(_("catalogue entry"), max_length=40, blank=True)
    measures = models.ManyToManyField(Measure, verbose_name=_("measures"), blank=True, related_name="kpis")
    journey_stage = models.ForeignKey(
        "concept.JourneyStage",
        verbose_name=_("journey stage"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
    )
    # A survey-fed KPI gets one measurement per closed wave of the question's survey.
    source_question = models.ForeignKey(
        "evaluation.Question",
        verbose_name=_("survey question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpis",
    )
    source_aggregate = models.CharField(
        _("survey figure"), max_length=10, choices=SurveyAggregate.choices, blank=True
    )
    source_choice = models.ForeignKey(
        "evaluation.Choice",
        verbose_name=_("choice counted"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A KPI fed by pedestrian-counter imports counts one location, or (blank) all locations of its programme.
    # Chosen explicitly when a counter file is imported for the KPI (import_services).
    counter_location = models.CharField(
        _("counter location"),
        max_length=200,
        blank=True,
        help_text=_("Counter imports: the one location the KPI counts; empty = all locations (their sum)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="kpi_code_unique_per_programme"),
            models.CheckConstraint(
                condition=Q(direction__in=["higher", "lower", "band"]), name="kpi_direction_valid"
            ),
            models.CheckConstraint(
                condition=~Q(direction="band") | (Q(band_low__isnull=False) & Q(band_high__isnull=False)),
                name="kpi_band_needs_bounds",
            ),
            models.CheckConstraint(
                condition=Q(band_low__isnull=True)
                | Q(band_high__isnull=True)
                | Q(band_low__lte=models.F("band_high")),
                name="kpi_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language (German when no English name is given)."""
        from django.utils.translation import get_language

        if (get_language() or "de").startswith("en") and self.name_en:
            return self.name_en
        return self.name_de


class KPITarget(models.Model):
    """A milestone of a KPI's target path: the value to reach by a date."""

    kpi = models.ForeignKey(KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    date = models.DateField(_("target date"))

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["kpi", "date"], name="kpi_target_date_unique")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.value} @ {self.date}"


class DataImport(models.Model):
    """An uploaded file of measurements or pedestrian counts, checked, previewed and applied all-or-nothing."""

    class Kind(models.TextChoices):
        GENERIC = "generic", _("KPI values (CSV/XLSX)")
        COUNTER = "counter", _("pedestrian counter export")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKING = "checking", _("being checked")
        READY = "ready", _("ready to import")
        FAILED = "failed", _("has errors")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        CANCELLED = "cancelled", _("cancelled")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="data_imports"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The footfall KPI that a counter import feeds with one measurement per day.
    kpi = models.ForeignKey(
        KPI, verbose_name=_("KPI"), on_delete=models.SET_NULL, null=True, blank=True, related_name="imports"
    )
    # Counter imports: the location the KPI counts, as chosen on upload; blank = all locations (their sum).
    location = models.CharField(_("counter location"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class Measurement(models.Model):
    """One value of a KPI for a period. One value per KPI and period: a re-import replaces, never duplicates."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by hand")
        API = "api", _("API")
        IMPORT = "import", _("file import")
        COUNTER = "counter", _("pedestrian counter")
        SURVEY = "survey", _("survey wave")

    kpi = models.ForeignKey(KPI, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="evidence/%Y/%m/", blank=True)
    wave = models.ForeignKey(
        "evaluation.Wave",
        verbose_name=_("survey wave"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kpi_measurements",
    )
    data_import = models.ForeignKey(
        DataImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["kpi", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_start", "period_end"], name="measurement_one_per_kpi_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="measurement_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["kpi", "-period_end"], name="measurement_latest")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period_start}–{self.period_end}: {self.value}"


class FootfallDay(models.Model):
    """Pedestrian counts of one location and day, summed from the counter's hourly rows."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="footfall_days"
    )
    location = models.CharField(_("location"), max_length=200)
    date = models.DateField(_("date"))
    total = models.PositiveIntegerField(_("pedestrians"))
    direction_a = models.PositiveIntegerField(_("direction 1"), null=True, blank=True)
    direction_b = models.PositiveIntegerField(_("direction 2"), null=True, blank=True)
    adults = models.PositiveIntegerField(_("adults"), null=True, blank=True)
    children = models.PositiveIntegerField(_("children"), null=True, blank=True)
    weather = models.CharField(_("weather"), max_length=60, blank=True)
    temperature = models.DecimalField(
        _("mean temperature (°C)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    hours = models.PositiveSmallIntegerField(_("hours counted"), validators=[MaxValueValidator(25)])
    data_import = models.ForeignKey(
        DataImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("footfall day")
        verbose_name_plural = _("footfall days")
        ordering = ["location", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "location", "date"], name="footfall_one_per_location_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.location} {self.date}: {self.total}"


# --------------------------------------------------------------------------------------------------------------
# Stakeholder share links and recurring reports (issue 6)
# --------------------------------------------------------------------------------------------------------------


class ShareLink(models.Model):
    """A secret, expiring, revocable link to a programme's read-only stakeholder dashboard. Stored hashed."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="share_links"
    )
    label = models.CharField(_("label"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("share link")
        verbose_name_plural = _("share links")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class ReportSchedule(models.Model):
    """A recurring KPI report of a programme: who receives it, how often, in which language, with which sections."""

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")

    SECTIONS = ("kpis", "milestones", "gate", "business_cases", "risks")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="report_schedules"
    )
    name = models.CharField(_("name"), max_length=200)
    cadence = models.CharField(_("cadence"), max_length=10, choices=Cadence.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="de")
    sections = models.JSONField(_("sections"), default=list, blank=True)
    send_to_members = models.BooleanField(_("send to members"), default=True)
    send_to_stakeholders = models.BooleanField(_("send to stakeholders"), default=False)
    extra_recipients = models.TextField(_("further e-mail addresses"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    starts_on = models.DateField(_("first period starts"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A frozen snapshot of a programme's figures as of a period end; what was reported stays as it was."""

    class Status(models.TextChoices):
        BUILDING = "building", _("being built")
        BUILT = "built", _("built")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        MANUAL = "manual", _("sent by hand")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reports"
    )
    schedule = models.ForeignKey(
        ReportSchedule,
        verbose_name=_("schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    title = models.CharField(_("title"), max_length=300)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES, default="de")
    trigger = models.CharField(
        _("trigger"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULED
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BUILDING)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    html = models.TextField(_("HTML snapshot"), blank=True)
    pdf = models.BinaryField(_("PDF snapshot"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The measures the snapshot covers (data["measure_ids"]), set once when it is built: the evidence trail
    # finds a measure's reports through this link, not by searching the HTML for its title.
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures covered"), blank=True, related_name="reports"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_end", "-created_at"]
        constraints = [
            # Idempotency: a schedule produces one report per period, however often the task runs.
            models.UniqueConstraint(
                fields=["schedule", "period_start", "period_end"],
                condition=Q(trigger="scheduled"),
                name="report_one_per_schedule_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReportDelivery(models.Model):
    """One e-mail of a report to one address; the unique pair keeps a re-run from mailing anyone twice.

    pending → sending (claimed and committed before the mail goes out) → sent, or failed (the mail server
    refused; tried again). A delivery left in *sending* belongs to a worker that stopped while sending: the
    e-mail may have gone out, so it is never sent again automatically (at most one e-mail per address).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending, not confirmed")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="deliveries"
    )
    email = models.EmailField(_("e-mail address"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(fields=["report", "email"], name="report_delivery_once_per_address")
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.email}"


# --------------------------------------------------------------------------------------------------------------
# Retrospective of a cycle (issue 7: a T→E gate criterion)
# --------------------------------------------------------------------------------------------------------------


class Retrospective(models.Model):
    """What a programme learned at the end of a Transformation cycle, and its scaling decision."""

    class Decision(models.TextChoices):
        SCALE = "scale", _("scale up")
        ADJUST = "adjust", _("adjust and continue")
        STOP = "stop", _("stop")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="retrospectives"
    )
    cycle = models.PositiveIntegerField(_("cycle"))
    held_on = models.DateField(_("held on"))
    went_well = models.TextField(_("what went well"))
    to_improve = models.TextField(_("what to improve"))
    decision = models.CharField(_("scaling decision"), max_length=10, choices=Decision.choices)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    workshop = models.ForeignKey(
        "programmes.Workshop",
        verbose_name=_("workshop"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("retrospective")
        verbose_name_plural = _("retrospectives")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.programme} – {self.held_on}"
