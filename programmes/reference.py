"""Default reference lists of the EKT method (DOMAIN.md). A programme may add its own entries."""

from django.utils.translation import gettext_lazy as _

TARGET_GROUPS = [
    ("buerger", _("Citizens")),
    ("unternehmen", _("Businesses")),
    ("touristen", _("Tourists")),
    ("verwaltung", _("Administration staff")),
]

CITIZEN_DRIVERS = [
    ("wohnen", _("Housing")),
    ("arbeiten", _("Work")),
    ("leben", _("Living")),
    ("umwelt", _("Environment")),
    ("energie", _("Energy")),
    ("verkehr", _("Transport")),
    ("geburt", _("Birth")),
    ("immobilien", _("Real estate")),
    ("shopping", _("Shopping")),
]

ACTION_FIELDS = [
    ("digitale-verwaltung", _("Digital administration")),
    ("energie", _("Energy")),
    ("verkehr-mobilitaet", _("Transport & mobility")),
    ("lernen-bildung", _("Learning & education")),
    ("gesundheit", _("Health")),
    ("digitale-interaktion", _("Digital interaction")),
    ("digitales-marketing", _("Digital marketing")),
    ("handel-innenstadt", _("Retail & city centre")),
]


def label_for(options: list[tuple[str, str]], value: str) -> str:
    """The translated label of a default entry, or the programme's own entry as typed."""
    return str(dict(options).get(value, value))
