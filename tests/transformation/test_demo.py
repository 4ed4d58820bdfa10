import pytest

from concept.demo import seed_concept
from evaluation.demo import seed_evaluation
from programmes.demo import DemoContext, registered_demo_steps
from transformation import selectors
from transformation.demo import seed_transformation
from transformation.models import BusinessCase, Milestone

pytestmark = pytest.mark.django_db


def test_demo_step_registered_after_concept():
    steps = registered_demo_steps()
    assert steps.index(seed_concept) < steps.index(seed_transformation)


def test_demo_transformation(world):
    demo = DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"lead": world.user("lead")},
        log=lambda message: None,
    )
    seed_evaluation(demo)
    seed_concept(demo)
    seed_transformation(demo)
    seed_transformation(demo)
    cases = {c.title: c for c in selectors.business_case_with_lines(BusinessCase.objects.all())}
    assert len(cases) == 2
    parking, shop = cases["Digitales Parkleitsystem"], cases["Digitales Schaufenster"]
    assert parking.is_approved
    assert selectors.case_figures(parking)["base"].figures.npv > 0
    assert selectors.case_figures(shop)["base"].figures.npv < 0
    assert shop.recommendation == "conditional" and selectors.appraisal_points(shop)["urgency"] == 90
    milestones = list(Milestone.objects.filter(measure=parking.measure))
    assert any(m.quick_win for m in milestones) and not selectors.quick_win_warning(milestones)
    assert parking.measure.rollout_stages.count() == 3
