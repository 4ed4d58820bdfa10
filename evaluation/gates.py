"""Gate criteria for leaving Evaluation, registered with the hub in EvaluationConfig.ready().

From the second cycle on, the survey and findings criteria count only what the current cycle produced: waves
that started on or after the day the cycle began (the T → E decision, ``programmes.cycles.cycle_started_at``),
and findings with evidence added since then. The stakeholder map and the vision carry over from cycle to cycle.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.cycles import cycle_started_at
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
    """At least one closed survey wave of the current cycle reached its survey's response target."""
    from .models import Wave

    waves = Wave.objects.filter(survey__programme=programme, status=Wave.Status.CLOSED)
    started = cycle_started_at(programme)
    if started is not None:
        cycle_start = timezone.localtime(started).date()
        waves = waves.filter(
            Q(starts_on__gte=cycle_start) | Q(starts_on__isnull=True, ends_on__gte=cycle_start)
        )
    rows = list(waves.annotate(n=Count("responses")).values("n", "survey__response_target").order_by("-n"))
    fixed = gate_registry.threshold(programme, CLOSED_WAVE, "min_responses")
    for row in rows:
        row["target"] = fixed or row["survey__response_target"]
    met = any(row["n"] >= row["target"] for row in rows)
    url = _url("programmes:evaluation", programme)
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
    elif started is not None:
        detail = _("no closed wave in cycle %(cycle)d yet: repeat a survey as a new wave") % {
            "cycle": programme.cycle
        }
        url += "#repeat-surveys"
    else:
        detail = _("no closed wave yet")
    return CriterionResult(
        key=CLOSED_WAVE,
        label=_("A closed survey wave with at least as many responses as its target"),
        met=met,
        detail=detail,
        url=url,
    )


def findings_criterion(programme) -> CriterionResult:
    """At least three findings carry evidence (from the second cycle on: evidence added in this cycle)."""
    from .models import Finding

    findings = Finding.objects.filter(programme=programme, evidence__isnull=False)
    started = cycle_started_at(programme)
    if started is not None:
        findings = findings.filter(evidence__created_at__gte=started)
    count = findings.values("pk").distinct().count()
    minimum = gate_registry.threshold(programme, FINDINGS, "min")
    if started is None:
        detail = ngettext("%(count)d finding with evidence", "%(count)d findings with evidence", count) % {
            "count": count
        }
    else:
        detail = ngettext(
            "%(count)d finding with evidence added in cycle %(cycle)d",
            "%(count)d findings with evidence added in cycle %(cycle)d",
            count,
        ) % {"count": count, "cycle": programme.cycle}
    return CriterionResult(
        key=FINDINGS,
        label=ngettext(
            "At least %(min)d finding with evidence", "At least %(min)d findings with evidence", minimum
        )
        % {"min": minimum},
        met=count >= minimum,
        detail=detail,
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
