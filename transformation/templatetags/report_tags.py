"""Display of a report's frozen figures (strings in the snapshot) in the report's language."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format

register = template.Library()


@register.filter
def num(value, places=2):
    """A decimal string as a localised number with at most ``places`` decimals; '–' when empty."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "–"
    number = round(number, int(places))
    shown = number.normalize() if number == number.to_integral() else number
    decimals = max(0, -shown.as_tuple().exponent) if isinstance(shown.as_tuple().exponent, int) else 0
    return number_format(shown, decimals, force_grouping=True)


@register.filter
def isodate(value):
    if not value:
        return "–"
    try:
        return date_format(date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return "–"


@register.filter
def isodatetime(value):
    if not value:
        return "–"
    try:
        return date_format(datetime.fromisoformat(str(value)), "SHORT_DATETIME_FORMAT")
    except ValueError:
        return "–"


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key)
