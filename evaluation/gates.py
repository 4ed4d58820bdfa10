"""Gate criteria for leaving Evaluation, registered with the hub in EvaluationConfig.ready()."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from programmes.gates import CriterionResult
from programmes.selectors import stakeholder_groups_covered

MIN_FINDINGS = 3
MIN_STAKEHOLDER_GROUPS = 3


def _url(name: str, programme) -> str:
    return reverse(name, kwargs=programme.url_kwargs)


def closed_wave_criterion(programme) -> CriterionResult:
    """At least one closed survey wave reached its survey's response target."""
    from .models import Wave

    waves = (
        Wave.objects.filter(survey__programme=programme, status=Wave.Status.CLOSED)
        .annotate(n=Count("responses"))
        .values("n", "survey__response_target")
        .order_by("-n")
    )
    rows = list(waves)
    met = any(row["n"] >= row["survey__response_target"] for row in rows)
    if rows:
        best = rows[0]
        detail = _("best closed wave: %(n)d of %(target)d responses") % {
            "n": best["n"],
            "target": best["survey__response_target"],
        }
    else:
        detail = _("no closed wave yet")
    return CriterionResult(
        key="evaluation.closed_wave",
        label=_("A closed survey wave with at least as many responses as its target"),
        met=met,
        detail=detail,
        url=_url("programmes:evaluation", programme),
    )


def findings_criterion(programme) -> CriterionResult:
    """At least three findings carry evidence."""
    from .models import Finding

    count = (
        Finding.objects.filter(programme=programme, evidence__isnull=False).values("pk").distinct().count()
    )
    return CriterionResult(
        key="evaluation.findings",
        label=_("At least %(min)d findings with evidence") % {"min": MIN_FINDINGS},
        met=count >= MIN_FINDINGS,
        detail=_("%(count)d findings with evidence") % {"count": count},
        url=_url("programmes:evaluation:finding_list", programme),
    )


def stakeholder_groups_criterion(programme) -> CriterionResult:
    count = len(stakeholder_groups_covered(programme))
    return CriterionResult(
        key="evaluation.stakeholder_groups",
        label=_("Stakeholders recorded in at least %(min)d groups") % {"min": MIN_STAKEHOLDER_GROUPS},
        met=count >= MIN_STAKEHOLDER_GROUPS,
        detail=_("%(count)d groups covered") % {"count": count},
        url=_url("programmes:stakeholders", programme),
    )


def vision_criterion(programme) -> CriterionResult:
    filled = bool((programme.vision or "").strip())
    return CriterionResult(
        key="evaluation.vision",
        label=_("The digital vision is written down"),
        met=filled,
        detail=_("written") if filled else _("empty"),
        url=_url("programmes:edit", programme),
    )


CRITERIA = [
    ("evaluation.closed_wave", closed_wave_criterion),
    ("evaluation.findings", findings_criterion),
    ("evaluation.stakeholder_groups", stakeholder_groups_criterion),
    ("evaluation.vision", vision_criterion),
]
