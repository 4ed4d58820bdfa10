"""The KPI status rule along the target path, and the summaries dashboards and reports are built from."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import override

from tests.transformation.factories_kpis import KPIFactory, KPITargetFactory, MeasurementFactory
from transformation.kpis import (
    KpiStatus,
    expected_at,
    kpi_series,
    kpi_summaries,
    kpi_summary,
    status_counts,
    target_path,
    tolerance_for,
)
from transformation.models import KPI

D = Decimal


def status_of(kpi, value, when=date(2025, 7, 1)):
    MeasurementFactory(kpi=kpi, period_start=when, period_end=when, value=D(str(value)))
    return kpi_summary(kpi, as_of=date(2030, 1, 1))


@pytest.fixture
def rising(world):
    """Baseline 10 on 1 Jan 2025, target 20 on 1 Jan 2026 (tolerance 1), higher is better."""
    return KPIFactory(programme=world.programme, targets=[(date(2026, 1, 1), 20)])


# ------------------------------------------------------------------------------------------------ target path


def test_the_target_path_runs_straight_from_the_baseline_through_each_target(world):
    kpi = KPIFactory(
        programme=world.programme,
        baseline_value=D("0"),
        baseline_date=date(2025, 1, 1),
        targets=[(date(2025, 1, 11), 100), (date(2025, 1, 21), 50)],
    )
    path = target_path(kpi, kpi.targets.all())
    assert path == [(date(2025, 1, 1), D("0")), (date(2025, 1, 11), D("100")), (date(2025, 1, 21), D("50"))]
    assert expected_at(path, date(2024, 12, 1)) == D("0")  # before the baseline: the baseline
    assert expected_at(path, date(2025, 1, 6)) == D("50")  # half way to the first target
    assert expected_at(path, date(2025, 1, 11)) == D("100")
    assert expected_at(path, date(2025, 1, 16)) == D("75")  # half way down to the second target
    assert expected_at(path, date(2026, 1, 1)) == D("50")  # after the last target: the last target


def test_the_tolerance_is_ten_percent_of_the_planned_change(rising):
    assert tolerance_for(rising, target_path(rising, rising.targets.all())) == D("1")


def test_without_a_planned_change_the_tolerance_is_ten_percent_of_the_final_value(world):
    kpi = KPIFactory(
        programme=world.programme, baseline_value=None, baseline_date=None, targets=[(date(2026, 1, 1), 50)]
    )
    assert tolerance_for(kpi, target_path(kpi, kpi.targets.all())) == D("5")


# ------------------------------------------------------------------------------------------------ higher is better


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        ("15", KpiStatus.ON_TRACK),  # exactly on the path half way through the year (expected ≈ 14.96)
        ("14.5", KpiStatus.AT_RISK),  # within 1 below
        ("13.9", KpiStatus.OFF_TRACK),  # more than 1 below
        ("30", KpiStatus.ON_TRACK),
    ],
)
def test_higher_is_better_kpis_compare_the_latest_value_with_the_path(rising, value, expected_status):
    summary = status_of(rising, value)
    assert summary.status == expected_status
    assert summary.expected_value == D("14.9589")  # 10 + 10 × 181/365


def test_lower_is_better_kpis_are_mirrored(world):
    kpi = KPIFactory(
        programme=world.programme,
        direction=KPI.Direction.LOWER,
        baseline_value=D("20"),
        targets=[(date(2026, 1, 1), 10)],
    )
    assert status_of(kpi, "15", date(2025, 7, 2)).status == KpiStatus.ON_TRACK  # expected 15.0
    kpi.measurements.all().delete()
    assert status_of(kpi, "15.9", date(2025, 7, 2)).status == KpiStatus.AT_RISK
    kpi.measurements.all().delete()
    assert status_of(kpi, "16.1", date(2025, 7, 2)).status == KpiStatus.OFF_TRACK
    kpi.measurements.all().delete()
    assert status_of(kpi, "3", date(2025, 7, 2)).status == KpiStatus.ON_TRACK


@pytest.mark.parametrize(
    ("value", "expected_status"),
    [
        ("2", KpiStatus.ON_TRACK),
        ("4", KpiStatus.ON_TRACK),
        ("3", KpiStatus.ON_TRACK),
        ("1.8", KpiStatus.AT_RISK),  # band width 2 → 0.2 tolerance
        ("4.2", KpiStatus.AT_RISK),
        ("1.79", KpiStatus.OFF_TRACK),
        ("4.5", KpiStatus.OFF_TRACK),
    ],
)
def test_target_band_kpis_are_on_track_inside_the_band(world, value, expected_status):
    kpi = KPIFactory(
        programme=world.programme, direction=KPI.Direction.BAND, band_low=D("2"), band_high=D("4")
    )
    summary = status_of(kpi, value)
    assert summary.status == expected_status
    assert "2" in summary.explanation and "4" in summary.explanation


def test_a_kpi_without_measurements_has_no_data(rising):
    summary = kpi_summary(rising)
    assert summary.status == KpiStatus.NO_DATA
    assert summary.latest_value is None
    assert summary.sparkline == []


def test_without_a_target_the_baseline_is_the_path(world):
    kpi = KPIFactory(programme=world.programme, baseline_value=D("100"))
    assert status_of(kpi, "100").status == KpiStatus.ON_TRACK
    kpi.measurements.all().delete()
    assert status_of(kpi, "95").status == KpiStatus.AT_RISK  # within 10 % of the baseline
    kpi.measurements.all().delete()
    with override("en"):
        summary = status_of(kpi, "89")
    assert summary.status == KpiStatus.OFF_TRACK
    assert "no target" in summary.explanation


def test_without_baseline_and_target_a_measured_kpi_has_nothing_to_compare_with(world):
    kpi = KPIFactory(programme=world.programme, baseline_value=None, baseline_date=None)
    with override("en"):
        summary = status_of(kpi, "5")
    assert summary.status == KpiStatus.NO_DATA
    assert summary.latest_value == D("5")
    assert "Neither a baseline nor a target" in summary.explanation


def test_a_target_alone_is_a_flat_path(world):
    kpi = KPIFactory(
        programme=world.programme, baseline_value=None, baseline_date=None, targets=[(date(2026, 1, 1), 50)]
    )
    assert status_of(kpi, "50").status == KpiStatus.ON_TRACK
    kpi.measurements.all().delete()
    assert status_of(kpi, "46").status == KpiStatus.AT_RISK
    kpi.measurements.all().delete()
    assert status_of(kpi, "44").status == KpiStatus.OFF_TRACK


# ------------------------------------------------------------------------------------------------ as_of, summaries


def test_only_the_latest_measurement_up_to_as_of_counts(rising):
    MeasurementFactory(kpi=rising, period_start=date(2025, 7, 1), period_end=date(2025, 7, 1), value=D("20"))
    MeasurementFactory(kpi=rising, period_start=date(2025, 8, 1), period_end=date(2025, 8, 1), value=D("5"))
    assert kpi_summary(rising, as_of=date(2025, 7, 31)).status == KpiStatus.ON_TRACK
    late = kpi_summary(rising, as_of=date(2025, 8, 1))
    assert late.status == KpiStatus.OFF_TRACK
    assert late.latest_value == D("5") and late.latest_period_end == date(2025, 8, 1)
    assert kpi_summary(rising, as_of=date(2025, 6, 30)).status == KpiStatus.NO_DATA


def test_the_target_in_force_is_the_next_one_due(world):
    kpi = KPIFactory(programme=world.programme, targets=[(date(2025, 6, 30), 15), (date(2025, 12, 31), 20)])
    assert kpi_summary(kpi, as_of=date(2025, 3, 1)).target_value == D("15")
    assert kpi_summary(kpi, as_of=date(2025, 7, 1)).target_date == date(2025, 12, 31)
    assert kpi_summary(kpi, as_of=date(2027, 1, 1)).target_value == D("20")  # all past: the last one


def test_the_sparkline_holds_the_last_twelve_values_oldest_first(rising):
    for month in range(1, 13):
        MeasurementFactory(
            kpi=rising, period_start=date(2024, month, 1), period_end=date(2024, month, 28), value=D(month)
        )
    for month in range(1, 4):
        MeasurementFactory(
            kpi=rising,
            period_start=date(2025, month, 1),
            period_end=date(2025, month, 28),
            value=D(12 + month),
        )
    summary = kpi_summary(rising, as_of=date(2025, 12, 31))
    assert [value for _, value in summary.sparkline] == [D(v) for v in range(4, 16)]
    assert summary.latest_value == D("15")


def test_summaries_take_three_queries_for_one_or_fifty_kpis(world, django_assert_num_queries):
    for number in range(50):
        kpi = KPIFactory(programme=world.programme, targets=[(date(2026, 1, 1), 20)])
        for day in range(1, 15 if number % 2 else 2):
            MeasurementFactory(kpi=kpi, period_end=date(2025, 1, day), value=D(day))
    other = KPIFactory(programme=world.other_programme)
    MeasurementFactory(kpi=other)
    with django_assert_num_queries(3):
        summaries = kpi_summaries(world.programme, as_of=date(2030, 1, 1))
    assert len(summaries) == 50
    assert all(len(s.sparkline) <= 12 for s in summaries)
    assert other not in [s.kpi for s in summaries]


def test_summaries_of_a_programme_without_kpis_take_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert kpi_summaries(world.programme) == []


def test_status_counts_name_every_status(rising):
    MeasurementFactory(kpi=rising, period_end=date(2025, 7, 1), value=D("30"))
    KPIFactory(programme=rising.programme)
    counts = status_counts(kpi_summaries(rising.programme, as_of=date(2030, 1, 1)))
    assert counts == {"on_track": 1, "at_risk": 0, "off_track": 0, "no_data": 1}


def test_the_series_holds_every_measurement_and_the_path_for_the_chart(rising):
    KPITargetFactory(kpi=rising, date=date(2025, 6, 1), value=D("12"))
    MeasurementFactory(kpi=rising, period_start=date(2025, 3, 1), period_end=date(2025, 3, 31), value=D("11"))
    MeasurementFactory(
        kpi=rising, period_start=date(2025, 2, 1), period_end=date(2025, 2, 28), value=D("10.5")
    )
    series = kpi_series(rising, as_of=date(2030, 1, 1))
    assert [m.value for m in series.measurements] == [D("10.5"), D("11")]
    assert [p[0] for p in series.path] == [date(2025, 1, 1), date(2025, 6, 1), date(2026, 1, 1)]
    chart = series.chart()
    assert chart["labels"] == ["2025-01-01", "2025-02-28", "2025-03-31", "2025-06-01", "2026-01-01"]
    assert chart["measurements"] == [None, 10.5, 11.0, None, None]
    assert chart["path"] == [10.0, None, None, 12.0, 20.0]
    assert chart["measurement_points"] == [["2025-02-28", 10.5], ["2025-03-31", 11.0]]
    assert chart["path_points"][0] == ["2025-01-01", 10.0] and chart["band"] is None
    assert series.summary.latest_value == D("11")


def test_the_status_explanation_reads_in_german_on_german_pages(rising):
    """The hover text of a KPI's status follows the page language (it was English on German pages)."""
    with override("de"):
        summary = status_of(rising, "12")
        empty = kpi_summary(KPIFactory(programme=rising.programme, code="LEER"))
    assert summary.explanation.startswith("Letzter Wert 12 (Zeitraum bis 01.07.2025)")
    assert "höher ist besser" in summary.explanation
    assert empty.explanation == "Noch kein Messwert."
