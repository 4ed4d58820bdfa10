"""The KPI catalogue shipped as data: every entry valid, the required KPIs present, starting a KPI from it."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from transformation import catalogue
from transformation.catalogue import CATALOGUE_PATH, catalogue_entries, catalogue_entry, validate_entry
from transformation.models import KPI

RAW = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("raw", RAW, ids=[entry["key"] for entry in RAW])
def test_every_catalogue_entry_passes_the_kpi_model_validators(db, raw):
    entry = validate_entry(raw)
    assert entry.name_de and entry.name_en and entry.definition and entry.data_source


def test_the_catalogue_holds_at_least_25_kpis_with_unique_keys_and_codes(db):
    entries = catalogue_entries()
    assert len(entries) >= 25
    assert len({e.key for e in entries}) == len(entries)
    assert len({e.code for e in entries}) == len(entries)


@pytest.mark.parametrize(
    ("key", "code", "direction"),
    [
        ("footfall", "FOOTFALL", "higher"),
        ("vacancy_rate", "VACANCY", "lower"),
        ("visitor_grade", "GRADE", "lower"),
        ("nps", "NPS", "higher"),
        ("services_online", "SERVICES_ONLINE", "higher"),
        ("wifi_hotspots", "WIFI", "higher"),
        ("realtime_stops", "RT_STOPS", "higher"),
        ("parking_occupancy", "PARKING_OCC", "band"),
    ],
)
def test_the_catalogue_names_the_kpis_cities_ask_for(db, key, code, direction):
    entry = catalogue_entry(key)
    assert entry is not None
    assert (entry.code, entry.direction) == (code, direction)


def test_u4ssc_references_use_the_framework_format(db):
    refs = {e.key: e.framework_ref for e in catalogue_entries() if e.framework_ref}
    assert refs["services_online"] == "EC: ICT: PS: 2A"
    assert refs["realtime_stops"] == "EC: ICT: T: 1C"
    assert len(refs) >= 10


def test_an_invalid_entry_is_rejected_with_the_field_named(db):
    raw = dict(RAW[0], framework_ref="ICT-1", direction="sideways")
    with pytest.raises(ValidationError) as error:
        validate_entry(raw)
    assert {"framework_ref", "direction"} <= set(error.value.message_dict)


def test_a_band_entry_without_bounds_is_rejected(db):
    raw = dict(RAW[0], direction="band")
    with pytest.raises(ValidationError):
        validate_entry(raw)


def test_a_broken_catalogue_file_fails_loudly(db, tmp_path, monkeypatch):
    broken = tmp_path / "catalogue.json"
    broken.write_text(json.dumps([dict(RAW[0], unit="")]), encoding="utf-8")
    monkeypatch.setattr(catalogue, "CATALOGUE_PATH", broken)
    catalogue.catalogue_entries.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="footfall"):
            catalogue.catalogue_entries()
    finally:
        catalogue.catalogue_entries.cache_clear()


def test_an_entry_fills_the_kpi_fields(db):
    fields = catalogue_entry("parking_occupancy").kpi_fields()
    kpi = KPI(**fields)
    assert kpi.catalogue_key == "parking_occupancy"
    assert kpi.band_low == 70 and kpi.band_high == 90
