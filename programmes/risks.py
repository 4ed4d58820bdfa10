"""The risk radar: computed warnings of the vicious circle (seed 000), contributed by the phase apps.

A phase app registers its rules in ``AppConfig.ready()``::

    from programmes.risks import risk_registry
    risk_registry.register("concept.no_evidence", no_evidence_rule)

A rule is a callable ``(programme) -> Iterable[RiskWarning]`` that yields one warning per object at risk
(``subject`` names it, e.g. ``"measure:12"``) or one for the whole programme (``subject=""``). The hub knows
nothing of measures or KPIs; it asks the rules and joins the acknowledgements that leads and members left.
Rules must run a fixed number of queries whatever the data size.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RiskWarning:
    rule: str
    title: str
    explanation: str
    url: str = ""
    subject: str = ""
    acknowledgement: object | None = None  # a RiskAcknowledgement, filled in by ``risk_warnings``

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement is not None

    def as_dict(self) -> dict:
        ack = self.acknowledgement
        return {
            "rule": self.rule,
            "subject": self.subject,
            "title": str(self.title),
            "explanation": str(self.explanation),
            "url": self.url,
            "acknowledged": ack is not None,
            "acknowledgement_note": getattr(ack, "note", ""),
        }


RiskRule = Callable[["object"], Iterable[RiskWarning]]


@dataclass
class RiskRegistry:
    _rules: dict[str, RiskRule] = field(default_factory=dict)

    def register(self, key: str, rule: RiskRule) -> None:
        self._rules[key] = rule

    def unregister(self, key: str) -> None:
        self._rules.pop(key, None)

    def keys(self) -> list[str]:
        return list(self._rules)

    def evaluate(self, programme) -> list[RiskWarning]:
        """Every warning of every registered rule, computed now, without acknowledgements."""
        return [warning for rule in self._rules.values() for warning in rule(programme)]


risk_registry = RiskRegistry()


def risk_warnings(programme, *, include_acknowledged: bool = True) -> list[RiskWarning]:
    """The programme's warnings with their acknowledgements (one extra query); unacknowledged first."""
    from .models import RiskAcknowledgement

    acks = {
        (ack.rule, ack.subject): ack
        for ack in RiskAcknowledgement.objects.filter(programme=programme).select_related("acknowledged_by")
    }
    warnings = [
        replace(warning, acknowledgement=acks.get((warning.rule, warning.subject)))
        for warning in risk_registry.evaluate(programme)
    ]
    if not include_acknowledged:
        warnings = [w for w in warnings if not w.acknowledged]
    return sorted(warnings, key=lambda w: (w.acknowledged, w.rule, w.subject))


# --- Writes: acknowledgements ------------------------------------------------------------------------------


def _current_warning(programme, rule: str, subject: str) -> RiskWarning | None:
    return next(
        (w for w in risk_registry.evaluate(programme) if w.rule == rule and w.subject == subject), None
    )


def risk_acknowledge(*, programme, rule: str, subject: str = "", note: str, user):
    """Record (or update) that a lead or member has seen a current warning, with a note why or what is done."""
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from .models import RiskAcknowledgement

    note = (note or "").strip()
    subject = (subject or "").strip()
    errors = {}
    if not note:
        errors["note"] = _("Please write a note: why is the risk acceptable, or what is being done?")
    known_rules = risk_registry.keys()
    if rule not in known_rules:
        errors["rule"] = _("Unknown risk rule.")
    elif _current_warning(programme, rule, subject) is None:
        errors["subject"] = _("There is no such warning for this programme (any more).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ack, _created = RiskAcknowledgement.objects.select_for_update().get_or_create(
            programme=programme,
            rule=rule,
            subject=subject,
            defaults={"note": note, "acknowledged_by": user},
        )
        if not _created:
            ack.note = note
            ack.acknowledged_by = user
            ack.acknowledged_at = timezone.now()
        ack.full_clean(validate_constraints=False)
        ack.save()
    return ack


def risk_unacknowledge(*, programme, rule: str, subject: str = "") -> bool:
    """Withdraw an acknowledgement; the warning shows as open again. False when there was none."""
    from .models import RiskAcknowledgement

    deleted, _rows = RiskAcknowledgement.objects.filter(
        programme=programme, rule=rule, subject=(subject or "").strip()
    ).delete()
    return bool(deleted)
