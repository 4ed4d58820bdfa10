"""The KPI API: CRUD with nested targets and status, bulk measurements all-or-nothing, the catalogue."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from tests.permissions import check_matrix
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory, footfall_day
from transformation.models import KPI, FootfallDay, Measurement

pytestmark = pytest.mark.django_db

READ = {"anonymous": 401, "stakeholder": 200, "member": 200, "lead": 200, "other_lead": 404, "org_admin": 200}


def rolled_back(factory):
    state = {}

    def make(role):
        if "sid" in state:
            transaction.savepoint_rollback(state["sid"])
        state["sid"] = transaction.savepoint()
        return factory(role)

    return make


@pytest.fixture
def kpi(world):
    kpi = KPIFactory(programme=world.programme, code="WIFI", targets=[(date(2026, 1, 1), 20)])
    MeasurementFactory(
        kpi=kpi, period_start=date(2025, 7, 1), period_end=date(2025, 7, 31), value=Decimal("16")
    )
    return kpi


def detail(kpi):
    return reverse("api:kpi-detail", kwargs={"pk": kpi.pk})


def measurements_url(kpi):
    return reverse("api:kpi-measurements", kwargs={"pk": kpi.pk})


def footfall_url(kpi):
    return reverse("api:kpi-footfall", kwargs={"pk": kpi.pk})


# ---------------------------------------------------------------------------------------------- permissions


def test_read_matrix(api_as, kpi):
    check_matrix(api_as, detail(kpi), READ)
    check_matrix(api_as, measurements_url(kpi), READ)
    check_matrix(api_as, footfall_url(kpi), READ)
    check_matrix(api_as, reverse("api:kpi-list"), {**READ, "other_lead": 200})
    check_matrix(api_as, reverse("api:kpi-catalogue-list"), {**READ, "other_lead": 200})


def test_write_matrix(api_as, world, kpi):
    write = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(
        rolled_back(api_as), detail(kpi), write, method="patch", data={"unit": "Stück"}, format="json"
    )
    created = {**write, "member": 201, "lead": 201, "org_admin": 201, "other_lead": 400}
    body = {
        "programme": world.programme.pk,
        "code": "NEW",
        "name_de": "Neu",
        "unit": "%",
        "direction": "higher",
        "frequency": "monthly",
    }
    check_matrix(
        rolled_back(api_as), reverse("api:kpi-list"), created, method="post", data=body, format="json"
    )
    bulk = [{"period_start": "2025-08-01", "period_end": "2025-08-31", "value": "17"}]
    check_matrix(
        rolled_back(api_as),
        measurements_url(kpi),
        created | {"other_lead": 404},
        method="post",
        data=bulk,
        format="json",
    )


def test_delete_matrix(api_as, kpi):
    deleted = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 204,
        "lead": 204,
        "other_lead": 404,
        "org_admin": 204,
    }
    check_matrix(rolled_back(api_as), detail(kpi), deleted, method="delete")


def test_a_kpi_of_another_programme_is_404(api_as, world):
    other = KPIFactory(programme=world.other_programme)
    api = api_as("lead")
    assert api.get(detail(other)).status_code == 404
    assert api.post(measurements_url(other), [], format="json").status_code == 404
    assert KPI.objects.filter(pk=other.pk).exists()


# ---------------------------------------------------------------------------------------------- KPIs


def test_a_kpi_is_created_with_nested_targets_and_answers_its_status(api_as, world):
    body = {
        "programme": world.programme.pk,
        "code": "VACANCY",
        "name_de": "Leerstandsquote",
        "name_en": "Vacancy rate",
        "unit": "%",
        "direction": "lower",
        "frequency": "quarterly",
        "baseline_value": "12.5",
        "baseline_date": "2025-01-01",
        "framework_ref": "",
        "targets": [{"date": "2027-12-31", "value": "7"}, {"date": "2026-12-31", "value": "9"}],
    }
    response = api_as("member").post(reverse("api:kpi-list"), body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [t["date"] for t in data["targets"]] == ["2026-12-31", "2027-12-31"]
    assert data["status"]["status"] == "no_data"
    kpi = KPI.objects.get(pk=data["id"])
    assert kpi.targets.count() == 2


def test_field_errors_are_named(api_as, world, kpi):
    body = {
        "programme": world.programme.pk,
        "code": "WIFI",
        "name_de": "Doppelt",
        "unit": "%",
        "direction": "band",
        "frequency": "hourly",
        "framework_ref": "ICT 5",
        "targets": [{"date": "2026-01-01", "value": "1"}, {"date": "2026-01-01", "value": "2"}],
    }
    response = api_as("member").post(reverse("api:kpi-list"), body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"frequency", "framework_ref"} <= set(errors)


def test_band_without_bounds_and_duplicate_code_are_400(api_as, world, kpi):
    api = api_as("member")
    base = {"programme": world.programme.pk, "name_de": "X", "unit": "%", "frequency": "monthly"}
    band = api.post(reverse("api:kpi-list"), {**base, "code": "BAND", "direction": "band"}, format="json")
    assert band.status_code == 400
    duplicate = api.post(
        reverse("api:kpi-list"), {**base, "code": "WIFI", "direction": "higher"}, format="json"
    )
    assert duplicate.status_code == 400
    assert KPI.objects.filter(programme=world.programme).count() == 1


def test_a_kpi_cannot_move_to_another_programme(api_as, world, kpi):
    world.other_programme.memberships.create(user=world.user("lead"), role="lead")
    response = api_as("lead").patch(detail(kpi), {"programme": world.other_programme.pk}, format="json")
    assert response.status_code == 400
    kpi.refresh_from_db()
    assert kpi.programme == world.programme


def test_the_list_filters_by_programme_and_carries_the_status(api_as, world, kpi):
    world.other_programme.memberships.create(user=world.user("lead"), role="lead")
    KPIFactory(programme=world.other_programme)
    api = api_as("lead")
    assert api.get(reverse("api:kpi-list")).json()["count"] == 2
    response = api.get(reverse("api:kpi-list"), {"programme": world.programme.pk})
    results = response.json()["results"]
    assert [r["code"] for r in results] == ["WIFI"]
    assert results[0]["status"]["latest_value"] == "16.0000"
    assert results[0]["status"]["status"] in {"on_track", "at_risk", "off_track"}
    assert api.get(reverse("api:kpi-list"), {"programme": "99999999999999999999"}).status_code == 400


def test_the_catalogue_lists_every_entry(api_as):
    data = api_as("stakeholder").get(reverse("api:kpi-catalogue-list")).json()
    assert len(data) >= 25
    footfall = next(e for e in data if e["key"] == "footfall")
    assert footfall["code"] == "FOOTFALL" and footfall["name_en"] == "Footfall"


# ---------------------------------------------------------------------------------------------- measurements


def test_a_list_of_measurements_is_created_at_once(api_as, kpi):
    body = [
        {"period_start": "2025-08-01", "period_end": "2025-08-31", "value": "17", "note": "Stadtwerke"},
        {"period_start": "2025-09-01", "period_end": "2025-09-30", "value": "18.5"},
    ]
    response = api_as("member").post(measurements_url(kpi), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2 and response.json()["replaced"] == 0
    assert kpi.measurements.count() == 3
    assert set(kpi.measurements.values_list("source", flat=True)) == {"manual", "api"}


def test_one_bad_item_saves_nothing_and_names_its_errors(api_as, kpi):
    body = [
        {"period_start": "2025-08-01", "period_end": "2025-08-31", "value": "17"},
        {"period_start": "2025-09-01", "period_end": "2025-09-30", "value": "viel"},
        {"period_start": "2025-10-31", "period_end": "2025-10-01", "value": "3"},
    ]
    response = api_as("member").post(measurements_url(kpi), body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {}
    assert set(errors[1]) == {"value"}
    assert kpi.measurements.count() == 1
    body[1]["value"] = "18"
    response = api_as("member").post(measurements_url(kpi), body, format="json")
    assert response.status_code == 400
    assert response.json()[:2] == [{}, {}] and set(response.json()[2]) == {"period_end"}
    assert kpi.measurements.count() == 1


def test_the_same_period_twice_in_one_batch_is_an_error(api_as, kpi):
    item = {"period_start": "2025-08-01", "period_end": "2025-08-31", "value": "17"}
    response = api_as("member").post(measurements_url(kpi), [item, {**item, "value": "18"}], format="json")
    assert response.status_code == 400
    assert response.json()[0] == {} and "period_end" in response.json()[1]


def test_an_existing_period_is_replaced(api_as, kpi):
    item = {"period_start": "2025-07-01", "period_end": "2025-07-31", "value": "15.5", "note": "korrigiert"}
    response = api_as("member").post(measurements_url(kpi), item, format="json")
    assert response.status_code == 201
    assert response.json()["replaced"] == 1
    measurement = kpi.measurements.get()
    assert (measurement.value, measurement.note) == (Decimal("15.5"), "korrigiert")


def test_a_single_bad_object_answers_a_plain_error_object(api_as, kpi):
    response = api_as("member").post(measurements_url(kpi), {"period_start": "2025-08-01"}, format="json")
    assert response.status_code == 400
    assert {"period_end", "value"} <= set(response.json())


def test_an_empty_or_odd_body_is_400(api_as, kpi):
    api = api_as("member")
    assert api.post(measurements_url(kpi), [], format="json").status_code == 400
    assert api.post(measurements_url(kpi), "17", format="json").status_code == 400


# ---------------------------------------------------------------------------------------------- footfall


def counted(world, kpi, location, day, total, a=None, b=None):
    footfall_day(world.programme, location, day, total, a=a, b=b)
    Measurement.objects.update_or_create(
        kpi=kpi, period_start=day, period_end=day, defaults={"value": Decimal(total), "source": "counter"}
    )


def test_the_footfall_of_a_kpi_by_weekday_weather_location_and_direction(api_as, world):
    kpi = KPIFactory(programme=world.programme, code="PASSANTEN_MARKT", counter_location="Markt")
    counted(world, kpi, "Markt", date(2025, 6, 2), 100, a=70, b=30)  # a Monday
    counted(world, kpi, "Markt", date(2025, 6, 7), 300, a=150, b=150)  # a Saturday
    FootfallDay.objects.create(  # another location: outside the KPI's scope
        programme=world.programme, location="Bahnhof", date=date(2025, 6, 2), total=999, hours=24
    )
    data = api_as("stakeholder").get(footfall_url(kpi), HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["location"] == "Markt"
    assert data["by_weekday"] == [
        {"weekday": 1, "label": "Monday", "mean": 100, "days": 1},
        {"weekday": 6, "label": "Saturday", "mean": 300, "days": 1},
    ]
    assert data["by_weather"] == [{"weather": "", "label": "not recorded", "mean": 200, "days": 2}]
    assert data["by_location"] == [{"location": "Markt", "total": 400, "days": 2, "mean": 200}]
    assert data["by_direction"] == [
        {
            "location": "Markt",
            "days": 2,
            "direction_a": 220,
            "direction_b": 180,
            "mean_a": 110,
            "mean_b": 90,
            "share_a": 55.0,
            "share_b": 45.0,
        }
    ]
    assert data["direction_labels"] == ["Direction 1", "Direction 2"]
    detail_data = api_as("member").get(detail(kpi)).json()
    assert detail_data["counter_location"] == "Markt"


def test_a_kpi_without_counter_data_has_empty_footfall(api_as, kpi):
    data = api_as("member").get(footfall_url(kpi)).json()
    assert data["by_location"] == [] and data["by_direction"] == [] and data["location"] == ""


@pytest.mark.parametrize("n", [1, 30])
def test_the_footfall_costs_the_same_queries_for_1_and_30_locations(
    api_as, world, django_assert_max_num_queries, n
):
    kpi = KPIFactory(programme=world.programme, code="FOOTFALL")
    for index in range(n):
        for day in range(3):
            footfall_day(
                world.programme,
                f"Ort {index}",
                date(2025, 6, 2) + timedelta(days=day),
                100,
                a=40,
                b=60,
                weather=["Regen", "Klar"][day % 2],
            )
    api = api_as("member")
    with django_assert_max_num_queries(10):
        response = api.get(footfall_url(kpi))
    assert len(response.json()["by_direction"]) == n


# ---------------------------------------------------------------------------------------------- query counts


@pytest.mark.parametrize("n", [1, 50])
def test_the_kpi_list_costs_the_same_queries_for_1_and_50(api_as, world, django_assert_max_num_queries, n):
    for _index in range(n):
        kpi = KPIFactory(programme=world.programme, targets=[(date(2026, 1, 1), 20), (date(2027, 1, 1), 30)])
        MeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), period_end=date(2025, 1, 31))
    api = api_as("member")
    with django_assert_max_num_queries(10):
        response = api.get(reverse("api:kpi-list"))
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 50])
def test_the_measurement_list_costs_the_same_queries_for_1_and_50(
    api_as, world, django_assert_max_num_queries, n
):
    kpi = KPIFactory(programme=world.programme)
    Measurement.objects.bulk_create(
        [
            Measurement(
                kpi=kpi,
                period_start=date(2025, 1, 1) + timedelta(days=d),
                period_end=date(2025, 1, 1) + timedelta(days=d),
                value=Decimal(d),
            )
            for d in range(n)
        ]
    )
    api = api_as("member")
    with django_assert_max_num_queries(8):
        response = api.get(measurements_url(kpi))
    assert response.json()["count"] == n


def test_links_to_another_programme_are_refused(api_as, world):
    from concept import services as concept_services
    from tests.evaluation.factories import make_survey

    foreign_measure = concept_services.measure_create(programme=world.other_programme, title="Fremd")
    foreign_question = make_survey(world.other_programme).questions.get(code="grade")
    body = {
        "programme": world.programme.pk,
        "code": "X",
        "name_de": "X",
        "unit": "%",
        "direction": "higher",
        "frequency": "monthly",
        "measures": [foreign_measure.pk],
        "source_question": foreign_question.pk,
        "source_aggregate": "mean",
    }
    response = api_as("member").post(reverse("api:kpi-list"), body, format="json")
    assert response.status_code == 400
    assert {"measures", "source_question"} <= set(response.json())
    assert not KPI.objects.exists()
