"""The risk radar: computed warnings of the vicious circle (seed 000), contributed by the phase apps.

A phase app registers its rules in ``AppConfig.ready()``::

    from programmes.risks import risk_registry
    risk_registry.register("concept.no_evidence", no_evidence_rule)

A rule is a callable ``(programme) -> Iterable[RiskWarning]`` that yields one warning per object at risk
(``subject`` names it, e.g. ``"measure:12"``) or one for the whole programme (``subject=""``). The hub knows
nothing of measures or KPIs; it asks the rules and joins the acknowledgements that leads and members left.
Rules must run a fixed number of queries whatever the data size.

An acknowledgement covers the warning *as it was acknowledged*. A rule states the substance of each warning
in ``fingerprint``: a short, language-independent string of the facts the warning rests on (e.g. the date of
a KPI's latest value). The acknowledgement keeps the fingerprint it was given for. Whenever the radar is
computed (every page, the API, reports, and a nightly sweep), an acknowledgement lapses for good when its
warning is gone (the problem cleared) or its fingerprint differs (the substance changed); when the warning
fires again, it is open again. A lapsed acknowledgement stays as history on the open warning.

Names of people stay inside the programme team. A rule whose title or explanation names a person (a
stakeholder, the owner of a touchpoint) also gives ``public_title`` / ``public_explanation`` without the name
(e.g. the stakeholder's group instead). ``RiskWarning.public()`` is what the stakeholder view, a shared link,
the dashboard API and the reports show; the risk radar and the programme page show the full text.

A rule may declare thresholds like a gate criterion (``programmes.gates.Threshold``); a lead changes them per
programme on the radar page, and the rule reads the value in force with ``risk_registry.threshold(...)``. They
are kept in the same per-programme store as the gate thresholds (``Programme.gate_settings``, keyed by the rule's
key, which never equals a criterion's key).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from .gates import Threshold, ThresholdsMixin


@dataclass(frozen=True)
class RiskWarning:
    rule: str
    title: str
    explanation: str
    url: str = ""
    subject: str = ""
    fingerprint: str = ""  # the substance of the warning; a change reopens an acknowledged warning
    public_title: str = ""  # the title without names of people (empty: the title names nobody)
    public_explanation: str = ""  # the explanation without names of people (empty: it names nobody)
    acknowledgement: object | None = None  # a RiskAcknowledgement, filled in by ``risk_warnings``
    lapsed_acknowledgement: object | None = None  # an earlier acknowledgement that no longer covers it

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

    def public(self) -> "RiskWarning":
        """The warning as shown outside the team (stakeholder view, shared link, reports): no names of people.

        Title and explanation are the public ones; the acknowledgement (its note and author) is left out, only
        the fact that it was acknowledged stays (``acknowledged``).
        """
        return replace(
            self,
            title=self.public_title or self.title,
            explanation=self.public_explanation or self.explanation,
            public_title="",
            public_explanation="",
            acknowledgement=ACKNOWLEDGED if self.acknowledgement is not None else None,
            lapsed_acknowledgement=None,
        )

    def as_public_dict(self) -> dict:
        """``as_dict`` of the public form, without the acknowledgement note."""
        data = self.public().as_dict()
        data.pop("acknowledgement_note")
        return data


@dataclass(frozen=True)
class _Acknowledged:
    """Stands in for the acknowledgement of a public warning: acknowledged, by nobody named, without a note."""

    note: str = ""


ACKNOWLEDGED = _Acknowledged()


RiskRule = Callable[["object"], Iterable[RiskWarning]]


@dataclass
class RiskRegistry(ThresholdsMixin):
    _rules: dict[str, RiskRule] = field(default_factory=dict)

    def register(self, key: str, rule: RiskRule, *, thresholds: Iterable[Threshold] = ()) -> None:
        self._rules[key] = rule
        self._thresholds[key] = tuple(thresholds)

    def unregister(self, key: str) -> None:
        self._rules.pop(key, None)
        self._thresholds.pop(key, None)

    def keys(self) -> list[str]:
        return list(self._rules)

    def all_thresholds(self) -> list[tuple[str, Threshold]]:
        """(rule key, threshold) of every registered rule that declares thresholds."""
        return [(key, t) for key in self._rules for t in self._thresholds.get(key, ())]

    def evaluate(self, programme) -> list[RiskWarning]:
        """Every warning of every registered rule, computed now, without acknowledgements."""
        return [warning for rule in self._rules.values() for warning in rule(programme)]


risk_registry = RiskRegistry()


def _key(rule: str, subject: str) -> tuple[str, str]:
    return rule, subject


def _sync_acknowledgements(programme, warnings: list[RiskWarning], *, evaluated_at) -> tuple[dict, dict]:
    """Match the acknowledgements to the current warnings; lapse those whose warning cleared or changed.

    Returns (covering, lapsed): acknowledgements by (rule, subject). One query to read, and at most one
    query each to lapse stale acknowledgements and to give a fingerprint to acknowledgements recorded
    before fingerprints existed (they adopt the substance of the warning as it fires now). ``evaluated_at`` is
    when the rules began to run: an acknowledgement recorded after it is left alone.
    """
    from .models import RiskAcknowledgement

    current = {_key(w.rule, w.subject): w for w in warnings}
    covering, lapsed, to_lapse, to_adopt = {}, {}, [], []
    acks = RiskAcknowledgement.objects.filter(programme=programme).select_related("acknowledged_by")
    for ack in acks:
        key = _key(ack.rule, ack.subject)
        warning = current.get(key)
        if ack.lapsed_at is None and ack.acknowledged_at > evaluated_at:
            if warning is not None:  # acknowledged while the rules ran: it covers the warning as it is now
                covering[key] = ack
            continue
        if ack.lapsed_at is None and warning is not None:
            if ack.fingerprint is None:
                ack.fingerprint = warning.fingerprint
                to_adopt.append(ack)
            if ack.fingerprint == warning.fingerprint:
                covering[key] = ack
                continue
        if ack.lapsed_at is None:
            ack.lapsed_at = evaluated_at
            to_lapse.append(ack.pk)
        lapsed[key] = ack
    if to_lapse:
        # Not one that somebody (re-)acknowledged while the warnings were being computed.
        RiskAcknowledgement.objects.filter(
            pk__in=to_lapse, lapsed_at__isnull=True, acknowledged_at__lte=evaluated_at
        ).update(lapsed_at=evaluated_at)
    to_adopt = [ack for ack in to_adopt if ack.lapsed_at is None]
    if to_adopt:
        RiskAcknowledgement.objects.bulk_update(to_adopt, ["fingerprint"])
    return covering, lapsed


def risk_warnings(programme, *, include_acknowledged: bool = True) -> list[RiskWarning]:
    """The programme's warnings with their acknowledgements, open ones first.

    One query for the acknowledgements, plus one when some lapse and one when older ones adopt a fingerprint.
    """
    from django.utils import timezone

    evaluated_at = timezone.now()
    current = risk_registry.evaluate(programme)
    covering, lapsed = _sync_acknowledgements(programme, current, evaluated_at=evaluated_at)
    warnings = [
        replace(
            warning,
            acknowledgement=covering.get(_key(warning.rule, warning.subject)),
            lapsed_acknowledgement=lapsed.get(_key(warning.rule, warning.subject)),
        )
        for warning in current
    ]
    if not include_acknowledged:
        warnings = [w for w in warnings if not w.acknowledged]
    return sorted(warnings, key=lambda w: (w.acknowledged, w.rule, w.subject))


def risk_acknowledgements_sweep() -> int:
    """Lapse the acknowledgements whose warnings have cleared or changed, in every programme that has some.

    Run nightly (task ``sweep_risk_acknowledgements``) so a warning that clears and fires again between two
    visits of the radar still shows as open. Returns how many acknowledgements lapsed.
    """
    from django.utils import timezone

    from .models import Programme, RiskAcknowledgement

    before = RiskAcknowledgement.objects.filter(lapsed_at__isnull=True).count()
    programmes = Programme.objects.filter(
        pk__in=RiskAcknowledgement.objects.filter(lapsed_at__isnull=True).values("programme_id")
    ).select_related("organisation")
    for programme in programmes.iterator(chunk_size=200):
        evaluated_at = timezone.now()
        _sync_acknowledgements(programme, risk_registry.evaluate(programme), evaluated_at=evaluated_at)
    return before - RiskAcknowledgement.objects.filter(lapsed_at__isnull=True).count()


# --- Writes: acknowledgements ------------------------------------------------------------------------------


def _current_warning(programme, rule: str, subject: str) -> RiskWarning | None:
    """The warning as it fires now (its fingerprint is what the acknowledgement will cover)."""
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
    else:
        warning = _current_warning(programme, rule, subject)
        if warning is None:
            errors["subject"] = _("There is no such warning for this programme (any more).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        ack, _created = RiskAcknowledgement.objects.select_for_update().get_or_create(
            programme=programme,
            rule=rule,
            subject=subject,
            defaults={"note": note, "acknowledged_by": user, "fingerprint": warning.fingerprint},
        )
        if not _created:
            # Acknowledging again (also after a lapse) covers the warning as it fires now.
            ack.note = note
            ack.acknowledged_by = user
            ack.acknowledged_at = timezone.now()
            ack.fingerprint = warning.fingerprint
            ack.lapsed_at = None
        ack.full_clean(validate_constraints=False)
        ack.save()
    return ack


def risk_unacknowledge(*, programme, rule: str, subject: str = "") -> bool:
    """Withdraw an acknowledgement; the warning shows as open again. False when none was in force."""
    from .models import RiskAcknowledgement

    deleted, _rows = RiskAcknowledgement.objects.filter(
        programme=programme, rule=rule, subject=(subject or "").strip(), lapsed_at__isnull=True
    ).delete()
    return bool(deleted)
