"""A member drags a question to a new place on the survey builder; the order is saved without a reload."""

import re

import pytest
from playwright.sync_api import expect

from evaluation import selectors
from tests.evaluation.factories import make_survey

from .conftest import check_a11y, goto
from .test_evaluation import member, sign_in  # noqa: F401  (the fixture is used by name)

pytestmark = pytest.mark.e2e


def test_member_drags_a_question_to_the_top(page, member):  # noqa: F811
    programme, user = member
    survey = make_survey(programme, publish=False)
    first, second, *_rest = selectors.survey_questions(survey)
    sign_in(page, user)
    goto(page, survey.get_absolute_url())
    check_a11y(page)

    items = page.locator("ol.question-list > li")
    assert items.first.get_attribute("data-question-id") == str(first.pk)
    page.drag_and_drop(f"#question-{second.pk} p", f"#question-{first.pk}", target_position={"x": 20, "y": 5})
    expect(page.locator("#reorder-status")).to_have_text(re.compile(r"\S"))

    assert next(q.pk for q in selectors.survey_questions(survey)) == second.pk
    page.reload()
    assert page.locator("ol.question-list > li").first.get_attribute("data-question-id") == str(second.pk)
