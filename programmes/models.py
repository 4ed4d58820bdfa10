import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A city (Kommune) or a network of cities that hosts programmes."""

    class Kind(models.TextChoices):
        CITY = "city", _("City / municipality")
        NETWORK = "network", _("Network of cities")

    class SizeClass(models.TextChoices):
        SMALL_TOWN = "small_town", _("Small town (under 20,000)")
        MEDIUM_TOWN = "medium_town", _("Medium-sized town (20,000–100,000)")
        LARGE_CITY = "large_city", _("City (100,000–500,000)")
        METROPOLIS = "metropolis", _("Metropolis (over 500,000)")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name (URL)"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CITY)
    region = models.CharField(_("region / federal state"), max_length=100, blank=True)
    size_class = models.CharField(
        _("population size class"), max_length=20, choices=SizeClass.choices, blank=True
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organisation admins"),
        related_name="administered_organisations",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:portfolio") + f"?organisation={self.slug}"


class Phase(models.TextChoices):
    EVALUATION = "evaluation", _("Evaluation")
    KONZEPTION = "konzeption", _("Konzeption")
    TRANSFORMATION = "transformation", _("Transformation")


PHASE_ORDER = [Phase.EVALUATION, Phase.KONZEPTION, Phase.TRANSFORMATION]


class Programme(models.Model):
    """A city's digitalisation programme, run in EKT cycles (E → K → T → E …)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        PAUSED = "paused", _("paused")
        ARCHIVED = "archived", _("archived")

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="programmes"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name (URL)"), max_length=80)
    summary = models.TextField(_("summary"), blank=True)
    vision = models.TextField(_("digital vision"), blank=True)
    strategy = models.TextField(_("strategy"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    citizen_drivers = models.JSONField(_("citizen drivers"), default=list, blank=True)
    action_fields = models.JSONField(_("action fields"), default=list, blank=True)
    gate_settings = models.JSONField(
        _("gate thresholds"),
        default=dict,
        blank=True,
        help_text=_("Per gate criterion, the thresholds that differ from the defaults."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    phase = models.CharField(
        _("current phase"), max_length=20, choices=Phase.choices, default=Phase.EVALUATION
    )
    cycle = models.PositiveIntegerField(_("cycle"), default=1, validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="programme_slug_unique_per_org"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="programme_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="programme_budget_not_negative"
            ),
            models.CheckConstraint(condition=Q(cycle__gte=1), name="programme_cycle_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", kwargs={"org": self.organisation.slug, "slug": self.slug})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date must not be before the start date.")})

    @property
    def url_kwargs(self) -> dict[str, str]:
        return {"org": self.organisation.slug, "slug": self.slug}


class Role(models.TextChoices):
    LEAD = "lead", _("Programme lead")
    MEMBER = "member", _("Initiative circle member")
    STAKEHOLDER = "stakeholder", _("Stakeholder (read only)")


class Membership(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["joined_at"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], name="membership_unique_user_per_programme"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.programme}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(models.Model):
    """A single-use, expiring invitation to a role. Only the hash of the token is stored."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid")
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.programme}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return str(_("accepted"))
        if self.revoked_at:
            return str(_("revoked"))
        if self.expires_at <= timezone.now():
            return str(_("expired"))
        return str(_("pending"))


class StakeholderGroup(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society / associations")
    BUSINESS = "business", _("Traders and businesses")
    INSTITUTIONS = "institutions", _("Institutions")
    SCIENCE = "science", _("Science")
    ADMINISTRATION = "administration", _("Administration")
    POLITICS = "politics", _("Politics")


SCALE_1_5 = [MinValueValidator(1), MaxValueValidator(5)]


class Stakeholder(models.Model):
    """A person or body with a stake in the programme (seed 004), placed on an influence × interest grid."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="stakeholders"
    )
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=30, choices=StakeholderGroup.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    influence = models.PositiveSmallIntegerField(_("influence (1–5)"), validators=SCALE_1_5)
    interest = models.PositiveSmallIntegerField(_("interest (1–5)"), validators=SCALE_1_5)
    engagement_notes = models.TextField(_("engagement notes"), blank=True)
    last_engaged_on = models.DateField(_("last engaged on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")
        ordering = ["-influence", "-interest", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=5), name="stakeholder_influence_1_5"
            ),
            models.CheckConstraint(
                condition=Q(interest__gte=1, interest__lte=5), name="stakeholder_interest_1_5"
            ),
            models.CheckConstraint(
                condition=Q(group__in=StakeholderGroup.values), name="stakeholder_group_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PhaseTransition(models.Model):
    """One move of a programme between EKT phases, with the gate criteria as they stood at that moment."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_phase = models.CharField(_("from phase"), max_length=20, choices=Phase.choices)
    to_phase = models.CharField(_("to phase"), max_length=20, choices=Phase.choices)
    cycle = models.PositiveIntegerField(_("cycle"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    rationale = models.TextField(_("rationale"))
    overridden = models.BooleanField(_("gate overridden"), default=False)
    criteria = models.JSONField(_("gate criteria at the time"), default=list, blank=True)

    class Meta:
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_from_phase_display()} → {self.get_to_phase_display()}"


# --------------------------------------------------------------------------------------------------------------
# Risk radar acknowledgements and workshops of initiative circles (issue 7)
# --------------------------------------------------------------------------------------------------------------


class RiskAcknowledgement(models.Model):
    """A lead or member has seen a computed risk warning and noted why it is acceptable or what is done."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="risk_acknowledgements"
    )
    rule = models.CharField(_("risk rule"), max_length=80)
    # Which object the warning is about, e.g. "measure:12"; empty when it concerns the whole programme.
    subject = models.CharField(_("subject"), max_length=80, blank=True)
    note = models.TextField(_("note"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)
    # The substance of the warning when it was acknowledged (RiskWarning.fingerprint). NULL only for rows
    # recorded before fingerprints existed: they adopt the warning's fingerprint the next time it is computed.
    fingerprint = models.CharField(  # noqa: DJ001 (NULL "not recorded" differs from "" "no details")
        _("substance of the warning"), max_length=200, null=True, blank=True
    )
    # Set when the radar found the warning cleared or changed; a lapsed acknowledgement covers nothing.
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk acknowledgement")
        verbose_name_plural = _("risk acknowledgements")
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "rule", "subject"], name="risk_ack_once_per_subject")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject}".strip()


class Workshop(models.Model):
    """A meeting of the initiative circle in one EKT phase: agenda, outputs and dot voting."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="workshops"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    cycle = models.PositiveIntegerField(_("cycle"), default=1)
    template = models.CharField(_("template"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    dots_per_participant = models.PositiveSmallIntegerField(
        _("dots per participant"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    anonymous_voting = models.BooleanField(_("anonymous voting"), default=False)
    # The iCalendar SEQUENCE: raised whenever the date, the time or the place changes, so that calendar programs
    # replace the appointment they imported before (same UID, higher SEQUENCE) instead of keeping the old one.
    calendar_sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    # Set with the first dot placed while the voting is anonymous: from then on anonymity cannot be switched off
    # again, since that would reveal who voted what (programmes.workshops.vote_cast and workshop_update).
    anonymity_locked = models.BooleanField(_("anonymity locked"), default=False, editable=False)
    voting_open = models.BooleanField(_("voting open"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="workshop_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class WorkshopParticipant(models.Model):
    """A member (with account) or a guest (by name only) taking part in a workshop."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshop_participations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # A guest's personal link is signed with this number; a new link raises it, so the older links stop working.
    link_version = models.PositiveIntegerField(_("link version"), default=0, editable=False)
    link_revoked_at = models.DateTimeField(_("link withdrawn"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], condition=Q(user__isnull=False), name="participant_user_once"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgendaItem(models.Model):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    minutes = models.PositiveSmallIntegerField(
        _("time box (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class WorkshopOutput(models.Model):
    """An idea, decision or action item captured in a workshop; may become a finding, measure or milestone."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("idea")
        DECISION = "decision", _("decision")
        ACTION = "action", _("action item")
        # An object of the programme (e.g. a measure) put to the vote next to the ideas; see subject_kind.
        SUBJECT = "subject", _("item of the programme")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="outputs"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outputs",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    owner = models.CharField(_("responsible"), max_length=200, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    votable = models.BooleanField(_("open for dot voting"), default=False)
    # For kind "subject": the object of the programme put to the vote, kept as kind and id (the phase apps register
    # what can be voted on, programmes.workshops.votable_objects). ``text`` keeps its title at the time.
    subject_kind = models.CharField(_("put to the vote"), max_length=20, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the output became (a finding, a measure, a milestone), kept as a link. The hub stores only
    # the target's kind and id: the phase apps register the conversions (programmes.workshops).
    converted_kind = models.CharField(_("became"), max_length=20, blank=True)
    converted_id = models.PositiveBigIntegerField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("workshop output")
        verbose_name_plural = _("workshop outputs")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="subject") & ~Q(subject_kind="") & Q(subject_id__isnull=False))
                | (~Q(kind="subject") & Q(subject_kind="") & Q(subject_id__isnull=True)),
                name="workshop_output_subject_iff_kind_subject",
            ),
            models.CheckConstraint(
                condition=~Q(kind="subject") | Q(converted_kind=""),
                name="workshop_output_subject_not_converted",
            ),
            models.UniqueConstraint(
                fields=["workshop", "subject_kind", "subject_id"],
                condition=Q(subject_id__isnull=False),
                name="workshop_output_subject_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    # The selectors of programmes.workshops annotate ``target_exists`` and ``subject_title``; without them the
    # stored link is trusted.

    @property
    def is_converted(self) -> bool:
        """Converted, and the object it became still exists."""
        return bool(self.converted_kind) and getattr(self, "target_exists", True) is not False

    @property
    def conversion_target_deleted(self) -> bool:
        """Converted once, but the object it became was deleted since: it can be converted again."""
        return bool(self.converted_kind) and getattr(self, "target_exists", True) is False

    @property
    def subject_deleted(self) -> bool:
        """An object of the programme put to the vote that no longer exists there."""
        return self.kind == self.Kind.SUBJECT and getattr(self, "subject_title", "") is None

    @property
    def display_text(self) -> str:
        """The text to show: for an object put to the vote its current title, else the captured text."""
        return getattr(self, "subject_title", None) or self.text


class Vote(models.Model):
    """Dots one participant put on one output. The sum per participant never exceeds the workshop's dots."""

    output = models.ForeignKey(
        WorkshopOutput, verbose_name=_("output"), on_delete=models.CASCADE, related_name="votes"
    )
    participant = models.ForeignKey(
        WorkshopParticipant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="votes"
    )
    dots = models.PositiveSmallIntegerField(_("dots"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["output", "participant"], name="vote_once_per_output_participant"
            ),
            models.CheckConstraint(condition=Q(dots__gte=1), name="vote_dots_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.output}: {self.dots}"
