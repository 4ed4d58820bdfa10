"""Gate criteria for leaving Konzeption, registered with the hub in ConceptConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.gates import CriterionResult

from . import selectors
from .models import Measure, Verdict


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
            "%(failing)d of %(total)d selected measure fails: %(titles)s",
            "%(failing)d of %(total)d selected measures fail: %(titles)s",
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
    count = Measure.objects.filter(programme=programme, status=Measure.Status.SELECTED).count()
    return CriterionResult(
        key="konzeption.selected_measure",
        label=_("At least one selected measure"),
        met=count >= 1,
        detail=ngettext("%(count)d selected measure", "%(count)d selected measures", count)
        % {"count": count},
        url=_url("programmes:konzeption:measure_list", programme) + "?status=shortlisted",
    )


def evidence_criterion(programme) -> CriterionResult:
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [r for r in rows if not r["evidence_count"]]
    return _result(
        "konzeption.evidence",
        _("Every selected measure answers a finding with evidence"),
        failing,
        len(rows),
        programme,
        _measure_url,
    )


def feasibility_criterion(programme) -> CriterionResult:
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [
        r for r in rows if any(v in (Verdict.OPEN, Verdict.NOT_FEASIBLE) for v in selectors.row_verdicts(r))
    ]
    return _result(
        "konzeption.feasibility",
        _(
            "Every selected measure is decided feasible in all four dimensions (none open, none “not feasible”)"
        ),
        failing,
        len(rows),
        programme,
        _feasibility_url,
    )


def operating_criterion(programme) -> CriterionResult:
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [r for r in rows if not r["feasibility__staff_hours_per_month"]]
    return _result(
        "konzeption.operating",
        _("Every selected measure has an operating model with staff hours"),
        failing,
        len(rows),
        programme,
        _feasibility_url,
    )


def financing_criterion(programme) -> CriterionResult:
    rows = selectors.selected_measures_gate_rows(programme)
    failing = [r for r in rows if selectors.row_gap(r) > 0 and not r["feasibility__gap_accepted"]]
    return _result(
        "konzeption.financing",
        _("Financing covers the costs of every selected measure (or the gap is explicitly accepted)"),
        failing,
        len(rows),
        programme,
        _feasibility_url,
    )


CRITERIA = [
    ("konzeption.selected_measure", selected_measure_criterion),
    ("konzeption.evidence", evidence_criterion),
    ("konzeption.feasibility", feasibility_criterion),
    ("konzeption.operating", operating_criterion),
    ("konzeption.financing", financing_criterion),
]
