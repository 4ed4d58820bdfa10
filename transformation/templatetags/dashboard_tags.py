"""Dashboard display helpers: KPI status badges (text, colour and icon) and server-rendered sparklines."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()

# status → (KERN badge modifier, KERN icon): the status is always written out too, never colour alone.
STATUS_STYLE = {
    "on_track": ("success", "success"),
    "at_risk": ("warning", "warning"),
    "off_track": ("danger", "danger"),
    "no_data": ("info", "info"),
}


@register.filter
def status_badge_class(status: str) -> str:
    return f"kern-badge--{STATUS_STYLE.get(status, STATUS_STYLE['no_data'])[0]}"


@register.filter
def status_icon_class(status: str) -> str:
    return f"kern-icon--{STATUS_STYLE.get(status, STATUS_STYLE['no_data'])[1]}"


@register.simple_tag
def kpi_sparkline(summary, width: int = 160, height: int = 40):
    """The KPI's recent values as an inline SVG (transformation.svgcharts), labelled for screen readers."""
    from transformation.svgcharts import sparkline_svg

    count = len(summary.sparkline)
    label = ngettext(
        "Trend of %(kpi)s, last %(count)s value", "Trend of %(kpi)s, last %(count)s values", count
    ) % {"kpi": summary.kpi.name, "count": count}
    return sparkline_svg(summary.sparkline, width=width, height=height, label=label)


@register.simple_tag
def milestone_chart(progress):
    """Milestones by status (and overdue) as horizontal bars; the page shows the same counts in a table."""
    from transformation.svgcharts import bar_chart_svg

    bars = [(label, count) for _status, label, count in progress.rows()]
    bars.append((_("overdue"), progress.overdue))
    return bar_chart_svg(bars, label=_("Milestones by status"))


@register.simple_tag
def recent_values(summary) -> str:
    """The sparkline's values as text, oldest first (the data table of the sparkline)."""
    if not summary.sparkline:
        return "–"
    return "; ".join(_number(value) for _when, value in summary.sparkline)


@register.filter
def kpi_number(value) -> str:
    """A KPI value with grouping and at most two decimals, trailing zeros dropped ("–" when missing)."""
    return "–" if value is None else _number(value)


def _number(value) -> str:
    rounded = Decimal(value).quantize(Decimal("0.01"))
    places = 0 if rounded == rounded.to_integral() else 2
    return number_format(rounded, places, force_grouping=True)
