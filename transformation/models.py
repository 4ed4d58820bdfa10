"""Transformation (T): business cases with versions and the implementation plan of a measure."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concept.models import Measure
from programmes.models import Programme

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
                    "year": _("Year %(year)s lies beyond the horizon of %(horizon)s years.")
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
