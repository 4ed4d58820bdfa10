"""Gate criteria for leaving Konzeption, registered with the hub in ConceptConfig.ready().

Four criteria declare thresholds a lead can change per programme (like Evaluation's, see
``programmes.gates``); the defaults keep the method's rules: at least one selected measure, each answering at
least one finding with evidence, with some staff hours stated, and no unaccepted financing gap.
"""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.gates import CriterionResult, Threshold, gate_registry

from . import selectors
from .models import Measure, Verdict

SELECTED_MEASURE = "konzeption.selected_measure"
EVIDENCE = "konzeption.evidence"
FEASIBILITY = "konzeption.feasibility"
OPERATING = "konzeption.operating"
FINANCING = "konzeption.financing"

THRESHOLDS = {
    SELECTED_MEASURE: [
        Threshold("min", gettext_lazy("Selected measures needed"), default=1, min_value=1, max_value=500)
    ],
    EVIDENCE: [
        Threshold(
            "min_findings",
            gettext_lazy("Findings with evidence each selected measure must answer"),
            default=1,
            min_value=1,
            max_value=50,
        )
    ],
    OPERATING: [
        Threshold(
            "min_staff_hours",
            gettext_lazy("Staff hours per month each operating model must state at least (0: any hours)"),
            default=0,
            min_value=0,
            max_value=10_000,
        )
    ],
    FINANCING: [
        Threshold(
            "max_gap",
            gettext_lazy("Financing gap per measure tolerated without explicit acceptance (EUR)"),
            default=0,
            min_value=0,
            max_value=100_000_000,
        )
    ],
}


def _url(name: str, programme, **extra) -> str:
    return reverse(name, kwargs={**programme.url_kwargs, **extra})


def _measure_url(programme, pk) -> str:
    return _url("programmes:konzeption:measure_detail", programme, pk=pk)


def _feasibility_url(programme, pk) -> str:
    return _url("programmes:konzeption:feasibility", programme, pk=pk)


def _titles(rows) -> str:
    return ", ".join(row["title"] for row in rows[:5]) + (" …" if len(rows) > 5 else "")


def _result(key, label, failing, total, programme, url_for) -> CriterionResult:
    if not total:
        detail = _("no selected measure yet")
        url = _url("programmes:konzeption:measure_list", programme)
    elif failing:
        detail = ngettext(
            "not met by %(failing)d of %(total)d selected measure: %(titles)s",
            "not met by %(failing)d of %(total)d selected measures: %(titles)s",
            total,
        ) % {
            "failing": len(failing),
            "total": total,
            "titles": _titles(failing),
        }
        url = url_for(programme, failing[0]["pk"])
    else:
        detail = ngettext("%(total)d selected measure", "all %(total)d selected measures", total) % {
            "total": total
        }
        url = _url("programmes:konzeption:measure_list", programme)
    return CriterionResult(key=key, label=label, met=bool(total) and not failing, detail=detail, url=url)


def selected_measure_criterion(programme) -> CriterionResult:
    minimum = gate_registry.threshold(programme, SELECTED_MEASURE, "min")
    count = Measure.objects.filter(programme=programme, status=Measure.Status.SELECTED).count()
    if minimum == 1:
        label = _("At least one selected measure")
    else:
        label = _("At least %(min)d selected measures") % {"min": minimum}
    return CriterionResult(
        key=SELECTED_MEASURE,
        label=label,
        met=count >= minimum,
        detail=ngettext("%(count)d selected measure", "%(count)d selected measures", count)
        % {"count": count},
        url=_url("programmes:konzeption:measure_list", programme) + "?status=shortlisted",
    )


def evidence_criterion(programme) -> CriterionResult:
    minimum = gate_registry.threshold(programme, EVIDENCE, "min_findings")
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [r for r in rows if r["evidenced_findings"] < minimum]
    if minimum == 1:
        label = _("Every selected measure answers a finding with evidence")
    else:
        label = _("Every selected measure answers at least %(min)d findings with evidence") % {"min": minimum}
    return _result(EVIDENCE, label, failing, len(rows), programme, _measure_url)


def feasibility_criterion(programme) -> CriterionResult:
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [
        r for r in rows if any(v in (Verdict.OPEN, Verdict.NOT_FEASIBLE) for v in selectors.row_verdicts(r))
    ]
    return _result(
        FEASIBILITY,
        _(
            "Every selected measure is decided feasible in all four dimensions (none open, none “not feasible”)"
        ),
        failing,
        len(rows),
        programme,
        _feasibility_url,
    )


def operating_criterion(programme) -> CriterionResult:
    minimum = gate_registry.threshold(programme, OPERATING, "min_staff_hours")
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [
        r
        for r in rows
        if not r["feasibility__staff_hours_per_month"] or r["feasibility__staff_hours_per_month"] < minimum
    ]
    if minimum:
        label = _(
            "Every selected measure has an operating model with at least %(hours)d staff hours per month"
        ) % {"hours": minimum}
    else:
        label = _("Every selected measure has an operating model with staff hours")
    return _result(OPERATING, label, failing, len(rows), programme, _feasibility_url)


def financing_criterion(programme) -> CriterionResult:
    tolerated = Decimal(gate_registry.threshold(programme, FINANCING, "max_gap"))
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [r for r in rows if selectors.row_gap(r) > tolerated and not r["feasibility__gap_accepted"]]
    if tolerated:
        label = _(
            "Financing covers the costs of every selected measure up to a gap of %(gap)s € (or the gap is "
            "explicitly accepted)"
        ) % {"gap": floatformat(tolerated, "0g")}
    else:
        label = _("Financing covers the costs of every selected measure (or the gap is explicitly accepted)")
    return _result(FINANCING, label, failing, len(rows), programme, _feasibility_url)


CRITERIA = [
    (SELECTED_MEASURE, selected_measure_criterion),
    (EVIDENCE, evidence_criterion),
    (FEASIBILITY, feasibility_criterion),
    (OPERATING, operating_criterion),
    (FINANCING, financing_criterion),
]
