"""Risk radar rule of Evaluation: a survey wave below its response target."""

import pytest
from django.utils import translation

from evaluation import risks, services
from tests.evaluation.factories import add_responses, make_survey


@pytest.fixture(autouse=True)
def in_english():
    """The assertions below read the English texts of the warnings and criteria."""
    with translation.override("en"):
        yield


def test_open_wave_below_target_warns_until_enough_responses(world):
    survey = make_survey(world.programme, response_target=3)
    add_responses(survey, 2)
    warnings = list(risks.small_sample_rule(world.programme))
    assert len(warnings) == 1
    assert warnings[0].subject.startswith("wave:")
    assert "2 of 3" in warnings[0].explanation
    assert warnings[0].url == survey.get_absolute_url()

    add_responses(survey, 1, seed=2)
    assert list(risks.small_sample_rule(world.programme)) == []


def test_closed_wave_below_target_warns_and_a_lower_target_clears_it(world):
    survey = make_survey(world.programme, response_target=5)
    add_responses(survey, 2)
    services.survey_close(survey=survey)
    warnings = list(risks.small_sample_rule(world.programme))
    assert len(warnings) == 1 and "closed" in warnings[0].explanation

    services.survey_update(survey=survey, response_target=2)
    assert list(risks.small_sample_rule(world.programme)) == []


def test_draft_survey_raises_no_sample_warning(world):
    make_survey(world.programme, publish=False, response_target=50)
    assert list(risks.small_sample_rule(world.programme)) == []


def test_sample_rule_runs_one_query(world, django_assert_max_num_queries):
    for i in range(5):
        survey = make_survey(world.programme, title=f"Umfrage {i}", response_target=10)
        add_responses(survey, 1, seed=i)
    with django_assert_max_num_queries(1):
        assert len(list(risks.small_sample_rule(world.programme))) == 5
