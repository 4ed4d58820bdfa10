import pytest

from concept import selectors
from concept.demo import seed_concept
from concept.models import Measure
from evaluation.demo import seed_evaluation
from programmes.demo import DemoContext, registered_demo_steps

pytestmark = pytest.mark.django_db


def test_demo_step_registered_after_evaluation():
    steps = registered_demo_steps()
    assert steps.index(seed_evaluation) < steps.index(seed_concept)


def test_demo_concept(world):
    demo = DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"lead": world.user("lead")},
        log=lambda message: None,
    )
    seed_evaluation(demo)
    seed_concept(demo)
    seed_concept(demo)
    measures = Measure.objects.filter(programme=world.programme)
    assert measures.count() == 12
    assert set(measures.values_list("status", flat=True)) == {"idea", "shortlisted", "selected", "rejected"}
    parking = measures.get(title="Digitales Parkleitsystem")
    assert parking.status == "selected" and parking.findings.exists()
    ranking = selectors.provider_ranking(parking, parking.feasibility.criteria_set)
    assert len(ranking) == 3 and ranking[0].rank == 1
    journey = selectors.journey_map(world.programme)
    assert sum(len(c.touchpoints) for c in journey["columns"]) >= 8
