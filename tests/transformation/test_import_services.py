"""Import services: check with preview, apply all-or-nothing, counter re-imports replace, never duplicate."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.transformation.factories_imports import counter_csv, upload
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation import import_services
from transformation.models import DataImport, FootfallDay, Measurement
from transformation.services import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the catalogues may be compiled, and German is the default)."""
    with translation.override("en"):
        yield


@pytest.fixture
def footfall(world):
    return KPIFactory(programme=world.programme, code="FOOTFALL", unit="persons/day", frequency="daily")


def checked(world, kind, file, kpi=None):
    data_import = import_services.data_import_create(
        programme=world.programme, kind=kind, file=file, kpi=kpi, user=world.user("member")
    )
    return import_services.data_import_check(data_import=data_import)


def imported(world, kind, file, kpi=None):
    data_import = checked(world, kind, file, kpi)
    assert data_import.status == DataImport.Status.READY, data_import.errors
    return import_services.data_import_apply(data_import=data_import)


def test_create_queues_the_check_once_committed(world, footfall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        data_import = import_services.data_import_create(
            programme=world.programme,
            kind="counter",
            file=upload("counter_de_latin1.csv"),
            kpi=footfall,
            user=world.user("member"),
        )
    assert len(callbacks) == 1
    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.READY
    assert data_import.progress == 100 and data_import.encoding == "iso-8859-1"
    assert data_import.preview["groups"] == [
        {"label": "Bahnhofstraße", "count": 1},
        {"label": "Marktplatz", "count": 2},
    ]
    assert data_import.preview["date_from"] == "2022-07-01" and data_import.preview["date_to"] == "2022-07-02"


def test_create_refuses_a_counter_import_without_kpi_or_with_another_programmes_kpi(world):
    with pytest.raises(ValidationError) as raised:
        import_services.data_import_create(
            programme=world.programme, kind="counter", file=upload("counter_de_latin1.csv")
        )
    assert "kpi" in raised.value.error_dict
    foreign = KPIFactory(programme=world.other_programme)
    with pytest.raises(ValidationError) as raised:
        import_services.data_import_create(
            programme=world.programme, kind="counter", file=upload("counter_de_latin1.csv"), kpi=foreign
        )
    assert "kpi" in raised.value.error_dict


def test_create_refuses_a_file_of_the_wrong_type(world, footfall):
    with pytest.raises(ValidationError) as raised:
        import_services.data_import_create(
            programme=world.programme, kind="counter", file=upload("generic.xlsx"), kpi=footfall
        )
    assert "file" in raised.value.error_dict


def test_counter_import_writes_footfall_days_and_daily_kpi_values(world, footfall):
    data_import = imported(world, "counter", upload("counter_de_latin1.csv"), footfall)
    assert data_import.status == DataImport.Status.DONE and data_import.progress == 100
    day = FootfallDay.objects.get(location="Marktplatz", date=date(2022, 7, 1))
    assert (day.total, day.hours, day.weather, day.temperature) == (40, 3, "Klar", Decimal("17.3"))
    assert (day.direction_a, day.direction_b, day.adults, day.children) == (21, 19, 37, 3)
    values = dict(Measurement.objects.filter(kpi=footfall).values_list("period_start", "value"))
    assert values == {date(2022, 7, 1): Decimal("2340"), date(2022, 7, 2): Decimal("30")}
    assert set(Measurement.objects.values_list("source", flat=True)) == {"counter"}
    assert data_import.summary["replaced"] == 0 and data_import.summary["footfall_days"] == 3
    assert data_import.summary["kpi"] == {"id": footfall.pk, "code": "FOOTFALL"}


def test_reimporting_an_overlapping_period_replaces_and_never_duplicates(world, footfall):
    imported(world, "counter", upload("a.csv", counter_csv(days=3, count=lambda loc, t: 10)), footfall)
    imported(world, "counter", upload("b.csv", counter_csv(locations=("Bahnhof",), days=3)), footfall)
    second = imported(
        world,
        "counter",
        upload("c.csv", counter_csv(start=date(2022, 7, 2), days=3, count=lambda loc, t: 20)),
        footfall,
    )
    assert FootfallDay.objects.filter(location="Marktplatz").count() == 4  # 1–4 July, no duplicates
    totals = dict(FootfallDay.objects.filter(location="Marktplatz").values_list("date", "total"))
    assert totals == {
        date(2022, 7, 1): 240,
        date(2022, 7, 2): 480,
        date(2022, 7, 3): 480,
        date(2022, 7, 4): 480,
    }
    values = dict(Measurement.objects.filter(kpi=footfall).values_list("period_start", "value"))
    # The KPI is the sum over all locations counted that day: Bahnhof (240 a day, 1–3 July) stays counted.
    assert values == {
        date(2022, 7, 1): Decimal("480"),
        date(2022, 7, 2): Decimal("720"),
        date(2022, 7, 3): Decimal("720"),
        date(2022, 7, 4): Decimal("480"),
    }
    assert second.summary["replaced"] == 2 and second.summary["created"] == 1


def test_a_file_with_errors_fails_the_check_and_writes_nothing(world, footfall):
    data_import = checked(world, "counter", upload("counter_errors.csv"), footfall)
    assert data_import.status == DataImport.Status.FAILED
    assert [(e["row"], e["column"]) for e in data_import.errors] == [
        (2, "Fußgänger insgesamt"),
        (3, "Zeitpunkt der Messung"),
        (4, "Temperatur in ºc"),
    ]
    with pytest.raises(ConflictError):
        import_services.data_import_apply(data_import=data_import)
    assert not FootfallDay.objects.exists() and not Measurement.objects.exists()


def test_a_header_error_fails_the_check(world, footfall):
    data_import = checked(world, "counter", upload("counter_no_total.csv"), footfall)
    assert data_import.status == DataImport.Status.FAILED
    assert data_import.errors[0]["row"] == 1


def test_apply_is_all_or_nothing_when_the_database_refuses_a_row(world, footfall, monkeypatch):
    data_import = checked(world, "counter", upload("counter_de_latin1.csv"), footfall)
    from django.db import IntegrityError

    from transformation.models import Measurement as MeasurementModel

    real = MeasurementModel.objects.bulk_create

    def broken(*args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(MeasurementModel.objects, "bulk_create", broken)
    data_import = import_services.data_import_apply(data_import=data_import)
    monkeypatch.setattr(MeasurementModel.objects, "bulk_create", real)
    assert data_import.status == DataImport.Status.FAILED
    assert "nothing was imported" in data_import.errors[-1]["message"]
    assert not FootfallDay.objects.exists()  # the footfall rows written first were rolled back


def test_generic_import_creates_and_replaces_measurements(world):
    foot = KPIFactory(programme=world.programme, code="FOOT")
    vac = KPIFactory(programme=world.programme, code="VAC")
    KPIFactory(programme=world.programme, code="NPS")
    MeasurementFactory(
        kpi=vac, period_start=date(2024, 1, 1), period_end=date(2024, 3, 31), value=Decimal("9")
    )
    data_import = imported(world, "generic", upload("generic_de.csv"))
    assert data_import.summary["created"] == 3 and data_import.summary["replaced"] == 1
    quarter = Measurement.objects.get(kpi=vac, period_start=date(2024, 1, 1), period_end=date(2024, 3, 31))
    assert quarter.value == Decimal("7.25") and quarter.source == "import"
    assert quarter.data_import == data_import and quarter.note == "Leerstand"
    assert Measurement.objects.get(kpi=foot).value == Decimal("1234.5")
    assert Measurement.objects.count() == 4


def test_generic_import_of_an_xlsx_file(world):
    for code in ("FOOT", "VAC", "NPS"):
        KPIFactory(programme=world.programme, code=code)
    data_import = imported(world, "generic", upload("generic.xlsx"))
    assert data_import.summary["measurements"] == 3


def test_generic_import_reports_unknown_kpi_codes_and_writes_nothing(world):
    KPIFactory(programme=world.programme, code="FOOT")
    KPIFactory(programme=world.other_programme, code="VAC")  # another programme's KPI does not count
    data_import = checked(world, "generic", upload("generic_de.csv"))
    assert data_import.status == DataImport.Status.FAILED
    assert {(e["row"], e["column"]) for e in data_import.errors} == {(3, "kpi"), (4, "kpi"), (5, "kpi")}
    assert not Measurement.objects.exists()


def test_apply_twice_is_refused(world, footfall):
    data_import = imported(world, "counter", upload("counter_de_latin1.csv"), footfall)
    with pytest.raises(ConflictError):
        import_services.data_import_apply(data_import=data_import)


def test_cancel_a_ready_import(world, footfall):
    data_import = checked(world, "counter", upload("counter_de_latin1.csv"), footfall)
    import_services.data_import_cancel(data_import=data_import)
    assert data_import.status == DataImport.Status.CANCELLED
    with pytest.raises(ConflictError):
        import_services.data_import_start(data_import=data_import)


def test_a_task_that_breaks_marks_the_import_failed(world, footfall, monkeypatch):
    from transformation import import_tasks

    data_import = import_services.data_import_create(
        programme=world.programme, kind="counter", file=upload("counter_de_latin1.csv"), kpi=footfall
    )

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(import_services, "data_import_check", boom)
    assert import_tasks.check_import(data_import.pk) == DataImport.Status.FAILED
    data_import.refresh_from_db()
    assert "internal error" in data_import.errors[-1]["message"]
    assert import_tasks.check_import(999999) is None


def test_progress_is_reported_while_a_large_file_is_checked(world, footfall, monkeypatch):
    seen = []
    real = import_services._set_progress

    def spy(data_import, value, **fields):
        seen.append(value)
        real(data_import, value, **fields)

    monkeypatch.setattr(import_services, "_set_progress", spy)
    checked(world, "counter", upload("big.csv", counter_csv(locations=("A", "B", "C"), days=100)), footfall)
    assert seen[0] == 0 and seen[-1] == 100
    assert any(0 < value < 100 for value in seen)


def test_enqueue_apply_starts_once_and_queues_the_task_only_after_commit(
    world, footfall, django_capture_on_commit_callbacks
):
    data_import = checked(world, "counter", upload("counter_de_latin1.csv"), footfall)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_services.data_import_enqueue_apply(data_import=data_import)
    assert DataImport.objects.get(pk=data_import.pk).status == DataImport.Status.IMPORTING
    assert len(callbacks) == 1 and not FootfallDay.objects.exists()  # nothing written before the commit
    with pytest.raises(ConflictError), django_capture_on_commit_callbacks(execute=True) as again:
        import_services.data_import_enqueue_apply(data_import=data_import)
    assert again == []
    callbacks[0]()  # the commit: the worker runs the apply task
    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.DONE and FootfallDay.objects.count() == 3


def test_the_page_and_the_api_apply_through_the_same_service(
    client_as, api_as, world, footfall, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    calls = []
    real = import_services.data_import_enqueue_apply

    def spy(*, data_import):
        calls.append(data_import.pk)
        return real(data_import=data_import)

    monkeypatch.setattr(import_services, "data_import_enqueue_apply", spy)
    by_page = checked(world, "counter", upload("counter_de_latin1.csv"), footfall)
    by_api = checked(world, "counter", upload("counter_de_latin1.csv"), footfall)
    page_url = reverse(
        "programmes:transformation:import_apply", kwargs={**world.programme.url_kwargs, "pk": by_page.pk}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_as("member").post(page_url)
        api_as("member").post(reverse("api:data-import-apply", kwargs={"pk": by_api.pk}))
    assert calls == [by_page.pk, by_api.pk]
    assert set(DataImport.objects.values_list("status", flat=True)) == {DataImport.Status.DONE}


# --- Counter locations: one KPI per location, or all locations --------------------------------------------------


def imported_for(world, file, kpi, location):
    data_import = import_services.data_import_create(
        programme=world.programme,
        kind="counter",
        file=file,
        kpi=kpi,
        user=world.user("member"),
        location=location,
    )
    import_services.data_import_check(data_import=data_import)
    assert data_import.status == DataImport.Status.READY, data_import.errors
    return import_services.data_import_apply(data_import=data_import)


def values(kpi):
    return dict(Measurement.objects.filter(kpi=kpi).values_list("period_start", "value"))


def test_a_kpi_per_location_and_one_for_all_stay_in_step_when_a_day_is_imported_again(world, footfall):
    both = counter_csv(locations=("Marktplatz", "Bahnhof"), days=3, count=lambda loc, t: 10)
    first = imported_for(world, upload("all.csv", both), footfall, "")
    assert first.summary["directions"] == ["Fußgänger Richtung links", "Fußgänger Richtung rechts"]
    markt = KPIFactory(programme=world.programme, code="MARKT", frequency="daily")
    imported_for(
        world, upload("markt.csv", counter_csv(days=3, count=lambda loc, t: 10)), markt, "Marktplatz"
    )
    markt.refresh_from_db()
    assert markt.counter_location == "Marktplatz"
    assert values(markt) == {date(2022, 7, d): Decimal("240") for d in (1, 2, 3)}
    assert values(footfall) == {date(2022, 7, d): Decimal("480") for d in (1, 2, 3)}

    # A corrected export of Marktplatz for 2–3 July, imported for the all-locations KPI
    corrected = counter_csv(start=date(2022, 7, 2), days=2, count=lambda loc, t: 20)
    again = imported_for(world, upload("fix.csv", corrected), footfall, "")
    assert values(footfall) == {
        date(2022, 7, 1): Decimal("480"),
        date(2022, 7, 2): Decimal("720"),
        date(2022, 7, 3): Decimal("720"),
    }
    # The Marktplatz KPI holds the corrected counts too, still one value per day
    assert values(markt) == {
        date(2022, 7, 1): Decimal("240"),
        date(2022, 7, 2): Decimal("480"),
        date(2022, 7, 3): Decimal("480"),
    }
    assert again.summary["other_kpis"] == ["MARKT"] and again.summary["replaced"] == 2
    assert FootfallDay.objects.count() == 6


def test_choosing_another_location_recomputes_the_kpis_earlier_values(world, footfall):
    both = counter_csv(locations=("Marktplatz", "Bahnhof"), days=3, count=lambda loc, t: 10)
    imported_for(world, upload("all.csv", both), footfall, None)  # omitted: the KPI's choice, all locations
    footfall.refresh_from_db()
    assert footfall.counter_location == ""

    bahnhof = counter_csv(locations=("Bahnhof",), start=date(2022, 7, 3), days=2, count=lambda loc, t: 5)
    data_import = import_services.data_import_create(
        programme=world.programme,
        kind="counter",
        file=upload("b.csv", bahnhof),
        kpi=footfall,
        location="Bahnhof",
    )
    import_services.data_import_check(data_import=data_import)
    assert data_import.preview["scope"] == {"location": "Bahnhof", "previous": "", "recomputed": 3}
    import_services.data_import_apply(data_import=data_import)
    assert values(footfall) == {
        date(2022, 7, 1): Decimal("240"),
        date(2022, 7, 2): Decimal("240"),
        date(2022, 7, 3): Decimal("120"),
        date(2022, 7, 4): Decimal("120"),
    }

    # Back to Marktplatz, which was never counted on 4 July: that day's value goes
    markt_day = counter_csv(days=1, count=lambda loc, t: 10)
    last = imported_for(world, upload("m.csv", markt_day), footfall, "Marktplatz")
    assert values(footfall) == {date(2022, 7, d): Decimal("240") for d in (1, 2, 3)}
    assert last.summary["removed"] == 1 and last.summary["location"] == "Marktplatz"


def test_an_omitted_location_keeps_the_kpis_choice(world, footfall):
    footfall.counter_location = "Marktplatz"
    footfall.save()
    data_import = import_services.data_import_create(
        programme=world.programme, kind="counter", file=upload("counter_de_latin1.csv"), kpi=footfall
    )
    assert data_import.location == "Marktplatz"


def test_a_survey_fed_kpi_takes_no_counts(world):
    from tests.evaluation.factories import make_survey

    question = make_survey(world.programme).questions.get(code="grade")
    kpi = KPIFactory(programme=world.programme, source_question=question, source_aggregate="mean")
    with pytest.raises(ValidationError) as raised:
        import_services.data_import_create(
            programme=world.programme,
            kind="counter",
            file=upload("counter_de_latin1.csv"),
            kpi=kpi,
            location="",
        )
    assert raised.value.message_dict["kpi"] == [
        "This KPI is fed by a survey; choose another KPI for the counts."
    ]
