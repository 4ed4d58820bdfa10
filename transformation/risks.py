"""Risk rules of Transformation for the risk radar (registered in TransformationConfig.ready()).

Each rule runs a fixed number of queries whatever the number of cases, milestones or KPIs.
"""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Exists, Max, Min, OuterRef, Prefetch
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from concept.models import Measure
from programmes.risks import RiskWarning

from . import finance, selectors
from .gates import t_url
from .models import KPI, BenefitLine, BusinessCase, CostLine, Milestone

RUNNING_COSTS = "transformation.running_costs"
NEGATIVE_NPV = "transformation.negative_npv"
NO_QUICK_WIN = "transformation.no_quick_win"
KPI_NO_DATA = "transformation.kpi_no_data"

QUICK_WIN_DAYS = selectors.QUICK_WIN_WINDOW_DAYS  # 90
PERIOD_DAYS = {
    KPI.Frequency.DAILY: 1,
    KPI.Frequency.WEEKLY: 7,
    KPI.Frequency.MONTHLY: 31,
    KPI.Frequency.QUARTERLY: 92,
    KPI.Frequency.YEARLY: 366,
}
MISSED_PERIODS = 2
ZERO = Decimal("0")


def _latest_cases(programme):
    """The newest version of every business case of a measure (older versions are history)."""
    return BusinessCase.objects.filter(
        programme=programme, measure__isnull=False, next_version__isnull=True
    ).exclude(measure__status=Measure.Status.REJECTED)


def _case_url(programme, pk) -> str:
    return t_url(programme, "case_detail", pk=pk)


def running_costs_rule(programme):
    """A measure's business case holds no running (operating) cost line."""
    rows = (
        _latest_cases(programme)
        .annotate(
            has_running=Exists(CostLine.objects.filter(case=OuterRef("pk"), kind=CostLine.Kind.RUNNING))
        )
        .filter(has_running=False)
        .values("pk", "title", "version")
        .order_by("title")
    )
    for row in rows:
        yield RiskWarning(
            rule=RUNNING_COSTS,
            title=_("Running costs missing in the business case “%(title)s”") % {"title": row["title"]},
            explanation=_(
                "Version %(version)d has no running-cost line (staff, licences, content care). Without them "
                "the case looks better than the years of operation will be."
            )
            % {"version": row["version"]},
            url=_case_url(programme, row["pk"]),
            subject=f"case:{row['pk']}",
        )


def _base_npv(case) -> Decimal:
    """The base-scenario NPV from the prefetched cost and benefit lines (funding does not enter the NPV)."""
    length = case.horizon_years + 1
    costs, benefits = [ZERO] * length, [ZERO] * length
    for line in case.cost_lines.all():
        if line.year < length:
            costs[line.year] += line.amount
    for line in case.benefit_lines.all():
        if line.year < length:
            benefits[line.year] += line.amount
    return finance.npv(costs, benefits, case.discount_rate)


def negative_npv_rule(programme):
    """A case with negative NPV (base scenario) that is not a "no go" and gives no reason (3 queries)."""
    cases = (
        _latest_cases(programme)
        .filter(recommendation_reason="")
        .exclude(recommendation=BusinessCase.Recommendation.NO_GO)
        .prefetch_related(
            Prefetch("cost_lines", queryset=CostLine.objects.all()),
            Prefetch("benefit_lines", queryset=BenefitLine.objects.all()),
        )
        .order_by("title")
    )
    for case in cases:
        npv = _base_npv(case)
        if npv >= 0:
            continue
        yield RiskWarning(
            rule=NEGATIVE_NPV,
            title=_("Negative NPV without a strategic justification: “%(title)s”") % {"title": case.title},
            explanation=_(
                "The net present value is %(npv)s € and the case gives no reason why the measure should go "
                "ahead anyway. State the urgency, strategic importance or external effects, or stop it."
            )
            % {"npv": floatformat(npv, "0g")},
            url=t_url(programme, "case_recommendation", pk=case.pk),
            subject=f"case:{case.pk}",
        )


def no_quick_win_rule(programme):
    """A measure in implementation has no quick win due within 90 days of its implementation start."""
    rows = (
        Measure.objects.filter(programme=programme, status=Measure.Status.IMPLEMENTATION)
        .annotate(started=Min("milestones__start"))
        .values("pk", "title", "started")
        .order_by("title")
    )
    rows = list(rows)
    if not rows:
        return
    earliest_quick_win = dict(
        Milestone.objects.filter(measure__in=[r["pk"] for r in rows], quick_win=True)
        .values("measure")
        .annotate(first_due=Min("due"))
        .values_list("measure", "first_due")
    )
    today = timezone.localdate()
    for row in rows:
        started = row["started"] or today
        deadline = started + timedelta(days=QUICK_WIN_DAYS)
        first_due = earliest_quick_win.get(row["pk"])
        if first_due is not None and first_due <= deadline:
            continue
        yield RiskWarning(
            rule=NO_QUICK_WIN,
            title=_("No quick win within %(days)d days: “%(title)s”")
            % {"days": QUICK_WIN_DAYS, "title": row["title"]},
            explanation=_(
                "Implementation started on %(start)s; no quick win is planned by %(deadline)s. Without a "
                "visible first success, sceptics take over and support fades."
            )
            % {
                "start": date_format(started, "SHORT_DATE_FORMAT"),
                "deadline": date_format(deadline, "SHORT_DATE_FORMAT"),
            },
            url=t_url(programme, "plan", measure=row["pk"]),
            subject=f"measure:{row['pk']}",
            fingerprint=f"started:{row['started'].isoformat() if row['started'] else 'none'}",
        )


def kpi_no_data_rule(programme):
    """A KPI whose latest measurement (or, without any, its creation) lies more than two periods back."""
    today = timezone.localdate()
    rows = (
        KPI.objects.filter(programme=programme)
        .annotate(latest=Max("measurements__period_end"))
        .values("pk", "code", "name_de", "name_en", "frequency", "latest", "created_at")
        .order_by("code")
    )
    for row in rows:
        days = PERIOD_DAYS.get(row["frequency"], 31) * MISSED_PERIODS
        last = row["latest"] or timezone.localtime(row["created_at"]).date()
        if (today - last).days <= days:
            continue
        if row["latest"]:
            since = _("the latest value is for the period ending %(date)s") % {
                "date": date_format(row["latest"], "SHORT_DATE_FORMAT")
            }
        else:
            since = _("no value has been entered since it was created")
        yield RiskWarning(
            rule=KPI_NO_DATA,
            title=_("No data for two periods: KPI %(code)s") % {"code": row["code"]},
            explanation=_(
                "The KPI is measured %(frequency)s, but %(since)s. A programme that stops measuring cannot "
                "show whether it works."
            )
            % {"frequency": KPI.Frequency(row["frequency"]).label, "since": since},
            url=t_url(programme, "kpi_detail", pk=row["pk"]),
            subject=f"kpi:{row['pk']}",
            # New values that later go stale again make a new warning: its latest period differs.
            fingerprint=f"latest:{row['latest'].isoformat() if row['latest'] else 'none'}",
        )


RULES = [
    (RUNNING_COSTS, running_costs_rule),
    (NEGATIVE_NPV, negative_npv_rule),
    (NO_QUICK_WIN, no_quick_win_rule),
    (KPI_NO_DATA, kpi_no_data_rule),
]
