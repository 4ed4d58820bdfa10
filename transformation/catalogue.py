"""The KPI catalogue shipped as data (``transformation/data/kpi_catalogue.json``): entries to start a KPI from.

Each entry holds the KPI fields a programme usually keeps (code, names, unit, direction, frequency, definition,
data source suggestion, optional band and U4SSC framework reference). ``catalogue_entries()`` loads and validates
the file once; an invalid entry raises ``ImproperlyConfigured`` naming the entry and field, so a broken
catalogue fails at the first use (and in the tests), never silently.
"""

import json
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import get_language

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "kpi_catalogue.json"
FIELDS = {
    "key",
    "code",
    "framework_ref",
    "name_de",
    "name_en",
    "unit",
    "direction",
    "frequency",
    "definition",
    "data_source",
    "band_low",
    "band_high",
}
REQUIRED = {
    "key",
    "code",
    "name_de",
    "name_en",
    "unit",
    "direction",
    "frequency",
    "definition",
    "data_source",
}


@dataclass(frozen=True)
class CatalogueEntry:
    key: str
    code: str
    name_de: str
    name_en: str
    unit: str
    direction: str
    frequency: str
    definition: str
    data_source: str
    framework_ref: str = ""
    band_low: Decimal | None = None
    band_high: Decimal | None = None

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "de").startswith("en") else self.name_de

    def kpi_fields(self) -> dict:
        """The KPI model fields this entry fills (``catalogue_key`` included)."""
        fields = asdict(self)
        fields["catalogue_key"] = fields.pop("key")
        return fields

    def as_dict(self) -> dict:
        data = asdict(self)
        for bound in ("band_low", "band_high"):
            data[bound] = None if data[bound] is None else str(data[bound])
        return data


def validate_entry(raw: dict) -> CatalogueEntry:
    """One entry checked against the KPI model's validators; ValidationError with field messages if not."""
    from .models import KPI

    unknown = set(raw) - FIELDS
    missing = {name for name in REQUIRED if not raw.get(name)}
    errors: dict[str, list[str]] = {}
    for name in sorted(unknown):
        errors[name] = ["unknown field"]
    for name in sorted(missing):
        errors[name] = ["required"]
    if errors:
        raise ValidationError(errors)
    values = {name: raw.get(name, "") for name in FIELDS - {"band_low", "band_high"}}
    for bound in ("band_low", "band_high"):
        values[bound] = Decimal(str(raw[bound])) if raw.get(bound) not in (None, "") else None
    entry = CatalogueEntry(**values)
    kpi = KPI(**entry.kpi_fields())
    # Everything but the programme (an entry belongs to no programme): field validators and check constraints.
    kpi.full_clean(exclude=["programme"])
    return entry


@cache
def catalogue_entries() -> tuple[CatalogueEntry, ...]:
    """All catalogue entries in file order, validated once per process."""
    raw_entries = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    entries = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_entries, start=1):
        label = raw.get("key") or f"#{position}"
        try:
            entry = validate_entry(raw)
        except ValidationError as error:
            raise ImproperlyConfigured(f"KPI catalogue entry {label}: {error.message_dict}") from error
        for unique in (entry.key, f"code:{entry.code}"):
            if unique in seen:
                raise ImproperlyConfigured(f"KPI catalogue entry {label}: duplicate {unique}")
            seen.add(unique)
        entries.append(entry)
    return tuple(entries)


def catalogue_entry(key: str) -> CatalogueEntry | None:
    return next((entry for entry in catalogue_entries() if entry.key == key), None)
