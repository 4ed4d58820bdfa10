"""The KPI catalogue shipped as data: every entry valid, the required KPIs present, starting a KPI from it."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from transformation import catalogue
from transformation.catalogue import CATALOGUE_PATH, catalogue_entries, catalogue_entry, validate_entry
from transformation.framework_refs import validate_framework_ref
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
    assert len(refs) >= 15


# The U4SSC numbers of the catalogue's KPIs as the U4SSC collection methodology and verification manual give them.
U4SSC_NUMBERS = {
    "household_internet": "EC: ICT: ICT: 1C",
    "fixed_broadband": "EC: ICT: ICT: 2C",
    "wireless_broadband": "EC: ICT: ICT: 3C",
    "wireless_coverage": "EC: ICT: ICT: 4C",
    "wifi_hotspots": "EC: ICT: ICT: 5A",
    "realtime_stops": "EC: ICT: T: 1C",
    "traffic_monitoring": "EC: ICT: T: 2C",
    "intersection_control": "EC: ICT: T: 3A",
    "open_data": "EC: ICT: PS: 1A",
    "services_online": "EC: ICT: PS: 2A",
    "e_procurement": "EC: ICT: PS: 3A",
    "bicycle_network": "EC: I: T: 3C",
    "modal_share": "EC: I: T: 4C",
    "shared_bicycles": "EC: I: T: 6A",
    "shared_vehicles": "EC: I: T: 7A",
}


def test_every_framework_reference_in_the_shipped_catalogue_is_a_valid_u4ssc_number():
    refs = {raw["key"]: raw["framework_ref"] for raw in RAW if raw.get("framework_ref")}
    invalid = {}
    for key, ref in refs.items():
        try:
            validate_framework_ref(ref)
        except ValidationError as error:
            invalid[key] = (ref, error.messages)
    assert invalid == {}
    assert refs == U4SSC_NUMBERS


@pytest.mark.parametrize("raw", RAW, ids=[entry["key"] for entry in RAW])
def test_a_u4ssc_number_named_in_a_definition_is_the_entrys_framework_reference(raw):
    named = re.findall(r"\b[A-Z]{2}: [A-Z]{1,3}: [A-Z]{1,3}: \d+[CA]\b", raw["definition"])
    assert set(named) <= {raw.get("framework_ref", "")}


@pytest.mark.parametrize(
    "ref",
    [
        "EC: ICT: ICT: 1C",
        "EC: ICT: T: 1C",
        "EC: I: T: 2A",
        "EC: P: IN: 1C",
        "EN: EN: AQ: 1C",
        "EN: EN: PSN: 2C",
        "EN: E: E: 1C",
        "SC: EH: ED: 1C",
        "SC: SH: SA: 10A",
    ],
)
def test_real_u4ssc_numbers_are_accepted(ref):
    validate_framework_ref(ref)


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("ICT 5", "for example EC: ICT: T: 1C"),
        ("EC: ICT: T: 1", "for example"),  # no core/advanced letter
        ("EC: ICT: T: 1B", "for example"),
        ("EC: ICT: T: 01C", "for example"),
        ("EC: ICT: T: 100C", "for example"),
        ("EC: ICT: TRAN: 1C", "for example"),
        ("EC:ICT:T:1C", "for example"),
        ("ec: ict: t: 1c", "for example"),
        (" EC: ICT: T: 1C", "for example"),
        ("EC: ICT: T: 1C\n", "for example"),
        ("EC: ICT: T: 1C; EN: E: E: 1C", "for example"),
        ("XX: ICT: T: 1C", "“XX” is not a U4SSC dimension"),
        ("EC: EN: AQ: 1C", "“EN” is not a sub-dimension of the U4SSC dimension EC: use ICT, P, I."),
        ("SC: ICT: T: 1C", "use EH, SH"),
    ],
)
def test_garbage_is_rejected_with_a_message_that_says_what_is_wrong(ref, words):
    assert words in message_for(ref, "en")


def message_for(ref: str, language: str) -> str:
    """The validator's message for ``ref``, read in ``language`` (the messages are lazy)."""
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            validate_framework_ref(ref)
        return error.value.messages[0]


def test_the_framework_reference_error_is_translated():
    german, english = message_for("ICT 5", "de"), message_for("ICT 5", "en")
    assert german != english
    assert german.startswith("Geben Sie eine U4SSC-KPI-Nummer ein") and "EC: I: T: 2A" in german
    assert english.startswith("Enter a U4SSC KPI number")
    sub = message_for("EC: EN: AQ: 1C", "de")
    assert sub == "„EN“ ist keine Unterdimension der U4SSC-Dimension EC: Verwenden Sie ICT, P, I."


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
