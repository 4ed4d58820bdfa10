"""KPIs: status along the target path, series and summaries for dashboards and reports (selectors).

Interface used by dashboards, reports and the risk radar:

- ``KpiStatus``: on_track / at_risk / off_track / no_data.
- ``kpi_summaries(programme, *, as_of=None) -> list[KpiSummary]``: every KPI of the programme with its latest
  value, the target in force, the status and a short sparkline, as the data stood at ``as_of`` (a date; only
  measurements whose period ended on or before it count; default today). Three queries whatever the data size
  (KPIs, their targets, and the last 12 measurements per KPI picked by a window function in the database).
- ``kpi_series(kpi, *, as_of=None) -> KpiSeries``: all measurements in order with the target path, for the KPI
  detail page, its chart and reports.
- ``kpi_status(kpi, targets, value, period_end) -> (status, expected, explanation)``: the rule below.

The status rule (also in ``docs/kpis.md`` and as hover text on every page that shows a status):

1. The **target path** is the straight line through the baseline (date, value) and each target (date, value) in
   date order. Before the first point it is the first point's value, after the last point the last target's.
   Without targets the path is the baseline (the KPI must at least hold its starting value).
2. Only the **latest measurement** counts: the one with the latest period end on or before ``as_of``.
   Its value is compared with the path's **expected value at its period end**.
3. The **tolerance** is 10 % of |final target − baseline| (the planned change). When that is zero (no baseline,
   a single target, or no target at all) it is 10 % of |final target| (without targets: of |baseline|).
4. Higher is better: on track if value ≥ expected; at risk if value ≥ expected − tolerance; else off track.
   Lower is better: mirrored (value ≤ expected; value ≤ expected + tolerance).
   Target band: on track inside [band from, band to]; at risk within 10 % of the band width outside it; else
   off track (the band itself is the target, baseline and targets are not used for the status).
5. **No data**: no measurement yet, or a higher/lower KPI with neither baseline nor target (nothing to compare
   with; the explanation says which).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from django.db import connection, models
from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SPARKLINE_POINTS = 12
TOLERANCE_SHARE = Decimal("0.10")
QUANT = Decimal("0.0001")

STATUS_RULE = _(
    "Status rule: the target path runs in a straight line from the baseline through each target. The latest "
    "measurement is compared with the path's value at the end of its period. Higher is better: on track at or "
    "above the path, at risk up to 10 % of the planned change (final target minus baseline) below it, otherwise "
    "off track; lower is better: mirrored. Target band: on track inside the band, at risk within 10 % of the "
    "band width outside it, otherwise off track. Without a target the baseline is the path. No data: no "
    "measurement yet, or neither baseline nor target."
)


class KpiStatus(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    OFF_TRACK = "off_track", _("off track")
    NO_DATA = "no_data", _("no data")


@dataclass(frozen=True)
class KpiSummary:
    kpi: object  # transformation.models.KPI
    status: str
    explanation: str  # the rule applied, in words, for the hover text
    latest_value: Decimal | None = None
    latest_period_end: date | None = None
    target_value: Decimal | None = None
    target_date: date | None = None
    expected_value: Decimal | None = None  # the target path's value at the latest period end
    sparkline: list[tuple[date, Decimal]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(KpiStatus(self.status).label)


@dataclass(frozen=True)
class KpiSeries:
    kpi: object
    measurements: list  # Measurement objects ordered by period start, period end
    path: list[tuple[date, Decimal]]  # baseline (if any) and targets in date order
    summary: KpiSummary

    def chart(self) -> dict:
        """Chart.js-ready data: one label per date (measurement period ends and path points), gaps as None."""
        values = {m.period_end: m.value for m in self.measurements}
        path = {d: v for d, v in self.path if d != date.min}
        labels = sorted(set(values) | set(path))
        return {
            "labels": [d.isoformat() for d in labels],
            "measurements": [_num(values.get(d)) for d in labels],
            "path": [_num(path.get(d)) for d in labels],
            # The same figures as (date, value) points, for a time-proportional x axis.
            "measurement_points": [[d.isoformat(), _num(v)] for d, v in sorted(values.items())],
            "path_points": [[d.isoformat(), _num(v)] for d, v in sorted(path.items())],
            "band": (
                [_num(self.kpi.band_low), _num(self.kpi.band_high)] if self.kpi.direction == "band" else None
            ),
        }


def _num(value) -> float | None:
    return None if value is None else float(value)


# ---------------------------------------------------------------------------------------------------------------
# The rule
# ---------------------------------------------------------------------------------------------------------------


def target_path(kpi, targets) -> list[tuple[date, Decimal]]:
    """The baseline (when both its value and date are set) and the targets, in date order."""
    points = sorted((t.date, t.value) for t in targets)
    if kpi.baseline_value is not None and kpi.baseline_date is not None:
        points = [(kpi.baseline_date, kpi.baseline_value)] + [p for p in points if p[0] > kpi.baseline_date]
    elif kpi.baseline_value is not None and not points:
        # A baseline without a date is still a reference when there is no target.
        points = [(date.min, kpi.baseline_value)]
    return points


def expected_at(path: list[tuple[date, Decimal]], when: date) -> Decimal | None:
    """The target path's value at ``when``: linear between points, flat before the first and after the last."""
    if not path:
        return None
    if when <= path[0][0]:
        return path[0][1]
    for (d0, v0), (d1, v1) in pairwise(path):
        if when <= d1:
            share = Decimal((when - d0).days) / Decimal((d1 - d0).days)
            return (v0 + (v1 - v0) * share).quantize(QUANT)
    return path[-1][1]


def tolerance_for(kpi, path: list[tuple[date, Decimal]]) -> Decimal:
    """10 % of the planned change (final target − baseline), or of |final value| when no change is planned."""
    if not path:
        return Decimal(0)
    start = kpi.baseline_value if kpi.baseline_value is not None else path[0][1]
    span = abs(path[-1][1] - start)
    if span == 0:
        span = abs(path[-1][1])
    return (span * TOLERANCE_SHARE).quantize(QUANT)


def _fmt(value: Decimal | None) -> str:
    """A figure for the explanation: at most two decimals, no trailing zeros, in the active language's format."""
    if value is None:
        return "–"
    if value != value.quantize(Decimal("0.01")):
        value = value.quantize(Decimal("0.01"))
    value = value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return formats.number_format(value, use_l10n=True)


def kpi_status(kpi, targets, value: Decimal | None, period_end: date | None):
    """(status, expected value, explanation) of a KPI whose latest measurement is ``value`` for ``period_end``."""
    if value is None:
        return KpiStatus.NO_DATA, None, gettext("No measurement yet.")
    fmt_value = _fmt(value)
    when = formats.date_format(period_end, "SHORT_DATE_FORMAT")
    if kpi.direction == "band":
        low, high = kpi.band_low, kpi.band_high
        tol = ((high - low) * TOLERANCE_SHARE).quantize(QUANT)
        params = {"value": fmt_value, "date": when, "low": _fmt(low), "high": _fmt(high), "tol": _fmt(tol)}
        if low <= value <= high:
            status = KpiStatus.ON_TRACK
        elif low - tol <= value <= high + tol:
            status = KpiStatus.AT_RISK
        else:
            status = KpiStatus.OFF_TRACK
        text = gettext(
            "Latest value %(value)s (period ending %(date)s) against the target band %(low)s to %(high)s; "
            "at risk within %(tol)s outside the band."
        )
        return status, None, text % params
    path = target_path(kpi, targets)
    if not path:
        return (
            KpiStatus.NO_DATA,
            None,
            gettext("Neither a baseline nor a target is set: nothing to compare with."),
        )
    expected = expected_at(path, period_end)
    tol = tolerance_for(kpi, path)
    gap = value - expected if kpi.direction == "lower" else expected - value  # positive = behind the path
    if gap <= 0:
        status = KpiStatus.ON_TRACK
    elif gap <= tol:
        status = KpiStatus.AT_RISK
    else:
        status = KpiStatus.OFF_TRACK
    params = {"value": fmt_value, "date": when, "expected": _fmt(expected), "tol": _fmt(tol)}
    if not list(targets):
        text = gettext(
            "Latest value %(value)s (period ending %(date)s) against the baseline %(expected)s (no target "
            "set); at risk within %(tol)s."
        )
    elif kpi.direction == "lower":
        text = gettext(
            "Latest value %(value)s (period ending %(date)s) against %(expected)s expected on the target "
            "path (lower is better); at risk up to %(tol)s above it."
        )
    else:
        text = gettext(
            "Latest value %(value)s (period ending %(date)s) against %(expected)s expected on the target "
            "path (higher is better); at risk up to %(tol)s below it."
        )
    return status, expected, text % params


def target_in_force(targets, as_of: date):
    """The first target due on or after ``as_of``; when all are past, the last one; None without targets."""
    ordered = sorted(targets, key=lambda t: t.date)
    for target in ordered:
        if target.date >= as_of:
            return target
    return ordered[-1] if ordered else None


def _summary(kpi, targets, recent: list, as_of: date) -> KpiSummary:
    """``recent``: (period_end, value) newest first, at most SPARKLINE_POINTS."""
    latest_end, latest_value = recent[0] if recent else (None, None)
    status, expected, explanation = kpi_status(kpi, targets, latest_value, latest_end)
    target = target_in_force(targets, as_of)
    return KpiSummary(
        kpi=kpi,
        status=str(status),
        explanation=explanation,
        latest_value=latest_value,
        latest_period_end=latest_end,
        target_value=target.value if target else None,
        target_date=target.date if target else None,
        expected_value=expected,
        sparkline=list(reversed(recent)),
    )


# ---------------------------------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------------------------------


def kpi_summaries(programme, *, as_of: date | None = None, kpis=None) -> list[KpiSummary]:
    """Every KPI of ``programme`` (or the given KPI queryset) summarised as of ``as_of``: three queries."""
    from .models import KPI, KPITarget

    if kpis is None:
        kpis = KPI.objects.filter(programme=programme)
    kpi_list = list(kpis.prefetch_related(Prefetch("targets", queryset=KPITarget.objects.order_by("date"))))
    return summaries_for(kpi_list, as_of=as_of)


def summaries_for(kpi_list: list, *, as_of: date | None = None) -> list[KpiSummary]:
    """Summaries of already loaded KPIs (targets prefetched): one query for the recent measurements."""
    as_of = as_of or timezone.localdate()
    if not kpi_list:
        return []
    recent: dict[int, list] = defaultdict(list)
    for kpi_id, period_end, value in _recent_values([k.pk for k in kpi_list], as_of):
        recent[kpi_id].append((period_end, value))
    return [_summary(kpi, list(kpi.targets.all()), recent.get(kpi.pk, []), as_of) for kpi in kpi_list]


def _recent_values(kpi_ids: list[int], as_of: date):
    """(kpi_id, period_end, value) of the last SPARKLINE_POINTS measurements per KPI, newest first: one query.

    On PostgreSQL a LATERAL join reads only those rows through the (kpi, -period_end) index; elsewhere a
    window function ranks the measurements in the database.
    """
    from .models import Measurement

    if connection.vendor == "postgresql":
        # The table name is written out (transformation_measurement) so the statement is one constant.
        sql = (
            "SELECT m.kpi_id, m.period_end, m.value FROM unnest(%s::bigint[]) WITH ORDINALITY AS k(id, pos) "
            "CROSS JOIN LATERAL (SELECT kpi_id, period_start, period_end, value FROM transformation_measurement WHERE kpi_id = k.id "
            "AND period_end <= %s ORDER BY period_end DESC, period_start DESC LIMIT %s) m "
            "ORDER BY k.pos, m.period_end DESC, m.period_start DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [kpi_ids, as_of, SPARKLINE_POINTS])
            return cursor.fetchall()
    return (
        Measurement.objects.filter(kpi__in=kpi_ids, period_end__lte=as_of)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kpi_id")],
                order_by=[F("period_end").desc(), F("period_start").desc()],
            )
        )
        .filter(rank__lte=SPARKLINE_POINTS)
        .order_by("kpi_id", "rank")
        .values_list("kpi_id", "period_end", "value")
    )


def kpi_summary(kpi, *, as_of: date | None = None) -> KpiSummary:
    """One KPI's summary (same rule and queries as ``kpi_summaries``)."""
    from .models import KPI

    return kpi_summaries(kpi.programme, as_of=as_of, kpis=KPI.objects.filter(pk=kpi.pk))[0]


def kpi_series(kpi, *, as_of: date | None = None) -> KpiSeries:
    """All measurements of ``kpi`` up to ``as_of`` in order, the target path and the status (two queries)."""
    as_of = as_of or timezone.localdate()
    targets = list(kpi.targets.order_by("date"))
    measurements = list(kpi.measurements.filter(period_end__lte=as_of).order_by("period_start", "period_end"))
    newest = sorted(measurements, key=lambda m: (m.period_end, m.period_start), reverse=True)
    recent = [(m.period_end, m.value) for m in newest[:SPARKLINE_POINTS]]
    return KpiSeries(
        kpi=kpi,
        measurements=measurements,
        path=target_path(kpi, targets),
        summary=_summary(kpi, targets, recent, as_of),
    )


def status_counts(summaries: list[KpiSummary]) -> dict[str, int]:
    """How many KPIs have each status (every status present, zero included)."""
    counts = {status.value: 0 for status in KpiStatus}
    for summary in summaries:
        counts[summary.status] += 1
    return counts


# ---------------------------------------------------------------------------------------------------------------
# Footfall (pedestrian counters) for the KPI detail page
# ---------------------------------------------------------------------------------------------------------------

WEEKDAYS = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]


def footfall_days_for(kpi):
    """The counter days behind a KPI, in its scope (its one ``counter_location``, or all locations).

    Counter data is programme-wide (one FootfallDay per location and day, whichever import brought it). The KPI
    coded FOOTFALL shows every counted day in its scope; another KPI the days it holds a counter value for.
    """
    from .models import FootfallDay, Measurement

    days = FootfallDay.objects.filter(programme_id=kpi.programme_id)
    if kpi.counter_location:
        days = days.filter(location=kpi.counter_location)
    if kpi.code.upper() != "FOOTFALL":
        counted = Measurement.objects.filter(kpi_id=kpi.pk, source=Measurement.Source.COUNTER)
        days = days.filter(date__in=counted.values("period_start"))
    return days


def _share(part: int | None, whole: int | None) -> float | None:
    return round(100 * part / whole, 1) if part is not None and whole else None


def _direction_labels(kpi) -> list[str]:
    """What "direction 1" and "direction 2" mean: the column names of the programme's latest counter export."""
    from .models import DataImport

    names = (
        DataImport.objects.filter(
            programme_id=kpi.programme_id, kind=DataImport.Kind.COUNTER, status=DataImport.Status.DONE
        )
        .order_by("-finished_at", "-pk")
        .values_list("summary__directions", flat=True)
        .first()
    )
    names = names if isinstance(names, list) and len(names) == 2 else ["", ""]
    return [
        gettext("Direction 1 (%(column)s)") % {"column": names[0]} if names[0] else gettext("Direction 1"),
        gettext("Direction 2 (%(column)s)") % {"column": names[1]} if names[1] else gettext("Direction 2"),
    ]


def kpi_footfall(kpi) -> dict | None:
    """Footfall by weekday, weather, location and direction, aggregated in the database (four queries at most:
    weekday, weather, location with directions, and the direction names); None without counter data.

    - by weekday: the mean daily footfall of the KPI's locations together (sum of counts / counted days);
    - by weather: the mean count per location and day under each weather condition (blank = not recorded);
    - by location: pedestrians in all, days counted and the mean per day of each location;
    - by direction: per location, the mean per day in each direction and the share of direction 1, over the
      days on which both directions were counted.
    """
    from django.db.models import Avg, Count, Q, Sum
    from django.db.models.functions import ExtractIsoWeekDay

    days = footfall_days_for(kpi).order_by()
    weekday_rows = list(
        days.annotate(weekday=ExtractIsoWeekDay("date"))
        .values("weekday")
        .annotate(total=Sum("total"), dates=Count("date", distinct=True))
        .order_by("weekday")
    )
    if not weekday_rows:
        return None
    weather_rows = list(
        days.values("weather").annotate(mean=Avg("total"), days=Count("id")).order_by("-days", "weather")
    )
    both = Q(direction_a__isnull=False, direction_b__isnull=False)
    location_rows = list(
        days.values("location")
        .annotate(
            pedestrians=Sum("total"),
            days=Count("id"),
            direction_days=Count("id", filter=both),
            sum_a=Sum("direction_a", filter=both),
            sum_b=Sum("direction_b", filter=both),
        )
        .order_by("location")
    )
    by_weekday = [
        {
            "weekday": row["weekday"],
            "label": str(WEEKDAYS[row["weekday"] - 1]),
            "mean": round(row["total"] / row["dates"]) if row["dates"] else 0,
            "days": row["dates"],
        }
        for row in weekday_rows
    ]
    by_weather = [
        {
            "weather": row["weather"],
            "label": row["weather"] or str(_("not recorded")),
            "mean": round(row["mean"] or 0),
            "days": row["days"],
        }
        for row in weather_rows
    ]
    by_location = [
        {
            "location": row["location"],
            "total": row["pedestrians"],
            "days": row["days"],
            "mean": round(row["pedestrians"] / row["days"]) if row["days"] else 0,
        }
        for row in location_rows
    ]
    by_direction = []
    for row in location_rows:
        counted = row["direction_days"]
        if not counted:
            continue
        a, b = row["sum_a"] or 0, row["sum_b"] or 0
        by_direction.append(
            {
                "location": row["location"],
                "days": counted,
                "direction_a": a,
                "direction_b": b,
                "mean_a": round(a / counted),
                "mean_b": round(b / counted),
                "share_a": _share(a, a + b),
                "share_b": _share(b, a + b),
            }
        )
    labels = _direction_labels(kpi) if by_direction else [gettext("Direction 1"), gettext("Direction 2")]
    return {
        "location": kpi.counter_location,
        "by_weekday": by_weekday,
        "by_weather": by_weather,
        "by_location": by_location,
        "by_direction": by_direction,
        "direction_labels": labels,
        "chart": {
            "weekday": {
                "labels": [r["label"] for r in by_weekday],
                "values": [r["mean"] for r in by_weekday],
            },
            "weather": {
                "labels": [r["label"] for r in by_weather],
                "values": [r["mean"] for r in by_weather],
            },
            "location": {
                "labels": [r["location"] for r in by_location],
                "values": [r["mean"] for r in by_location],
            },
            "direction": {
                "labels": [r["location"] for r in by_direction],
                "datasets": [
                    {"label": labels[0], "values": [r["mean_a"] for r in by_direction]},
                    {"label": labels[1], "values": [r["mean_b"] for r in by_direction]},
                ],
            },
        },
    }
