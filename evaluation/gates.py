"""Gate criteria for leaving Evaluation, registered with the hub in EvaluationConfig.ready()."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.gates import CriterionResult, Threshold, gate_registry
from programmes.selectors import stakeholder_groups_covered

MIN_FINDINGS = 3
MIN_STAKEHOLDER_GROUPS = 3

CLOSED_WAVE = "evaluation.closed_wave"
FINDINGS = "evaluation.findings"
STAKEHOLDER_GROUPS = "evaluation.stakeholder_groups"
VISION = "evaluation.vision"

THRESHOLDS = {
    CLOSED_WAVE: [
        Threshold(
            "min_responses",
            gettext_lazy("Responses a closed wave needs at least (0: each survey's own response target)"),
            default=0,
        )
    ],
    FINDINGS: [
        Threshold("min", gettext_lazy("Findings with evidence needed"), default=MIN_FINDINGS, min_value=1)
    ],
    STAKEHOLDER_GROUPS: [
        Threshold(
            "min",
            gettext_lazy("Stakeholder groups needed"),
            default=MIN_STAKEHOLDER_GROUPS,
            min_value=1,
            max_value=50,
        )
    ],
}


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
    fixed = gate_registry.threshold(programme, CLOSED_WAVE, "min_responses")
    for row in rows:
        row["target"] = fixed or row["survey__response_target"]
    met = any(row["n"] >= row["target"] for row in rows)
    if rows:
        best = rows[0]
        detail = ngettext(
            "best closed wave: %(n)d of %(target)d response",
            "best closed wave: %(n)d of %(target)d responses",
            best["target"],
        ) % {
            "n": best["n"],
            "target": best["target"],
        }
    else:
        detail = _("no closed wave yet")
    return CriterionResult(
        key=CLOSED_WAVE,
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
    minimum = gate_registry.threshold(programme, FINDINGS, "min")
    return CriterionResult(
        key=FINDINGS,
        label=ngettext(
            "At least %(min)d finding with evidence", "At least %(min)d findings with evidence", minimum
        )
        % {"min": minimum},
        met=count >= minimum,
        detail=ngettext("%(count)d finding with evidence", "%(count)d findings with evidence", count)
        % {"count": count},
        url=_url("programmes:evaluation:finding_list", programme),
    )


def stakeholder_groups_criterion(programme) -> CriterionResult:
    count = len(stakeholder_groups_covered(programme))
    minimum = gate_registry.threshold(programme, STAKEHOLDER_GROUPS, "min")
    return CriterionResult(
        key=STAKEHOLDER_GROUPS,
        label=ngettext(
            "Stakeholders recorded in at least %(min)d group",
            "Stakeholders recorded in at least %(min)d groups",
            minimum,
        )
        % {"min": minimum},
        met=count >= minimum,
        detail=ngettext("%(count)d group covered", "%(count)d groups covered", count) % {"count": count},
        url=_url("programmes:stakeholders", programme),
    )


def vision_criterion(programme) -> CriterionResult:
    filled = bool((programme.vision or "").strip())
    return CriterionResult(
        key=VISION,
        label=_("The digital vision is written down"),
        met=filled,
        detail=_("written") if filled else _("empty"),
        url=_url("programmes:edit", programme),
    )


CRITERIA = [
    (CLOSED_WAVE, closed_wave_criterion),
    (FINDINGS, findings_criterion),
    (STAKEHOLDER_GROUPS, stakeholder_groups_criterion),
    (VISION, vision_criterion),
]
