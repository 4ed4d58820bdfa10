"""Display helpers: money to cents, fractions as percent, years with decimals. Rounding happens only here."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def money(value):
    if value is None or value == "":
        return "–"
    return number_format(
        Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), 2, force_grouping=True
    )


@register.filter
def percent(value, places=1):
    if value is None or value == "":
        return "–"
    return number_format((Decimal(value) * 100).quantize(Decimal(1).scaleb(-int(places))), int(places)) + " %"


@register.filter
def decimals(value, places=2):
    if value is None or value == "":
        return "–"
    return number_format(Decimal(value).quantize(Decimal(1).scaleb(-int(places))), int(places))


@register.filter
def step_class(value, prefix):
    """The CSS class of a timeline step (no inline styles under the CSP)."""
    return f"{prefix}{int(value)}"
