"""KPI pages: list with status and rule, forms with clear errors, detail with chart, table and footfall."""

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext

from concept import services as concept_services
from tests.evaluation.factories import make_survey
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory, footfall_day
from transformation.models import KPI, DataImport, FootfallDay, Measurement

pytestmark = pytest.mark.django_db

VIEW = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDIT_PAGE = {**VIEW, "stakeholder": FORBIDDEN}
EDIT_POST = {**EDIT_PAGE, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}


def url(world, name, **kwargs):
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


def rolled_back(client_as):
    """A client factory that undoes the previous role's POST, so every role meets the same state."""
    state = {}

    def make(role):
        if "sid" in state:
            transaction.savepoint_rollback(state["sid"])
        state["sid"] = transaction.savepoint()
        return client_as(role)

    return make


@pytest.fixture
def kpi(world):
    kpi = KPIFactory(
        programme=world.programme,
        code="WIFI",
        name_de="Öffentliche WLAN-Hotspots",
        name_en="Public Wi-Fi hotspots",
        unit="Anzahl",
        baseline_value=Decimal("10"),
        baseline_date=date(2025, 1, 1),
        targets=[(date(2026, 1, 1), 20)],
    )
    MeasurementFactory(
        kpi=kpi, period_start=date(2025, 7, 1), period_end=date(2025, 7, 1), value=Decimal("16")
    )
    return kpi


@pytest.fixture
def measurement(kpi):
    return kpi.measurements.get()


# ---------------------------------------------------------------------------------------------- permissions


@pytest.mark.parametrize("name", ["kpi_list", "kpi_detail"])
def test_everyone_in_the_programme_reads_the_kpi_pages(client_as, world, kpi, name):
    kwargs = {"pk": kpi.pk} if name == "kpi_detail" else {}
    check_matrix(client_as, url(world, name, **kwargs), VIEW)


@pytest.mark.parametrize("name", ["kpi_create", "kpi_edit", "kpi_measurement_create", "kpi_measurement_edit"])
def test_only_members_and_leads_open_the_kpi_forms(client_as, world, kpi, measurement, name):
    kwargs = {
        "kpi_create": {},
        "kpi_edit": {"pk": kpi.pk},
        "kpi_measurement_create": {"pk": kpi.pk},
        "kpi_measurement_edit": {"pk": kpi.pk, "measurement": measurement.pk},
    }[name]
    check_matrix(client_as, url(world, name, **kwargs), EDIT_PAGE)


@pytest.mark.parametrize("name", ["kpi_delete", "kpi_measurement_delete"])
def test_only_members_and_leads_delete(client_as, world, kpi, measurement, name):
    kwargs = {"pk": kpi.pk}
    if name == "kpi_measurement_delete":
        kwargs["measurement"] = measurement.pk
    check_matrix(rolled_back(client_as), url(world, name, **kwargs), EDIT_POST, method="post")


def test_kpis_of_another_programme_are_404(client_as, world):
    other = KPIFactory(programme=world.other_programme)
    foreign = MeasurementFactory(kpi=other)
    own = KPIFactory(programme=world.programme)
    client = client_as("lead")
    assert client.get(url(world, "kpi_detail", pk=other.pk)).status_code == NOT_FOUND
    assert client.get(url(world, "kpi_edit", pk=other.pk)).status_code == NOT_FOUND
    assert client.post(url(world, "kpi_delete", pk=other.pk)).status_code == NOT_FOUND
    edit_foreign = url(world, "kpi_measurement_edit", pk=own.pk, measurement=foreign.pk)
    assert client.get(edit_foreign).status_code == NOT_FOUND
    assert KPI.objects.filter(pk=other.pk).exists()


def test_deleting_needs_post(client_as, world, kpi):
    assert (
        client_as("lead").get(url(world, "kpi_delete", pk=kpi.pk)).status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


# ---------------------------------------------------------------------------------------------- list and detail


def test_the_list_shows_value_target_and_status_with_the_rule(client_as, world, kpi):
    response = client_as("stakeholder").get(url(world, "kpi_list"))
    html = response.content.decode()
    assert "Öffentliche WLAN-Hotspots" in html
    assert "WIFI" in html
    assert 'class="kpi-status kpi-status--on_track" title="' in html
    assert "auf Kurs" in html or "on track" in html
    assert 'id="status-rule"' in html
    assert 'id="kpi-new"' not in html  # stakeholders read only
    assert response.context["counts"]["on_track"] == 1


def test_the_list_is_available_in_english(client_as, world, kpi):
    client = client_as("member")
    response = client.get(url(world, "kpi_list"), headers={"accept-language": "en"})
    assert "Public Wi-Fi hotspots" in response.content.decode()


def test_the_overview_links_the_kpi_list(client_as, world):
    response = client_as("stakeholder").get(
        reverse("programmes:transformation", kwargs=world.programme.url_kwargs)
    )
    assert url(world, "kpi_list") in response.content.decode()


def test_the_detail_page_has_a_chart_with_a_table_and_the_explanation(client_as, world, kpi):
    response = client_as("stakeholder").get(url(world, "kpi_detail", pk=kpi.pk))
    html = response.content.decode()
    assert 'id="kpi-chart-data"' in html and 'data-kpi-source="kpi-chart-data"' in html
    assert 'id="measurements"' in html and 'id="target-path"' in html
    assert response.context["chart"]["measurements"] == [None, 16.0, None]
    assert 'id="kpi-explanation"' in html
    assert 'id="measurement-form"' not in html
    assert "<script>" not in html  # no inline script (CSP)


class _Table(HTMLParser):
    """The text of each body row of the table with the given id: a list of cell texts per row."""

    def __init__(self, table_id):
        super().__init__()
        self.table_id, self.inside, self.in_body, self.rows, self.cell = table_id, False, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("th", "td"):
            self.cell = ""

    def handle_endtag(self, tag):
        if self.in_body and tag in ("th", "td"):
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.inside = self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def table_rows(html, table_id):
    parser = _Table(table_id)
    parser.feed(html)
    return parser.rows


def test_the_target_path_table_labels_the_baseline_and_the_targets(client_as, world, kpi):
    html = client_as("stakeholder").get(url(world, "kpi_detail", pk=kpi.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert table_rows(html.content.decode(), "target-path") == [
        ["01/01/2025", "10", "Baseline"],
        ["01/01/2026", "20", "Target"],
    ]


def test_a_baseline_without_a_date_does_not_turn_the_first_target_into_the_baseline(client_as, world):
    kpi = KPIFactory(
        programme=world.programme,
        unit="%",
        baseline_value=Decimal("40"),
        baseline_date=None,
        targets=[(date(2026, 6, 30), 50), (date(2026, 12, 31), 60)],
    )
    client = client_as("member")
    english = client.get(url(world, "kpi_detail", pk=kpi.pk), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert table_rows(english, "target-path") == [
        ["06/30/2026", "50", "Target"],
        ["12/31/2026", "60", "Target"],
    ]
    german = client.get(url(world, "kpi_detail", pk=kpi.pk), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert [row[2] for row in table_rows(german, "target-path")] == ["Ziel", "Ziel"]
    assert "Ausgangswert" in german  # the baseline itself is still shown among the facts, without a date


def test_measurements_are_paginated_newest_first(client_as, world, kpi):
    for day in range(1, 61):
        MeasurementFactory(
            kpi=kpi,
            period_start=date(2024, 1, 1) + timedelta(days=day),
            period_end=date(2024, 1, 1) + timedelta(days=day),
        )
    client = client_as("member")
    first = client.get(url(world, "kpi_detail", pk=kpi.pk))
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].object_list[0].period_end == date(2025, 7, 1)
    second = client.get(url(world, "kpi_detail", pk=kpi.pk) + "?page=2")
    assert len(second.context["page"].object_list) == 11


def test_footfall_by_weekday_and_weather_for_the_footfall_kpi(client_as, world):
    kpi = KPIFactory(programme=world.programme, code="FOOTFALL", unit="Personen/Tag", frequency="daily")
    # 2025-06-02 is a Monday, 2025-06-07 a Saturday
    for location, monday, saturday in (("Markt", 1000, 3000), ("Bahnhof", 500, 1000)):
        FootfallDay.objects.create(
            programme=world.programme,
            location=location,
            date=date(2025, 6, 2),
            total=monday,
            hours=24,
            weather="sonnig",
        )
        FootfallDay.objects.create(
            programme=world.programme,
            location=location,
            date=date(2025, 6, 7),
            total=saturday,
            hours=24,
        )
    FootfallDay.objects.create(
        programme=world.other_programme, location="X", date=date(2025, 6, 2), total=9, hours=24
    )
    response = client_as("stakeholder").get(url(world, "kpi_detail", pk=kpi.pk))
    footfall = response.context["footfall"]
    assert [(r["label"], r["mean"]) for r in footfall["by_weekday"]] == [("Montag", 1500), ("Samstag", 4000)]
    weather = {r["label"]: (r["mean"], r["days"]) for r in footfall["by_weather"]}
    assert weather == {"sonnig": (750, 2), gettext("not recorded"): (2000, 2)}
    html = response.content.decode()
    assert 'id="footfall-weekday"' in html and 'id="footfall-weather"' in html


def counter_value(kpi, day, value):
    return MeasurementFactory(
        kpi=kpi, period_start=day, period_end=day, value=Decimal(value), source="counter"
    )


def test_a_kpi_bound_to_one_location_shows_only_the_days_of_that_location_it_holds(client_as, world):
    kpi = KPIFactory(programme=world.programme, code="PASSANTEN_MARKT", counter_location="Markt")
    counter_value(kpi, date(2025, 6, 2), 100)
    footfall_day(world.programme, "Markt", date(2025, 6, 2), 100, a=60, b=40)
    footfall_day(world.programme, "Bahnhof", date(2025, 6, 2), 900, a=500, b=400)
    footfall_day(world.programme, "Markt", date(2025, 6, 3), 700)  # a day the KPI holds no value for
    response = client_as("stakeholder").get(url(world, "kpi_detail", pk=kpi.pk))
    footfall = response.context["footfall"]
    assert [(r["label"], r["mean"]) for r in footfall["by_weekday"]] == [("Montag", 100)]
    assert footfall["by_location"] == [{"location": "Markt", "total": 100, "days": 1, "mean": 100}]
    assert [(r["location"], r["mean_a"], r["mean_b"], r["share_a"]) for r in footfall["by_direction"]] == [
        ("Markt", 60, 40, 60.0)
    ]
    html = response.content.decode()
    assert "Diese Kennzahl zählt nur den Standort „Markt“." in html
    plain = KPIFactory(programme=world.programme, code="OTHER")
    assert client_as("member").get(url(world, "kpi_detail", pk=plain.pk)).context["footfall"] is None


def test_footfall_by_location_and_direction_with_chart_data_and_tables(client_as, world):
    kpi = KPIFactory(programme=world.programme, code="FOOTFALL", unit="Personen/Tag", frequency="daily")
    for day in (date(2025, 6, 2), date(2025, 6, 3)):
        footfall_day(world.programme, "Marktplatz", day, 1000, a=600, b=400)
        footfall_day(world.programme, "Bahnhof", day, 300, a=100, b=200)
    footfall_day(world.programme, "Bahnhof", date(2025, 6, 4), 500)  # no direction columns that day
    DataImport.objects.create(
        programme=world.programme,
        kind="counter",
        kpi=kpi,
        file="imports/x.csv",
        original_name="x.csv",
        status="done",
        summary={"directions": ["Fußgänger Richtung links", "Fußgänger Richtung rechts"]},
    )
    response = client_as("member").get(url(world, "kpi_detail", pk=kpi.pk))
    footfall = response.context["footfall"]
    assert footfall["by_location"] == [
        {"location": "Bahnhof", "total": 1100, "days": 3, "mean": 367},
        {"location": "Marktplatz", "total": 2000, "days": 2, "mean": 1000},
    ]
    assert footfall["by_direction"] == [
        {
            "location": "Bahnhof",
            "days": 2,
            "direction_a": 200,
            "direction_b": 400,
            "mean_a": 100,
            "mean_b": 200,
            "share_a": 33.3,
            "share_b": 66.7,
        },
        {
            "location": "Marktplatz",
            "days": 2,
            "direction_a": 1200,
            "direction_b": 800,
            "mean_a": 600,
            "mean_b": 400,
            "share_a": 60.0,
            "share_b": 40.0,
        },
    ]
    assert footfall["direction_labels"] == [
        "Richtung 1 (Fußgänger Richtung links)",
        "Richtung 2 (Fußgänger Richtung rechts)",
    ]
    assert footfall["chart"]["direction"]["datasets"][0]["values"] == [100, 600]
    html = response.content.decode()
    assert table_rows(html, "footfall-location") == [
        ["Bahnhof", "367", "1100", "3"],
        ["Marktplatz", "1000", "2000", "2"],
    ]
    assert table_rows(html, "footfall-direction") == [
        ["Bahnhof", "100", "200", "33,3 %", "2"],
        ["Marktplatz", "600", "400", "60,0 %", "2"],
    ]
    assert "Richtung 1 (Fußgänger Richtung links): Mittelwert pro Tag" in html
    assert 'id="footfall-location-data"' in html and 'id="footfall-direction-data"' in html
    assert "alle Standorte des Programms" in html


def test_counter_days_without_direction_columns_say_so(client_as, world):
    kpi = KPIFactory(programme=world.programme, code="FOOTFALL")
    footfall_day(world.programme, "Markt", date(2025, 6, 2), 100)
    response = client_as("member").get(url(world, "kpi_detail", pk=kpi.pk))
    assert response.context["footfall"]["by_direction"] == []
    assert 'id="footfall-no-direction"' in response.content.decode()


# ---------------------------------------------------------------------------------------------- forms


def kpi_post(**overrides):
    data = {
        "code": "VACANCY",
        "name_de": "Leerstandsquote",
        "name_en": "Vacancy rate",
        "unit": "%",
        "direction": "lower",
        "frequency": "quarterly",
        "baseline_value": "12,5",
        "baseline_date": "2025-01-01",
        "targets_text": "2026-12-31;9\n2027-12-31;7,5",
    }
    data.update(overrides)
    return data


def test_a_member_creates_a_kpi_with_targets_and_measures(client_as, world):
    measure = concept_services.measure_create(programme=world.programme, title="Digitales Schaufenster")
    response = client_as("member").post(url(world, "kpi_create"), kpi_post(measures=[measure.pk]))
    kpi = KPI.objects.get(programme=world.programme, code="VACANCY")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url(world, "kpi_detail", pk=kpi.pk)
    assert [(t.date, t.value) for t in kpi.targets.all()] == [
        (date(2026, 12, 31), Decimal("9")),
        (date(2027, 12, 31), Decimal("7.5")),
    ]
    assert kpi.baseline_value == Decimal("12.5")
    assert list(kpi.measures.all()) == [measure]


def test_bad_targets_are_reported_by_line_and_nothing_is_lost(client_as, world):
    response = client_as("member").post(
        url(world, "kpi_create"), kpi_post(targets_text="2026-12-31;9\n31.12.2027;7\n2028-01-01;viel\n2029")
    )
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors["targets_text"]
    assert any("2" in e and "31.12.2027" in e for e in errors)
    assert any("3" in e and "viel" in e for e in errors)
    assert any("4" in e for e in errors)
    assert "31.12.2027;7" in response.content.decode()
    assert not KPI.objects.exists()


def test_two_targets_on_one_date_are_an_error(client_as, world):
    response = client_as("member").post(
        url(world, "kpi_create"), kpi_post(targets_text="2026-12-31;9\n2026-12-31;8")
    )
    assert "targets_text" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert not KPI.objects.exists()


def test_a_band_kpi_needs_its_bounds_and_a_wrong_framework_reference_is_explained(client_as, world):
    response = client_as("member").post(
        url(world, "kpi_create"), kpi_post(direction="band", framework_ref="ICT 5", targets_text="")
    )
    form = response.context["form"]
    assert response.status_code == HTTPStatus.OK
    assert "framework_ref" in form.errors
    assert form.non_field_errors() or "band_low" in form.errors or "__all__" in form.errors
    assert not KPI.objects.exists()


def test_a_duplicate_code_is_a_field_error(client_as, world, kpi):
    response = client_as("member").post(url(world, "kpi_create"), kpi_post(code="WIFI"))
    assert response.status_code == HTTPStatus.OK
    form = response.context["form"]
    assert "code" in form.errors
    assert KPI.objects.filter(programme=world.programme).count() == 1


def test_measures_and_questions_of_another_programme_cannot_be_chosen(client_as, world):
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremd")
    survey = make_survey(world.other_programme)
    question = survey.questions.get(code="grade")
    response = client_as("member").post(
        url(world, "kpi_create"),
        kpi_post(measures=[foreign.pk], source_question=question.pk, source_aggregate="mean"),
    )
    form = response.context["form"]
    assert "measures" in form.errors and "source_question" in form.errors
    assert not KPI.objects.exists()


def test_the_catalogue_prefills_the_form(client_as, world):
    response = client_as("member").get(url(world, "kpi_create") + "?catalogue=realtime_stops")
    form = response.context["form"]
    assert form.initial["code"] == "RT_STOPS"
    assert form.initial["framework_ref"] == "EC: ICT: T: 1C"
    assert form.initial["catalogue_key"] == "realtime_stops"
    assert 'id="catalogue-form"' in client_as("member").get(url(world, "kpi_list")).content.decode()


def test_editing_shows_and_replaces_the_targets(client_as, world, kpi):
    client = client_as("lead")
    form = client.get(url(world, "kpi_edit", pk=kpi.pk)).context["form"]
    assert form.initial["targets_text"] == "2026-01-01;20"
    data = {
        "code": "WIFI",
        "name_de": kpi.name_de,
        "unit": "Anzahl",
        "direction": "higher",
        "frequency": "monthly",
        "targets_text": "2027-06-30;30",
    }
    assert client.post(url(world, "kpi_edit", pk=kpi.pk), data).status_code == HTTPStatus.FOUND
    assert [(t.date, t.value) for t in kpi.targets.all()] == [(date(2027, 6, 30), Decimal("30"))]


def test_a_member_deletes_a_kpi(client_as, world, kpi):
    response = client_as("member").post(url(world, "kpi_delete", pk=kpi.pk))
    assert response["Location"] == url(world, "kpi_list")
    assert not KPI.objects.filter(pk=kpi.pk).exists()


def test_a_measurement_is_added_by_hand_with_an_evidence_file(client_as, world, kpi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("member")
    response = client.post(
        url(world, "kpi_measurement_create", pk=kpi.pk),
        {
            "period_start": "2025-08-01",
            "period_end": "2025-08-31",
            "value": "17",
            "note": "Zählung Stadtwerke",
            "evidence_url": "https://example.org/bericht",
            "evidence_file": SimpleUploadedFile(
                "beleg.pdf", b"%PDF-1.4 test", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    measurement = kpi.measurements.get(period_end=date(2025, 8, 31))
    assert measurement.source == Measurement.Source.MANUAL
    assert measurement.created_by == world.user("member")
    assert measurement.evidence_file.name.endswith(".pdf")


def test_the_evidence_file_is_a_download_for_readers_only(
    client_as, world, kpi, measurement, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    measurement.evidence_file = SimpleUploadedFile("beleg.pdf", b"%PDF-1.4 test")
    measurement.save()
    evidence = url(world, "kpi_measurement_evidence", pk=kpi.pk, measurement=measurement.pk)
    check_matrix(client_as, evidence, VIEW)
    response = client_as("stakeholder").get(evidence)
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert evidence in client_as("stakeholder").get(url(world, "kpi_detail", pk=kpi.pk)).content.decode()
    without = MeasurementFactory(kpi=kpi)
    missing = url(world, "kpi_measurement_evidence", pk=kpi.pk, measurement=without.pk)
    assert client_as("member").get(missing).status_code == NOT_FOUND


def test_an_evidence_file_of_a_risky_type_is_refused(client_as, world, kpi, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_as("member").post(
        url(world, "kpi_measurement_create", pk=kpi.pk),
        {
            "period_start": "2025-08-01",
            "period_end": "2025-08-31",
            "value": "17",
            "evidence_file": SimpleUploadedFile(
                "seite.html", b"<script>alert(1)</script>", content_type="text/html"
            ),
        },
    )
    assert "evidence_file" in response.context["form"].errors
    assert kpi.measurements.count() == 1


def test_a_second_value_for_a_period_and_a_reversed_period_are_field_errors(client_as, world, kpi):
    client = client_as("member")
    duplicate = client.post(
        url(world, "kpi_measurement_create", pk=kpi.pk),
        {"period_start": "2025-07-01", "period_end": "2025-07-01", "value": "3"},
    )
    assert "period_end" in duplicate.context["form"].errors
    reversed_period = client.post(
        url(world, "kpi_measurement_create", pk=kpi.pk),
        {"period_start": "2025-09-30", "period_end": "2025-09-01", "value": "abc"},
    )
    errors = reversed_period.context["form"].errors
    assert "period_end" in errors and "value" in errors
    assert kpi.measurements.count() == 1


def test_a_measurement_is_edited_and_deleted(client_as, world, kpi, measurement):
    client = client_as("lead")
    edit = url(world, "kpi_measurement_edit", pk=kpi.pk, measurement=measurement.pk)
    response = client.post(edit, {"period_start": "2025-07-01", "period_end": "2025-07-01", "value": "18,5"})
    assert response.status_code == HTTPStatus.FOUND
    measurement.refresh_from_db()
    assert measurement.value == Decimal("18.5")
    client.post(url(world, "kpi_measurement_delete", pk=kpi.pk, measurement=measurement.pk))
    assert not kpi.measurements.exists()


def test_only_this_programmes_grade_questions_are_offered_as_survey_source(client_as, world):
    survey = make_survey(world.programme)
    make_survey(world.other_programme)
    form = client_as("member").get(url(world, "kpi_create")).context["form"]
    codes = set(form.fields["source_question"].queryset.values_list("code", flat=True))
    assert codes == {"transport", "reasons", "grade", "agree", "nps", "spend"}
    assert all(q.survey_id == survey.pk for q in form.fields["source_question"].queryset)


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("n", [1, 50])
def test_the_list_page_costs_the_same_queries_for_1_and_50_kpis(
    client_as, world, django_assert_max_num_queries, n
):
    for index in range(n):
        kpi = KPIFactory(programme=world.programme, targets=[(date(2026, 1, 1), 20)])
        for month in range(1, 4 if index % 2 else 2):
            MeasurementFactory(kpi=kpi, period_start=date(2025, month, 1), period_end=date(2025, month, 28))
    client = client_as("member")
    client.get(url(world, "kpi_list"))
    with django_assert_max_num_queries(12):
        response = client.get(url(world, "kpi_list"))
    assert len(response.context["summaries"]) == n


@pytest.mark.parametrize("n", [1, 50])
def test_the_detail_page_costs_the_same_queries_for_1_and_50_measurements(
    client_as, world, django_assert_max_num_queries, n
):
    kpi = KPIFactory(programme=world.programme, code="FOOTFALL", targets=[(date(2026, 1, 1), 20)])
    for day in range(n):
        MeasurementFactory(
            kpi=kpi,
            period_start=date(2025, 1, 1) + timedelta(days=day),
            period_end=date(2025, 1, 1) + timedelta(days=day),
        )
        # one more location every day, counted in both directions
        footfall_day(world.programme, f"Ort {day}", date(2025, 1, 1) + timedelta(days=day), 100, a=30, b=70)
    client = client_as("member")
    client.get(url(world, "kpi_detail", pk=kpi.pk))
    with django_assert_max_num_queries(16):
        response = client.get(url(world, "kpi_detail", pk=kpi.pk))
    assert len(response.context["page"].object_list) == n
    footfall = response.context["footfall"]
    assert len(footfall["by_location"]) == n and len(footfall["by_direction"]) == n
