"""Konzeption (K): the visitor journey, measures linked to findings, prioritisation and feasibility."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from evaluation.models import Finding
from programmes.models import Organisation, Programme
from programmes.reference import ACTION_FIELDS

SCALE_1_5 = [MinValueValidator(1), MaxValueValidator(5)]
STALE_AFTER_DAYS = 365  # the default; a lead sets it per programme (risk rule concept.stale_content)
NOT_NEGATIVE = [MinValueValidator(Decimal("0"))]

# Defaults from DOMAIN.md; the key is what evaluation questions and findings may carry as journey_stage.
DEFAULT_STAGES = [
    ("inspiration", "Inspiration"),
    ("information-planung", "Information & Planung"),
    ("anreise", "Anreise"),
    ("ankommen-orientierung", "Ankommen & Orientierung"),
    ("aufenthalt-erlebnis", "Aufenthalt & Erlebnis"),
    ("einkauf-angebot", "Einkauf & Angebot"),
    ("service", "Service"),
    ("abreise", "Abreise"),
    ("nachbereitung-teilen", "Nachbereitung & Teilen"),
]


class JourneyStage(models.Model):
    """One stage of the programme's visitor journey (a column of the journey map)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="journey_stages"
    )
    key = models.SlugField(pgettext_lazy("short identifier", "key"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("journey stage")
        verbose_name_plural = _("journey stages")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"], name="journeystage_key_unique_per_programme"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Touchpoint(models.Model):
    """Where a visitor meets the city in a stage: a web page, a sign, a counter, an app."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        OFFLINE = "offline", _("offline")

    stage = models.ForeignKey(
        JourneyStage, verbose_name=_("journey stage"), on_delete=models.CASCADE, related_name="touchpoints"
    )
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    quality = models.PositiveSmallIntegerField(
        _("current quality (1–5)"),
        validators=SCALE_1_5,
        null=True,
        blank=True,
        help_text=_("1 = poor, 5 = excellent"),
    )
    pain_points = models.TextField(_("pain points"), blank=True)
    last_content_update = models.DateField(_("content last updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["stage__position", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["online", "offline"]), name="touchpoint_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(quality__isnull=True) | Q(quality__gte=1, quality__lte=5),
                name="touchpoint_quality_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def staleness(self, days: int = STALE_AFTER_DAYS, today=None) -> str:
        """Seed 000's "provider-oriented and not up to date" warning sign: "never" (no update recorded),
        "outdated" (last update more than ``days`` ago) or "" (fresh)."""
        from django.utils import timezone

        if self.last_content_update is None:
            return "never"
        today = today or timezone.localdate()
        return "outdated" if (today - self.last_content_update).days > days else ""


class Measure(models.Model):
    """A measure (Maßnahme) planned along the visitor journey and answering findings of Evaluation."""

    class Status(models.TextChoices):
        IDEA = "idea", _("idea")
        SHORTLISTED = "shortlisted", _("shortlisted")
        SELECTED = "selected", _("selected")
        REJECTED = "rejected", _("rejected")
        IMPLEMENTATION = "implementation", _("in implementation")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stages = models.ManyToManyField(
        JourneyStage, verbose_name=_("journey stages"), related_name="measures", blank=True
    )
    touchpoints = models.ManyToManyField(
        Touchpoint, verbose_name=_("touchpoints"), related_name="measures", blank=True
    )
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings answered"), related_name="measures", blank=True
    )
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    action_field = models.CharField(_("action field"), max_length=50, choices=ACTION_FIELDS, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDEA)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), validators=SCALE_1_5, null=True, blank=True)
    effort = models.PositiveSmallIntegerField(_("effort (1–5)"), validators=SCALE_1_5, null=True, blank=True)
    # Workshop votes are added by the workshops feature later; the field keeps their room.
    vote_count = models.PositiveIntegerField(_("workshop votes"), default=0)
    one_off_costs = models.DecimalField(
        _("one-off costs (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The evidence trail tells when the measure was shortlisted, selected, rejected, put into implementation.
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "vote_count"])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["idea", "shortlisted", "selected", "rejected", "implementation"]),
                name="measure_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="measure_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(impact__isnull=True) | Q(impact__gte=1, impact__lte=5), name="measure_impact_1_5"
            ),
            models.CheckConstraint(
                condition=Q(effort__isnull=True) | Q(effort__gte=1, effort__lte=5), name="measure_effort_1_5"
            ),
            models.CheckConstraint(
                condition=Q(one_off_costs__gte=0), name="measure_one_off_costs_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.status == self.Status.REJECTED and not (self.rejection_reason or "").strip():
            raise ValidationError({"rejection_reason": _("Please give a reason for rejecting the measure.")})

    @property
    def score(self) -> int | None:
        """Priority score: high impact and low effort score best (impact × (6 − effort), 1–25)."""
        if self.impact is None or self.effort is None:
            return None
        return self.impact * (6 - self.effort)


class Verdict(models.TextChoices):
    OPEN = "open", _("open")
    FEASIBLE = "feasible", _("feasible")
    CONDITIONAL = "conditional", _("feasible with conditions")
    NOT_FEASIBLE = "not_feasible", _("not feasible")


VERDICTS = Verdict.values


class Feasibility(models.Model):
    """Feasibility of one measure in the four dimensions of the EKT method, each with verdict and reasoning."""

    measure = models.OneToOneField(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="feasibility"
    )
    # Organisation
    organisation_verdict = models.CharField(
        _("organisation: verdict"), max_length=20, choices=Verdict.choices, default=Verdict.OPEN
    )
    organisation_reasoning = models.TextField(_("organisation: reasoning"), blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    accountable_person = models.CharField(_("accountable person"), max_length=200, blank=True)
    partners = models.TextField(_("involved partners"), blank=True)
    # Provider selection
    provider_verdict = models.CharField(
        _("provider selection: verdict"), max_length=20, choices=Verdict.choices, default=Verdict.OPEN
    )
    provider_reasoning = models.TextField(_("provider selection: reasoning"), blank=True)
    criteria_set = models.ForeignKey(
        "CriteriaSet",
        verbose_name=_("criteria set"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    chosen_provider = models.ForeignKey(
        "ProviderOption",
        verbose_name=_("chosen provider"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    chosen_provider_reason = models.TextField(_("reason for the chosen provider"), blank=True)
    # Operating model
    operating_verdict = models.CharField(
        _("operating model: verdict"), max_length=20, choices=Verdict.choices, default=Verdict.OPEN
    )
    operating_reasoning = models.TextField(_("operating model: reasoning"), blank=True)
    operator = models.CharField(_("operator"), max_length=200, blank=True)
    staff_hours_per_month = models.DecimalField(
        _("staff hours per month"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    content_maintenance = models.CharField(
        _("content maintenance (who, how often)"), max_length=300, blank=True
    )
    running_costs_per_year = models.DecimalField(
        _("running costs per year (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    support = models.CharField(_("support"), max_length=300, blank=True)
    hosting = models.CharField(_("hosting"), max_length=300, blank=True)
    exit_plan = models.TextField(_("exit plan"), blank=True)
    # Financing
    financing_verdict = models.CharField(
        _("financing: verdict"), max_length=20, choices=Verdict.choices, default=Verdict.OPEN
    )
    financing_reasoning = models.TextField(_("financing: reasoning"), blank=True)
    years = models.PositiveSmallIntegerField(
        _("planning horizon (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    gap_accepted = models.BooleanField(_("financing gap accepted"), default=False)
    gap_reason = models.TextField(_("reason for accepting the gap"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("feasibility")
        verbose_name_plural = _("feasibility assessments")
        constraints = [
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{dim}_verdict__in": VERDICTS}), name=f"feasibility_{dim}_verdict_valid"
                )
                for dim in ("organisation", "provider", "operating", "financing")
            ],
            # Seed 000: the operating effort is what cities underestimate; no effort stated, no "feasible".
            models.CheckConstraint(
                condition=~Q(operating_verdict__in=["feasible", "conditional"])
                | Q(staff_hours_per_month__isnull=False, staff_hours_per_month__gt=0),
                name="feasibility_operating_needs_staff_hours",
            ),
            models.CheckConstraint(
                condition=Q(running_costs_per_year__gte=0), name="feasibility_running_costs_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(staff_hours_per_month__isnull=True) | Q(staff_hours_per_month__gte=0),
                name="feasibility_staff_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(gap_accepted=False) | ~Q(gap_reason=""),
                name="feasibility_accepted_gap_has_reason",
            ),
            models.CheckConstraint(condition=Q(years__gte=1, years__lte=30), name="feasibility_years_1_30"),
        ]

    def __str__(self) -> str:
        return str(self.measure)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if (
            self.operating_verdict in (Verdict.FEASIBLE, Verdict.CONDITIONAL)
            and not self.staff_hours_per_month
        ):
            errors["operating_verdict"] = _(
                "The operating model cannot be called feasible without the staff hours per month it needs."
            )
        if self.gap_accepted and not (self.gap_reason or "").strip():
            errors["gap_reason"] = _("Please give a reason for accepting the financing gap.")
        if self.chosen_provider_id and self.chosen_provider.measure_id != self.measure_id:
            errors["chosen_provider"] = _("The provider belongs to another measure.")
        if errors:
            raise ValidationError(errors)

    def verdicts(self) -> dict[str, str]:
        return {
            "organisation": self.organisation_verdict,
            "provider": self.provider_verdict,
            "operating": self.operating_verdict,
            "financing": self.financing_verdict,
        }


class RaciRow(models.Model):
    """One task of a measure and who is Responsible, Accountable, Consulted and Informed."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="raci_rows"
    )
    task = models.CharField(_("task"), max_length=200)
    responsible = models.CharField(_("responsible (R)"), max_length=200, blank=True)
    accountable = models.CharField(_("accountable (A)"), max_length=200, blank=True)
    consulted = models.CharField(_("consulted (C)"), max_length=200, blank=True)
    informed = models.CharField(_("informed (I)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("RACI row")
        verbose_name_plural = _("RACI rows")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.task


class CriteriaSet(models.Model):
    """Weighted criteria for comparing providers (Nutzwertanalyse), reusable across an organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="criteria_sets"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_1_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight} %)"


class ProviderOption(models.Model):
    """A service provider considered for a measure."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="providers"
    )
    name = models.CharField(_("name"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("provider option")
        verbose_name_plural = _("provider options")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "name"], name="provider_name_unique_per_measure"),
        ]

    def __str__(self) -> str:
        return self.name


class ProviderScore(models.Model):
    provider = models.ForeignKey(ProviderOption, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score (0–10)"), validators=[MaxValueValidator(10)])

    class Meta:
        verbose_name = _("provider score")
        verbose_name_plural = _("provider scores")
        constraints = [
            models.UniqueConstraint(fields=["provider", "criterion"], name="providerscore_unique"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="providerscore_0_10"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}/{self.criterion_id}: {self.score}"


class FundingSource(models.Model):
    """Money for a measure in one year: own budget, a grant, a sponsor or revenue."""

    class Kind(models.TextChoices):
        OWN_BUDGET = "own_budget", _("own budget")
        GRANT = "grant", _("grant programme")
        SPONSOR = "sponsor", _("sponsor")
        REVENUE = "revenue", _("revenue")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="funding_sources"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    funding_rate = models.DecimalField(
        _("funding rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, validators=NOT_NEGATIVE)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["year", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["own_budget", "grant", "sponsor", "revenue"]), name="funding_kind_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(funding_rate__isnull=True) | Q(funding_rate__gte=0, funding_rate__lte=100),
                name="funding_rate_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class MeasureTemplate(models.Model):
    """A reusable measure from the library. Without an organisation it ships with Stadtlotse."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measure_templates",
    )
    key = models.SlugField(pgettext_lazy("short identifier", "key"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    typical_stages = models.JSONField(_("typical journey stages"), default=list, blank=True)
    action_field = models.CharField(_("action field"), max_length=50, choices=ACTION_FIELDS, blank=True)
    typical_one_off_costs = models.DecimalField(
        _("typical one-off costs (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    typical_running_costs = models.DecimalField(
        _("typical running costs per year (EUR)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NOT_NEGATIVE,
    )
    typical_effort = models.PositiveSmallIntegerField(
        _("typical effort (1–5)"), validators=SCALE_1_5, null=True, blank=True
    )
    suggested_kpis = models.TextField(_("suggested KPIs"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    shared_with_network = models.BooleanField(_("shared with the network"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("measure template")
        verbose_name_plural = _("measure templates")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(typical_one_off_costs__gte=0) & Q(typical_running_costs__gte=0),
                name="measuretemplate_costs_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(typical_effort__isnull=True) | Q(typical_effort__gte=1, typical_effort__lte=5),
                name="measuretemplate_effort_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title
