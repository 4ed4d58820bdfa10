"""Results split side by side (crosstab): by the answer to a choice question or by collection point, with
segment sizes, column shares, means, suppression of small segments, a fixed query count, page and API."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from evaluation import selectors, services
from tests.evaluation.factories import add_responses
from tests.permissions import check_matrix

pytestmark = pytest.mark.django_db


def submit(survey, count, *, point=None, **answers):
    for _ in range(count):
        services.response_submit(survey=survey, answers=answers, collection_point=point)


@pytest.fixture
def known(survey):
    """6 by car (grade 2, shopping), 5 by bus (grade 4, shopping + food), 2 on foot (grade 1): threshold 5."""
    market = services.collection_point_create(survey=survey, name="Markt")
    submit(survey, 6, point=market, transport="car", grade=2, reasons=["shopping"], nps=10)
    submit(survey, 5, transport="bus", grade=4, reasons=["shopping", "food"], nps=3)
    submit(survey, 2, transport="foot", grade=1, reasons=["culture"], nps=8)
    survey.refresh_from_db()
    return survey, market


def crosstab(survey, split_code=None, **kwargs):
    questions = selectors.survey_questions(survey)
    split = next((q for q in questions if q.code == split_code), None)
    return selectors.survey_crosstab(
        survey,
        split_question=split,
        questions=questions,
        points=list(survey.collection_points.all()),
        **kwargs,
    )


def column(result, code, segment):
    question = next(q for q in result["questions"] if q["code"] == code)
    keys = [s["key"] for s in result["segments"]]
    return question["columns"][keys.index(segment)]


def test_split_by_transport_counts_shares_means_and_suppresses_small_segments(known):
    survey, _market = known
    result = crosstab(survey, "transport")
    assert [(s["key"], s["responses"], s["suppressed"]) for s in result["segments"]] == [
        ("car", 6, False),
        ("bus", 5, False),
        ("foot", None, True),
    ]
    car = column(result, "grade", "car")["stats"]
    bus = column(result, "grade", "bus")["stats"]
    assert (car["respondents"], car["mean"], bus["mean"]) == (6, 2.0, 4.0)
    assert next(e for e in car["distribution"] if e["key"] == "2") == {
        "key": "2",
        "choice_id": None,
        "label": "2",
        "count": 6,
        "share": 100.0,
    }
    assert column(result, "grade", "foot") == {"segment": "foot", "suppressed": True, "stats": None}
    # multiple choice: the column share is per respondent of the segment
    reasons = {
        e["key"]: (e["count"], e["share"]) for e in column(result, "reasons", "bus")["stats"]["distribution"]
    }
    assert reasons == {"shopping": (5, 100.0), "food": (5, 100.0), "culture": (0, 0.0)}
    assert column(result, "reasons", "bus")["stats"]["respondents"] == 5
    assert column(result, "nps", "car")["stats"]["nps"]["score"] == 100.0
    assert column(result, "nps", "bus")["stats"]["nps"]["score"] == -100.0
    # the splitting question and text or number questions are not among the rows
    assert {q["code"] for q in result["questions"]} == {"reasons", "grade", "agree", "nps"}


def test_split_by_a_multiple_choice_question_counts_a_respondent_in_each_of_their_columns(known):
    survey, _market = known
    result = crosstab(survey, "reasons")
    sizes = {s["key"]: s["responses"] for s in result["segments"]}
    assert sizes == {"shopping": 11, "food": 5, "culture": None}
    transport = {
        e["key"]: e["count"] for e in column(result, "transport", "shopping")["stats"]["distribution"]
    }
    assert transport == {"car": 6, "bus": 5, "foot": 0}


def test_split_by_collection_point_reads_the_tallies_and_agrees_with_the_answers(known, settings):
    survey, market = known
    result = crosstab(survey)
    assert [(s["key"], s["label"], s["responses"]) for s in result["segments"]] == [
        (str(market.pk), "Markt", 6),
        ("none", "General link (no collection point)", 7),
    ]
    general = column(result, "grade", "none")["stats"]
    assert general["respondents"] == 7 and general["mean"] == round((5 * 4 + 2 * 1) / 7, 2)
    # with an answer filter the same split is counted from the answers: the same figures for "shopping"
    shopping = survey.questions.get(code="reasons").choices.get(code="shopping")
    filtered = crosstab(survey, filters=selectors.ResultFilters(segment_choice=shopping))
    assert (
        column(filtered, "grade", "none")["stats"]["mean"] == 4.0
    )  # only the bus riders went shopping there
    assert column(filtered, "grade", str(market.pk))["stats"]["mean"] == 2.0


def test_threshold_of_the_programme_applies_to_the_split(known):
    survey, _market = known
    services.evaluation_settings_update(programme=survey.programme, small_cell_threshold=6)
    survey = selectors.with_thresholds(type(survey).objects.filter(pk=survey.pk)).get()
    result = crosstab(survey, "transport")
    assert result["threshold"] == 6
    assert [s["suppressed"] for s in result["segments"]] == [False, True, True]


def test_filter_on_the_splitting_question_leaves_its_own_column(known):
    survey, market = known
    car = survey.questions.get(code="transport").choices.get(code="car")
    result = crosstab(survey, "transport", filters=selectors.ResultFilters(segment_choice=car))
    assert [s["key"] for s in result["segments"]] == ["car"]
    by_point = crosstab(survey, filters=selectors.ResultFilters(collection_point=market))
    assert [s["key"] for s in by_point["segments"]] == [str(market.pk)]


@pytest.mark.parametrize("count", [1, 120])
def test_split_page_and_api_use_a_fixed_number_of_queries(
    client_as, api_as, world, survey, count, django_assert_max_num_queries
):
    point = services.collection_point_create(survey=survey, name="Markt")
    add_responses(survey, count)
    add_responses(survey, count, seed=3, collection_point=point)
    kwargs = {**world.programme.url_kwargs, "survey": survey.pk}
    page = reverse("programmes:evaluation:split", kwargs=kwargs)
    api = reverse("api:survey-crosstab", kwargs={"pk": survey.pk})
    client = client_as("member")
    for params in ({"split_by": "transport"}, {"split_by": "reasons"}, {"split_by": "collection_point"}):
        with django_assert_max_num_queries(13):
            response = client.get(page, params)
        assert response.status_code == HTTPStatus.OK
        with django_assert_max_num_queries(10):
            assert api_as("member").get(api, params).status_code == HTTPStatus.OK


def test_split_page_shows_the_table_with_hidden_small_segments(client_as, world, known):
    survey, _market = known
    kwargs = {**world.programme.url_kwargs, "survey": survey.pk}
    page = reverse("programmes:evaluation:split", kwargs=kwargs)
    grade = survey.questions.get(code="grade")
    html = (
        client_as("stakeholder").get(page, {"split_by": "transport", "question": grade.pk}).content.decode()
    )
    assert 'id="split-summary"' in html and f'id="split-{grade.pk}"' in html
    assert "Auto: n = 6" in html and "Bus: n = 5" in html
    assert 'zu Fuß: <span class="kern-body--muted">hidden (fewer than 5 responses)' in html
    assert "100.0 % (6)" in html and "4.00" in html  # the bus riders' mean grade
    assert html.count("split-chart-") == 2  # the chart's data and its canvas, one question
    # without a choice yet: the form and a hint; a text question cannot split
    assert 'id="split-hint"' in client_as("stakeholder").get(page).content.decode()
    refused = client_as("stakeholder").get(page, {"split_by": "wish"}).content.decode()
    assert "Split by a single- or multiple-choice question, or by collection point." in refused
    assert 'id="split-summary"' not in refused


def test_results_page_links_to_the_split_with_its_filters(client_as, world, known):
    survey, market = known
    kwargs = {**world.programme.url_kwargs, "survey": survey.pk}
    html = (
        client_as("member")
        .get(reverse("programmes:evaluation:results", kwargs=kwargs), {"collection_point": market.pk})
        .content.decode()
    )
    split = reverse("programmes:evaluation:split", kwargs=kwargs)
    assert f'href="{split}?collection_point={market.pk}"' in html


def test_crosstab_api(api_as, known):
    survey, market = known
    url = reverse("api:survey-crosstab", kwargs={"pk": survey.pk})
    grade = survey.questions.get(code="grade")
    data = api_as("stakeholder").get(url, {"split_by": "transport", "question": grade.pk}).json()
    assert data["split_by"] == {
        "kind": "question",
        "question": survey.questions.get(code="transport").pk,
        "code": "transport",
        "text": "Wie sind Sie angereist?",
    }
    assert [(s["key"], s["responses"], s["suppressed"]) for s in data["segments"]] == [
        ("car", 6, False),
        ("bus", 5, False),
        ("foot", None, True),
    ]
    (question,) = data["questions"]
    assert [a["key"] for a in question["answers"]] == ["1", "2", "3", "4", "5", "6"]
    car, bus, foot = question["columns"]
    assert (car["mean"], bus["mean"], bus["respondents"]) == (2.0, 4.0, 5)
    assert foot == {
        "segment": "foot",
        "suppressed": True,
        "respondents": None,
        "mean": None,
        "median": None,
        "nps": None,
        "distribution": [],
    }
    by_point = api_as("stakeholder").get(url, {"split_by": "collection_point"}).json()
    assert [s["id"] for s in by_point["segments"]] == [market.pk, None]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "split_by"),
        ({"split_by": "nope"}, "split_by"),
        ({"split_by": "wish"}, "split_by"),
        ({"split_by": "transport", "question": "x"}, "question"),
        ({"split_by": "transport", "question": "999999"}, "question"),
        ({"split_by": "transport", "wave": "999999"}, "wave"),
    ],
)
def test_crosstab_api_refuses_bad_parameters_per_field(api_as, survey, params, field):
    response = api_as("member").get(reverse("api:survey-crosstab", kwargs={"pk": survey.pk}), params)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_crosstab_api_refuses_a_text_question_as_the_one_to_show(api_as, survey):
    wish = survey.questions.get(code="wish")
    response = api_as("member").get(
        reverse("api:survey-crosstab", kwargs={"pk": survey.pk}),
        {"split_by": "transport", "question": wish.pk},
    )
    assert response.json() == {"question": ["Only choice and scale questions can be shown side by side."]}


def test_split_page_and_api_for_every_role(client_as, api_as, world, survey):
    add_responses(survey, 6)
    page = reverse("programmes:evaluation:split", kwargs={**world.programme.url_kwargs, "survey": survey.pk})
    everyone = {
        "anonymous": 302,
        "stakeholder": 200,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(client_as, page, everyone, data={"split_by": "transport"})
    api = reverse("api:survey-crosstab", kwargs={"pk": survey.pk})
    check_matrix(api_as, api, {**everyone, "anonymous": 401}, data={"split_by": "transport"})
