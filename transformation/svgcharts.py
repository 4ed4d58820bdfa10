"""Small server-rendered SVG charts for pages, e-mails and PDFs: no JavaScript, no inline styles.

Every chart is an ``<svg role="img">`` with an ``aria-label`` and a ``<title>``; all text is escaped. Colours are
presentation attributes (fill/stroke), which the Content Security Policy allows and e-mail clients and
WeasyPrint understand. A chart is a picture only: pages and reports show the same figures in a table.

    sparkline_svg([(date, Decimal), ...], label="Footfall")
    line_chart_svg([(date, value), ...], target=[(date, value), ...], label="Footfall", unit="persons/day")
    bar_chart_svg([("on track", 3), ("off track", 1)], label="KPIs by status")
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINE = "#1d4e89"  # dark blue, 8:1 on white
TARGET = "#8a4b00"  # dark orange, dashed
AXIS = "#595959"
MUTED = "#767676"
BAR = "#1d4e89"
FONT = 'font-family="Arial, Helvetica, sans-serif"'

Number = int | float | Decimal
Point = tuple[date, Number | None]


def _num(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _fmt(value: float, places: int = 1) -> str:
    if abs(value) >= 100 or float(value).is_integer():
        places = 0
    return number_format(round(value, places), places, force_grouping=True)


def _clean(points: Iterable) -> list[tuple[object, float]]:
    """(x, float) pairs without missing values; x stays as given (a date or an index)."""
    cleaned = []
    for point in points or ():
        x, y = point[0], _num(point[1])
        if y is not None:
            cleaned.append((x, y))
    return cleaned


def _open(width: int, height: int, label: str, css_class: str) -> str:
    text = escape(str(label))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{text}" focusable="false">'
        f"<title>{text}</title>"
    )


def _ordinal(x) -> float:
    if isinstance(x, date):
        return float(x.toordinal())
    return float(x)


def _scale(values: Sequence[float]) -> tuple[float, float]:
    """min and max of the values, widened a little when they are all equal."""
    vmin, vmax = min(values), max(values)
    if vmin == vmax:
        pad = abs(vmin) * 0.1 or 1.0
        vmin, vmax = vmin - pad, vmax + pad
    return vmin, vmax


def _polyline(coords: list[tuple[float, float]], colour: str, *, dashed: bool = False, width=1.5) -> str:
    if not coords:
        return ""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    return (
        f'<polyline fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round" '
        f'stroke-linecap="round"{dash} points="{points}"/>'
    )


def sparkline_svg(points, *, width: int = 120, height: int = 32, label: str) -> SafeString:
    """A tiny line of a series (oldest first) with a dot on the latest value; a dashed line when empty."""
    data = _clean(points)
    parts = [_open(width, height, label, "chart chart--sparkline")]
    pad = 3
    if not data:
        parts.append(
            f'<line x1="{pad}" y1="{height / 2:.1f}" x2="{width - pad}" y2="{height / 2:.1f}" '
            f'stroke="{MUTED}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
    else:
        xs = [_ordinal(x) if isinstance(x, date) else float(i) for i, (x, _y) in enumerate(data)]
        ys = [y for _x, y in data]
        xmin, xmax = min(xs), max(xs)
        ymin, ymax = _scale(ys)
        span_x = (xmax - xmin) or 1.0

        def at(x, y):
            px = pad + (x - xmin) / span_x * (width - 2 * pad) if xmax != xmin else width / 2
            py = height - pad - (y - ymin) / (ymax - ymin) * (height - 2 * pad)
            return px, py

        coords = [at(x, y) for x, y in zip(xs, ys, strict=True)]
        parts.append(_polyline(coords, LINE))
        last_x, last_y = coords[-1]
        parts.append(f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="{LINE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text part above is escaped


def line_chart_svg(
    series,
    *,
    target=None,
    baseline: Number | None = None,
    width: int = 480,
    height: int = 200,
    label: str,
    unit: str = "",
) -> SafeString:
    """A line chart of dated values with an optional dashed target path and a dotted baseline.

    ``series`` and ``target`` are lists of (date, value); the axes show the value range and the first and last
    date. A chart without any value says so in its picture (the table beside it says the same).
    """
    data = _clean(series)
    target_data = _clean(target or [])
    base = _num(baseline)
    left, right, top, bottom = 56, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [_open(width, height, label, "chart chart--line")]
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}" stroke-width="1"/>'
    )
    everything = data + target_data
    if not everything:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
            f'font-size="12" fill="{AXIS}" {FONT}>–</text></svg>'
        )
        return mark_safe("".join(parts))
    xs = [_ordinal(x) for x, _y in everything]
    ys = [y for _x, y in everything] + ([base] if base is not None else [])
    xmin, xmax = min(xs), max(xs)
    ymin, ymax = _scale(ys)
    span_x = (xmax - xmin) or 1.0

    def at(x, y):
        px = left + ((_ordinal(x) - xmin) / span_x * plot_w if xmax != xmin else plot_w / 2)
        py = top + plot_h - (y - ymin) / (ymax - ymin) * plot_h
        return px, py

    unit_text = f" {unit}" if unit else ""
    for value, y in ((ymax, top), (ymin, top + plot_h)):
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="{AXIS}" {FONT}>'
            f"{escape(_fmt(value) + unit_text) if len(unit_text) <= 6 else escape(_fmt(value))}</text>"
        )
    first, last = (
        min(everything, key=lambda p: _ordinal(p[0]))[0],
        max(everything, key=lambda p: _ordinal(p[0]))[0],
    )
    for when, anchor, x in ((first, "start", left), (last, "end", left + plot_w)):
        text = date_format(when, "SHORT_DATE_FORMAT") if isinstance(when, date) else str(when)
        parts.append(
            f'<text x="{x}" y="{height - 8}" text-anchor="{anchor}" font-size="10" fill="{AXIS}" {FONT}>'
            f"{escape(text)}</text>"
        )
    if base is not None:
        _x, by = at(first, base)
        parts.append(
            f'<line x1="{left}" y1="{by:.1f}" x2="{left + plot_w}" y2="{by:.1f}" stroke="{MUTED}" '
            f'stroke-width="1" stroke-dasharray="1 3"/>'
        )
    parts.append(
        _polyline(
            [at(x, y) for x, y in sorted(target_data, key=lambda p: _ordinal(p[0]))], TARGET, dashed=True
        )
    )
    coords = [at(x, y) for x, y in sorted(data, key=lambda p: _ordinal(p[0]))]
    parts.append(_polyline(coords, LINE, width=2))
    if len(coords) <= 40:
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{LINE}"/>' for x, y in coords)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart_svg(
    bars, *, width: int = 480, bar_height: int = 18, label: str, label_width: int = 160
) -> SafeString:
    """Horizontal bars of (label, value), the value written beside each bar; negative values count as 0."""
    rows = [(str(name), max(_num(value) or 0.0, 0.0)) for name, value in bars or ()]
    gap = 6
    height = max(len(rows), 1) * (bar_height + gap) + gap
    parts = [_open(width, height, label, "chart chart--bar")]
    biggest = max((value for _name, value in rows), default=0.0) or 1.0
    value_space = 56
    plot_w = max(width - label_width - value_space, 10)
    for index, (name, value) in enumerate(rows):
        y = gap + index * (bar_height + gap)
        length = value / biggest * plot_w
        short = name if len(name) <= 28 else name[:27] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1a1a1a" {FONT}>{escape(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{BAR}"/>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="11" '
            f'fill="#1a1a1a" {FONT}>{escape(_fmt(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
