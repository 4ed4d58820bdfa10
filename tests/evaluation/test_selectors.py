import pytest

from evaluation import selectors, services
from evaluation.selectors import ResultFilters, _median
from tests.evaluation.factories import make_survey

pytestmark = pytest.mark.django_db


def submit(survey, point=None, **answers):
    return services.response_submit(survey=survey, answers=answers, collection_point=point)


def by_code(results):
    return {q["code"]: q for q in results["questions"]}


@pytest.fixture
def known(world):
    """Six responses with hand-picked answers."""
    survey = make_survey(world.programme)
    survey.small_cell_threshold = 3
    survey.save(update_fields=["small_cell_threshold"])
    market = services.collection_point_create(survey=survey, name="Markt")
    rows = [
        ("car", ["shopping"], 5, 10, "10"),
        ("car", ["shopping", "food"], 6, 9, "20"),
        ("car", ["food"], 4, 3, "30"),
        ("bus", ["culture"], 1, 10, "0"),
        ("foot", ["shopping"], 2, 7, "2.5"),
        ("foot", [], 2, 0, "100"),
    ]
    for index, (transport, reasons, grade, nps, spend) in enumerate(rows):
        answers = {"transport": transport, "grade": grade, "nps": nps, "spend": spend}
        if reasons:
            answers["reasons"] = reasons
        if index == 0:
            answers["wish"] = "Mehr Parkplätze bitte"
        submit(survey, point=market if index < 3 else None, **answers)
    return survey, market


def test_counts_shares_mean_median_nps(known):
    survey, _market = known
    results = selectors.survey_results(survey)
    assert results["responses"] == 6 and not results["suppressed"]
    q = by_code(results)
    transport = {row["key"]: row for row in q["transport"]["distribution"]}
    assert transport["car"]["count"] == 3 and transport["car"]["share"] == 50.0
    assert transport["bus"]["share"] == pytest.approx(16.7)
    reasons = {row["key"]: row for row in q["reasons"]["distribution"]}
    assert q["reasons"]["respondents"] == 5  # shares of those who answered; sums above 100 %
    assert reasons["shopping"]["count"] == 3 and reasons["shopping"]["share"] == 60.0
    grade = q["grade"]
    assert [row["count"] for row in grade["distribution"]] == [1, 2, 0, 1, 1, 1]
    assert grade["mean"] == pytest.approx(20 / 6, abs=0.01)
    assert grade["median"] == 3.0  # values 1 2 2 4 5 6 → (2 + 4) / 2
    nps = q["nps"]
    assert len(nps["distribution"]) == 11
    # promoters 10, 9, 10 = 3; detractors 3, 0 = 2; passive 7 = 1 → (3 - 2) / 6
    assert nps["nps"]["score"] == pytest.approx(16.7)
    assert nps["nps"]["promoters"] == 50.0
    assert q["spend"]["median"] == 15.0
    assert q["spend"]["mean"] == pytest.approx(162.5 / 6, abs=0.01)
    assert q["wish"]["respondents"] == 1 and q["wish"]["distribution"] == []
    assert q["agree"]["respondents"] == 0 and q["agree"]["mean"] is None


def test_median_from_histogram():
    assert _median([(1.0, 1)], 1) == 1.0
    assert _median([(1.0, 2), (3.0, 2)], 4) == 2.0
    assert _median([(1.0, 1), (2.0, 5), (6.0, 1)], 7) == 2.0
    assert _median([], 0) is None


def test_segment_by_choice_and_collection_point(known):
    survey, market = known
    car = survey.questions.get(code="transport").choices.get(code="car")
    results = selectors.survey_results(survey, ResultFilters(segment_choice=car))
    assert results["responses"] == 3
    assert by_code(results)["grade"]["mean"] == 5.0
    results = selectors.survey_results(survey, ResultFilters(collection_point=market))
    assert results["responses"] == 3
    assert by_code(results)["transport"]["distribution"][0]["share"] == 100.0


def test_small_segments_are_suppressed(known):
    survey, _market = known
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    results = selectors.survey_results(survey, ResultFilters(segment_choice=bus))
    assert results["suppressed"] is True
    assert results["responses"] is None and results["questions"] == []


def test_wave_filter_and_comparison(known):
    survey, _market = known
    wave1 = survey.waves.get(number=1)
    services.wave_start(survey=survey, label="Welle 2")
    for grade in (1, 1, 2):
        submit(survey, transport="car", grade=grade)
    results = selectors.survey_results(survey, ResultFilters(wave=wave1))
    assert results["responses"] == 6
    comparison = selectors.wave_comparison(survey)
    assert [w["responses"] for w in comparison["waves"]] == [6, 3]
    grade = next(q for q in comparison["questions"] if q["code"] == "grade")
    assert [w["respondents"] for w in grade["waves"]] == [6, 3]
    assert grade["change"]["mean"] == pytest.approx(round(4 / 3, 2) - round(20 / 6, 2), abs=0.01)
    assert grade["lower_is_better"] is True
    transport = next(q for q in comparison["questions"] if q["code"] == "transport")
    assert transport["change"]["shares"]["car"] == 50.0  # 50 % → 100 %


def test_text_answers_search(known):
    survey, _market = known
    wish = survey.questions.get(code="wish")
    assert selectors.text_answers(wish).count() == 1
    assert selectors.text_answers(wish, search="parkpl").count() == 1
    assert selectors.text_answers(wish, search="Bäume").count() == 0


def test_programme_surveys_counts(world, known):
    rows = list(selectors.programme_surveys(world.programme))
    assert rows[0].response_count == 6 and rows[0].question_count == 8
