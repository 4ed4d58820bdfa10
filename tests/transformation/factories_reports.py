"""Factories for report schedules and reports (tests of recurring reports)."""

from datetime import date

import factory

from tests.programmes.factories import ProgrammeFactory
from transformation.models import Report, ReportSchedule


class ReportScheduleFactory(factory.django.DjangoModelFactory):
    """A monthly German schedule with every section, to the members, starting 1 January 2026."""

    class Meta:
        model = ReportSchedule

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Monatsbericht {n}")
    cadence = ReportSchedule.Cadence.MONTHLY
    language = "de"
    sections = factory.LazyFunction(lambda: list(ReportSchedule.SECTIONS))
    send_to_members = True
    send_to_stakeholders = False
    extra_recipients = ""
    active = True
    starts_on = date(2026, 1, 1)


class ReportFactory(factory.django.DjangoModelFactory):
    """An archived (built) scheduled report of March 2026."""

    class Meta:
        model = Report

    schedule = factory.SubFactory(ReportScheduleFactory)
    programme = factory.LazyAttribute(lambda r: r.schedule.programme)
    title = factory.Sequence(lambda n: f"Bericht {n}")
    period_start = date(2026, 3, 1)
    period_end = date(2026, 3, 31)
    status = Report.Status.BUILT
    data = factory.LazyFunction(lambda: {"title": "Bericht", "sections": []})
    html = '<!DOCTYPE html><html lang="de"><head><title>Bericht</title></head><body><p>Snapshot</p></body></html>'
