"""Gate criteria for leaving Transformation (T → E, the next cycle), registered in TransformationConfig.ready().

Each criterion runs a fixed number of queries and says which figures it rests on and where to fix it.
"""

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from concept.models import Measure
from programmes.cycles import cycle_started_at
from programmes.gates import CriterionResult, Threshold, gate_registry

from .models import KPI, KPITarget, Measurement, Report, Retrospective

KPIS = "transformation.kpis"
REPORTS = "transformation.reports"
RETROSPECTIVE = "transformation.retrospective"
MIN_REPORTS = 1

THRESHOLDS = {
    REPORTS: [
        Threshold("min", gettext_lazy("Reports sent in this cycle needed"), default=MIN_REPORTS, min_value=0)
    ],
}


def t_url(programme, name: str, fallback: str = "programmes:transformation", **kwargs) -> str:
    """A Transformation page; pages of parallel work that are not mounted yet fall back to the start page."""
    try:
        return reverse(f"programmes:transformation:{name}", kwargs={**programme.url_kwargs, **kwargs})
    except NoReverseMatch:
        return reverse(fallback, kwargs=programme.url_kwargs)


def _titles(rows) -> str:
    return ", ".join(row["title"] for row in rows[:5]) + (" …" if len(rows) > 5 else "")


def measured_kpi_exists():
    """A KPI of the outer measure with baseline, at least one target and at least one measurement."""
    return Exists(
        KPI.objects.filter(measures=OuterRef("pk"), baseline_value__isnull=False)
        .filter(Exists(KPITarget.objects.filter(kpi=OuterRef("pk"))))
        .filter(Exists(Measurement.objects.filter(kpi=OuterRef("pk"))))
    )


def kpis_criterion(programme) -> CriterionResult:
    """Every measure in implementation has a KPI with baseline, target and at least one measurement (1 query)."""
    rows = list(
        Measure.objects.filter(programme=programme, status=Measure.Status.IMPLEMENTATION)
        .annotate(measured=measured_kpi_exists())
        .values("pk", "title", "measured")
        .order_by("title")
    )
    failing = [row for row in rows if not row["measured"]]
    if not rows:
        detail = _("no measure in implementation yet")
        url = reverse("programmes:transformation", kwargs=programme.url_kwargs)
    elif failing:
        detail = ngettext(
            "%(failing)d of %(total)d measure in implementation lacks one: %(titles)s",
            "%(failing)d of %(total)d measures in implementation lack one: %(titles)s",
            len(rows),
        ) % {
            "failing": len(failing),
            "total": len(rows),
            "titles": _titles(failing),
        }
        url = t_url(programme, "kpi_list")
    else:
        detail = ngettext(
            "%(total)d measure in implementation", "all %(total)d measures in implementation", len(rows)
        ) % {"total": len(rows)}
        url = t_url(programme, "kpi_list")
    return CriterionResult(
        key=KPIS,
        label=_(
            "Every measure in implementation has a KPI with baseline, target and at least one measurement"
        ),
        met=bool(rows) and not failing,
        detail=detail,
        url=url,
    )


def reports_criterion(programme) -> CriterionResult:
    """At least N reports were sent since the current cycle began (2 queries)."""
    minimum = gate_registry.threshold(programme, REPORTS, "min")
    reports = Report.objects.filter(programme=programme, status=Report.Status.SENT)
    started = cycle_started_at(programme)
    if started is not None:
        reports = reports.filter(sent_at__gte=started)
    count = reports.count()
    return CriterionResult(
        key=REPORTS,
        label=ngettext(
            "At least %(min)d report sent to stakeholders in this cycle",
            "At least %(min)d reports sent to stakeholders in this cycle",
            minimum,
        )
        % {"min": minimum},
        met=count >= minimum,
        detail=ngettext("%(count)d report sent", "%(count)d reports sent", count) % {"count": count},
        url=t_url(programme, "report_list"),
    )


def retrospective_criterion(programme) -> CriterionResult:
    """A retrospective is recorded for the current cycle (1 query)."""
    latest = (
        Retrospective.objects.filter(programme=programme, cycle=programme.cycle)
        .order_by("-held_on", "-id")
        .values("pk", "held_on", "decision")
        .first()
    )
    if latest:
        detail = _("held on %(date)s, decision: %(decision)s") % {
            "date": date_format(latest["held_on"], "SHORT_DATE_FORMAT"),
            "decision": Retrospective.Decision(latest["decision"]).label,
        }
        url = t_url(programme, "retrospective_edit", pk=latest["pk"])
    else:
        detail = _("none recorded for cycle %(cycle)d") % {"cycle": programme.cycle}
        url = t_url(programme, "retrospective_create")
    return CriterionResult(
        key=RETROSPECTIVE,
        label=_("A retrospective with a scaling decision is recorded for this cycle"),
        met=latest is not None,
        detail=detail,
        url=url,
    )


CRITERIA = [
    (KPIS, kpis_criterion),
    (REPORTS, reports_criterion),
    (RETROSPECTIVE, retrospective_criterion),
]
