"""The demo KPIs: eight KPIs of the demo programme with two years of data, idempotent, FOOTFALL left to imports."""

import pytest

from concept.demo import seed_concept
from evaluation.demo import seed_evaluation
from programmes.demo import DemoContext, registered_demo_steps
from transformation.demo import seed_transformation
from transformation.demo_kpis import seed_kpis
from transformation.kpis import KpiStatus, kpi_summaries
from transformation.models import KPI, Measurement

pytestmark = pytest.mark.django_db


def test_the_kpi_step_runs_after_the_business_cases():
    steps = registered_demo_steps()
    assert steps.index(seed_transformation) < steps.index(seed_kpis)


def test_the_demo_kpis_tell_a_story_and_can_be_seeded_twice(world):
    demo = DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"lead": world.user("lead")},
        log=lambda message: None,
    )
    seed_evaluation(demo)
    seed_concept(demo)
    seed_kpis(demo)
    count = Measurement.objects.count()
    seed_kpis(demo)
    assert Measurement.objects.count() == count
    summaries = {s.kpi.code: s for s in kpi_summaries(world.programme)}
    assert len(summaries) == 8
    assert not KPI.objects.get(code="FOOTFALL").measurements.exists()
    assert summaries["FOOTFALL"].status == KpiStatus.NO_DATA
    assert KPI.objects.get(code="WIFI").measurements.count() == 24
    assert KPI.objects.get(code="VACANCY").measurements.count() == 8
    grade = KPI.objects.get(code="GRADE")
    assert grade.source_question.code == "grade_overall"
    assert grade.measurements.filter(source=Measurement.Source.SURVEY).count() == 1
    assert KPI.objects.get(code="PARKING_OCC").measures.get().title == "Digitales Parkleitsystem"
    statuses = {s.status for s in summaries.values()}
    assert {KpiStatus.ON_TRACK, KpiStatus.OFF_TRACK} <= statuses
