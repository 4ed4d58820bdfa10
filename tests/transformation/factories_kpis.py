"""Factories for KPIs, their targets and measurements, and counted footfall days (KPI, import, dashboard and
report tests)."""

from datetime import date, timedelta
from decimal import Decimal

import factory

from tests.programmes.factories import ProgrammeFactory
from transformation.models import KPI, FootfallDay, KPITarget, Measurement


class KPIFactory(factory.django.DjangoModelFactory):
    """A 'higher is better' monthly KPI with a baseline; pass ``targets=[(date, value), ...]`` to add targets."""

    class Meta:
        model = KPI
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"KPI-{n}")
    name_de = factory.Sequence(lambda n: f"Kennzahl {n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "%"
    direction = KPI.Direction.HIGHER
    frequency = KPI.Frequency.MONTHLY
    baseline_value = Decimal("10")
    baseline_date = date(2025, 1, 1)

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        if create and extracted:
            for when, value in extracted:
                KPITarget.objects.create(kpi=self, date=when, value=Decimal(str(value)))


class KPITargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPITarget

    kpi = factory.SubFactory(KPIFactory)
    value = Decimal("20")
    date = date(2026, 1, 1)


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A measurement of a one-day period; set ``period_end`` (and ``period_start``) for other periods."""

    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    # One day after another from 2025; a test that needs the period before or after a date sets it.
    period_end = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    period_start = factory.LazyAttribute(lambda m: m.period_end)
    value = Decimal("12")
    source = Measurement.Source.MANUAL


def footfall_day(programme, location, day, total, a=None, b=None, **fields) -> FootfallDay:
    """One day of a counter location (24 hours counted); ``a``/``b``: the counts in each walking direction."""
    return FootfallDay.objects.create(
        programme=programme,
        location=location,
        date=day,
        total=total,
        direction_a=a,
        direction_b=b,
        hours=24,
        **fields,
    )
