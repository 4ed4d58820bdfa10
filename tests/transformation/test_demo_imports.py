"""The demo counter import: a believable synthetic export that goes through the real pipeline, idempotent."""

import io
import time
from datetime import date, timedelta

import pytest
from django.db.models import Avg, Sum
from django.utils import timezone

from programmes.demo import DemoContext, registered_demo_steps
from transformation import importers
from transformation.demo_imports import FILE_NAME, WEEKDAY_FACTOR, counter_export, seed_imports
from transformation.demo_kpis import seed_kpis
from transformation.models import KPI, DataImport, FootfallDay, Measurement

pytestmark = pytest.mark.django_db


def demo_context(world):
    return DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"member": world.user("member")},
        log=lambda message: None,
    )


def test_demo_import_step_runs_after_the_kpi_step():
    steps = registered_demo_steps()
    assert steps.index(seed_kpis) < steps.index(seed_imports)


def test_the_synthetic_export_has_saturday_peaks_quiet_sundays_and_rain_dips():
    result = importers.parse_counter(io.BytesIO(counter_export(end=date(2025, 6, 30), days=140)), "x.csv")
    assert result.errors == [] and result.encoding == "iso-8859-1"
    by_weekday: dict[int, list[int]] = {}
    rain, dry = [], []
    for day in result.records:
        by_weekday.setdefault(day.date.weekday(), []).append(day.total)
        (rain if day.weather == "Regen" else dry).append(day.total / WEEKDAY_FACTOR[day.date.weekday()])
    mean = {weekday: sum(values) / len(values) for weekday, values in by_weekday.items()}
    assert mean[5] == max(mean.values()) and mean[6] == min(mean.values())
    assert sum(rain) / len(rain) < 0.9 * sum(dry) / len(dry)
    assert {day.hours for day in result.records} <= {23, 24, 25}


def test_demo_step_imports_two_years_for_two_locations_once(world):
    demo = demo_context(world)
    started = time.perf_counter()
    seed_imports(demo)
    elapsed = time.perf_counter() - started
    seed_imports(demo)
    data_import = DataImport.objects.get(programme=world.programme, original_name=FILE_NAME)
    assert data_import.status == DataImport.Status.DONE and data_import.created_by == world.user("member")
    kpi = KPI.objects.get(programme=world.programme, code="FOOTFALL")
    yesterday = timezone.localdate() - timedelta(days=1)
    assert FootfallDay.objects.filter(programme=world.programme).count() == 2 * 730
    assert Measurement.objects.filter(kpi=kpi).count() == 730
    assert Measurement.objects.filter(kpi=kpi).latest("period_end").period_end == yesterday
    first_half = Measurement.objects.filter(kpi=kpi, period_end__lt=yesterday - timedelta(days=365))
    second_half = Measurement.objects.filter(kpi=kpi, period_end__gte=yesterday - timedelta(days=365))
    before = first_half.aggregate(v=Avg("value"))["v"]
    after = second_half.aggregate(v=Avg("value"))["v"]
    assert 15000 < before < after < 22000  # growth after the measure, around the KPI's baseline and target
    assert FootfallDay.objects.aggregate(s=Sum("total"))["s"] == data_import.summary["pedestrians"]
    assert elapsed < 10


def test_the_demo_has_a_kpi_for_all_locations_and_one_for_marktplatz_with_both_directions(world):
    from transformation.kpis import kpi_footfall

    seed_imports(demo_context(world))
    footfall = KPI.objects.get(programme=world.programme, code="FOOTFALL")
    markt = KPI.objects.get(programme=world.programme, code="FOOTFALL_MARKT")
    assert (footfall.counter_location, markt.counter_location) == ("", "Marktplatz")

    breakdown = kpi_footfall(footfall)
    assert [row["location"] for row in breakdown["by_location"]] == ["Bahnhofstraße (Nord)", "Marktplatz"]
    assert len(breakdown["by_direction"]) == 2
    for row in breakdown["by_direction"]:
        assert row["days"] == 730 and 45 < row["share_a"] < 55  # both directions counted, about half each
    assert breakdown["direction_labels"][0].endswith("(Fußgänger Richtung links)")

    # The Marktplatz KPI holds the last eight weeks of that location alone, one value per day
    values = dict(Measurement.objects.filter(kpi=markt).values_list("period_start", "value"))
    counts = dict(
        FootfallDay.objects.filter(location="Marktplatz", date__in=values).values_list("date", "total")
    )
    assert len(values) == 56 and values == counts
    assert [row["location"] for row in kpi_footfall(markt)["by_location"]] == ["Marktplatz"]
    # Importing the extract replaced Marktplatz days with the same counts: the all-locations KPI is unchanged
    assert FootfallDay.objects.filter(programme=world.programme).count() == 2 * 730
    assert Measurement.objects.filter(kpi=footfall).count() == 730
