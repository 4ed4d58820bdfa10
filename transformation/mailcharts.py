"""Charts for report e-mails, built from HTML tables: no SVG, no images, no script.

Gmail and Outlook do not show inline SVG, but every common mail client shows tables whose cells have a width and
a background colour. So in the e-mail body a bar is a table cell of that width and colour, and every chart row
carries its figure as text beside the bar (the figures read the same without the bars). Colours and sizes are
attributes *and* inline styles, the two things mail clients honour; every cell sets ``border:0`` and its padding,
so the report's own table style (borders, padding) does not draw grid lines into a chart.

    bar_chart_html([("on track", 3), ("off track", 1)], label="KPIs by status")
    sparkline_html([(date, Decimal), ...], label="Footfall: the latest values")
    series_chart_html([(date, Decimal), ...], label="Footfall", unit="persons/day")

The stored HTML snapshot and the PDF keep their SVG charts (``svgcharts``); only the e-mail body uses these.
"""

from collections.abc import Iterable
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .svgcharts import BAR, MUTED, _clean, _fmt, _scale

TRACK = "#e8eef6"  # the empty part of a bar: light blue-grey
TEXT = "#1a1a1a"
FONT = "font-family:Arial,Helvetica,sans-serif"
TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"'
SPARK_HEIGHT = 24  # px of the tallest sparkline column
SPARK_WIDTH = 5  # px of one sparkline column


def _cell(width_percent: int, colour: str, height: int) -> SafeString:
    return format_html(
        '<td width="{w}%" height="{h}" bgcolor="{c}" style="border:0;padding:0;width:{w}%;height:{h}px;'
        'background-color:{c};font-size:1px;line-height:1px;">&nbsp;</td>',
        w=width_percent,
        c=colour,
        h=height,
    )


def _bar(percent: int, height: int = 14) -> SafeString:
    """A bar of ``percent`` (0–100) of the cell's width, the rest in the track colour."""
    cells = []
    if percent > 0:
        cells.append(_cell(percent, BAR, height))
    if percent < 100:
        cells.append(_cell(100 - percent, TRACK, height))
    return format_html(
        '<table {attrs} width="100%" style="border-collapse:collapse;width:100%;margin:0;"><tr>{cells}</tr></table>',
        attrs=mark_safe(TABLE),  # a constant
        cells=mark_safe("".join(cells)),  # built by format_html above
    )


def _percentages(values: list[float]) -> list[int]:
    """Each value's bar length in % of the range from min(0, values) to max(0, values)."""
    low, high = min(0.0, *values), max(0.0, *values)
    span = high - low
    if span == 0:
        return [0 for _value in values]
    return [round((value - low) / span * 100) for value in values]


def _rows_table(rows: list[tuple[str, float, str]], *, label: str) -> SafeString:
    """A chart table: one row per (name, value, figure text) with the name, the bar and the figure."""
    if not rows:
        return format_html('<p style="margin:4px 0;{f};color:{m};">–</p>', f=FONT, m=MUTED)
    percents = _percentages([value for _name, value, _text in rows])
    body = format_html_join(
        "",
        '<tr class="mail-chart__row"><td style="border:0;padding:2px 8px 2px 0;width:38%;{f};font-size:13px;'
        'color:{t};">{name}</td><td style="border:0;padding:2px 0;width:46%;">{bar}</td>'
        '<td class="mail-chart__figure" style="border:0;padding:2px 0 2px 8px;text-align:right;'
        'white-space:nowrap;{f};font-size:13px;color:{t};">{figure}</td></tr>',
        (
            {"f": FONT, "t": TEXT, "name": name, "bar": _bar(percent), "figure": figure}
            for (name, _value, figure), percent in zip(rows, percents, strict=True)
        ),
    )
    return format_html(
        '<table {attrs} class="mail-chart" width="100%" aria-label="{label}" '
        'style="border-collapse:collapse;width:100%;max-width:520px;margin:4px 0 8px;">{body}</table>',
        attrs=mark_safe(TABLE),
        label=label,
        body=body,
    )


def bar_chart_html(bars: Iterable, *, label: str) -> SafeString:
    """Horizontal bars of (label, count), the count written beside each bar; negative values count as 0."""
    rows = []
    for name, value in bars or ():
        number = max(float(value or 0), 0.0)
        rows.append((str(name), number, _fmt(number)))
    return _rows_table(rows, label=label)


def series_chart_html(points, *, label: str, unit: str = "") -> SafeString:
    """A dated series (oldest first) as one bar per date, each with its value (and unit) as text."""
    rows = []
    for when, value in _clean(points):
        name = date_format(when, "SHORT_DATE_FORMAT") if isinstance(when, date) else str(when)
        figure = f"{_fmt(value)} {unit}".strip()
        rows.append((name, value, figure))
    return _rows_table(rows, label=label)


def sparkline_html(points, *, label: str) -> SafeString:
    """The series (oldest first) as small columns, below them the first and the latest value ("12 → 16")."""
    data = [value for _when, value in _clean(points)]
    if not data:
        return format_html('<span style="{f};color:{m};">–</span>', f=FONT, m=MUTED)
    low, high = _scale(data)  # as the SVG sparkline: equal values sit mid-height
    heights = [2 + round((value - low) / (high - low) * (SPARK_HEIGHT - 2)) for value in data]
    columns = format_html_join(
        "",
        '<td valign="bottom" style="border:0;padding:0 1px 0 0;vertical-align:bottom;height:{top}px;">'
        '<table {attrs} style="border-collapse:collapse;margin:0;"><tr><td width="{w}" height="{h}" '
        'bgcolor="{c}" style="border:0;padding:0;width:{w}px;height:{h}px;background-color:{c};font-size:1px;'
        'line-height:1px;">&nbsp;</td></tr></table></td>',
        (
            {"top": SPARK_HEIGHT, "attrs": mark_safe(TABLE), "w": SPARK_WIDTH, "h": height, "c": BAR}
            for height in heights
        ),
    )
    figures = _fmt(data[0]) if len(data) == 1 else f"{_fmt(data[0])} → {_fmt(data[-1])}"
    # The figures go below the columns: beside them, a narrow table cell would squeeze the columns away.
    return format_html(
        '<table {attrs} class="mail-spark" aria-label="{label}" style="border-collapse:collapse;margin:0;">'
        '<tr><td style="border:0;padding:0;"><table {attrs} style="border-collapse:collapse;margin:0;"><tr>'
        "{columns}</tr></table></td></tr>"
        '<tr class="mail-chart__row"><td class="mail-chart__figure" style="border:0;padding:2px 0 0;'
        "white-space:nowrap;{f};"
        'font-size:12px;color:{t};">{figures}</td></tr></table>',
        attrs=mark_safe(TABLE),
        label=label,
        columns=columns,
        f=FONT,
        t=TEXT,
        figures=figures,
    )
