import pytest

from evaluation import selectors
from evaluation.demo import SURVEY_TITLE, seed_evaluation
from evaluation.models import Finding, Response, Survey
from programmes.demo import DemoContext, registered_demo_steps

pytestmark = pytest.mark.django_db


def test_demo_step_is_registered():
    assert seed_evaluation in registered_demo_steps()


def test_demo_survey_tells_the_story_and_is_idempotent(world):
    demo = DemoContext(
        password="x",
        organisation=world.organisation,
        programmes={world.programme.slug: world.programme},
        users={"lead": world.user("lead")},
        log=lambda message: None,
    )
    seed_evaluation(demo)
    seed_evaluation(demo)
    survey = Survey.objects.get(title=SURVEY_TITLE)
    spring, autumn = survey.waves.order_by("number")
    assert spring.status == "closed" and autumn.status == "open"
    assert Response.objects.filter(wave=spring).count() >= survey.response_target
    comparison = selectors.wave_comparison(survey)
    grades = {q["code"]: q for q in comparison["questions"]}
    assert grades["grade_parking"]["change"]["mean"] < -0.5  # better (lower) in autumn
    assert grades["grade_cleanliness"]["change"]["mean"] < -0.5
    spring_results = {
        q["code"]: q
        for q in selectors.survey_results(survey, selectors.ResultFilters(wave=spring))["questions"]
    }
    assert spring_results["grade_parking"]["mean"] > spring_results["grade_gastronomy"]["mean"] + 1
    findings = Finding.objects.filter(programme=world.programme)
    assert findings.count() == 4
    assert all(finding.evidence.exists() for finding in findings)
    assert world.programme.readiness_assessments.count() == 2
