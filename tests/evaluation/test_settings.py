"""The minimum segment size per programme: the default of every survey that sets none, edited by the lead on
the Evaluation settings page, shown with the results."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from evaluation import selectors, services
from evaluation.models import EvaluationSettings, Survey
from tests.evaluation.factories import add_responses, make_survey
from tests.permissions import check_matrix

pytestmark = pytest.mark.django_db


def settings_url(programme):
    return reverse("programmes:evaluation:settings", kwargs=programme.url_kwargs)


def fresh(survey) -> Survey:
    return selectors.with_thresholds(Survey.objects.filter(pk=survey.pk)).get()


def test_a_survey_without_its_own_minimum_follows_its_programme(world, survey):
    assert survey.small_cell_threshold is None
    assert selectors.small_cell_threshold(fresh(survey)) == 5
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=10)
    assert selectors.small_cell_threshold(fresh(survey)) == 10
    # without the annotation the programme's value is read once
    assert selectors.small_cell_threshold(Survey.objects.get(pk=survey.pk)) == 10
    services.survey_update(survey=survey, small_cell_threshold=3)
    assert selectors.small_cell_threshold(fresh(survey)) == 3
    # another programme keeps the default
    other = make_survey(world.other_programme)
    assert selectors.small_cell_threshold(fresh(other)) == 5


def test_results_suppress_by_the_programme_minimum(world, survey):
    add_responses(survey, 8)
    car = survey.questions.get(code="transport").choices.get(code="car")
    cars = survey.questions.get(code="transport").answers.filter(choice=car).count()
    filters = selectors.ResultFilters(segment_choice=car)
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=cars)
    assert not selectors.survey_results(fresh(survey), filters)["suppressed"]
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=cars + 1)
    results = selectors.survey_results(fresh(survey), filters)
    assert results["suppressed"] and results["threshold"] == cars + 1


def test_service_refuses_a_minimum_below_one(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.evaluation_settings_update(programme=world.programme, small_cell_threshold=0)
    assert "small_cell_threshold" in error.value.message_dict
    assert not EvaluationSettings.objects.exists()


def test_settings_page_for_every_role(client_as, world):
    page = {
        "anonymous": 302,
        "stakeholder": 403,
        "member": 403,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(client_as, settings_url(world.programme), page)
    saved = {**page, "lead": 302, "org_admin": 302}
    check_matrix(
        client_as, settings_url(world.programme), saved, method="post", data={"small_cell_threshold": 7}
    )
    assert selectors.evaluation_settings(world.programme).small_cell_threshold == 7


def test_lead_sets_the_minimum_and_results_say_so(client_as, world, survey):
    client = client_as("lead")
    response = client.post(settings_url(world.programme), {"small_cell_threshold": 8})
    assert response.status_code == HTTPStatus.FOUND
    overview = client.get(response["Location"]).content.decode()
    assert "Results hide segments with fewer than 8 responses" in overview
    results = client.get(
        reverse("programmes:evaluation:results", kwargs={**world.programme.url_kwargs, "survey": survey.pk})
    ).content.decode()
    assert "with fewer than 8 responses are hidden to protect anonymity" in results
    # the survey form tells the value a survey without its own minimum gets
    edit = client.get(
        reverse(
            "programmes:evaluation:survey_edit", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
        )
    ).content.decode()
    assert "use the programme&#x27;s setting (currently 8)" in edit
    # a survey with its own value is listed on the settings page
    services.survey_update(survey=survey, small_cell_threshold=3)
    assert f"{survey.title}</a>: 3" in client.get(settings_url(world.programme)).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "greater than or equal to 1"),
        ("abc", "whole number"),
        ("5000", "less than or equal to 1000"),
        ("", "required"),
    ],
)
def test_settings_form_errors_stay_on_the_field(client_as, world, value, message):
    response = client_as("lead").post(settings_url(world.programme), {"small_cell_threshold": value})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'id="id_small_cell_threshold_error"' in html and message in html
    assert not EvaluationSettings.objects.exists()


def test_survey_form_leaves_the_minimum_empty_for_the_programme(client_as, world, survey):
    client = client_as("member")
    response = client.post(
        reverse(
            "programmes:evaluation:survey_edit", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
        ),
        {"title": "Neu", "languages": ["de"], "response_target": 100, "small_cell_threshold": ""},
    )
    assert response.status_code == HTTPStatus.FOUND
    survey.refresh_from_db()
    assert survey.title == "Neu" and survey.small_cell_threshold is None


def test_api_shows_the_minimum_in_force(api_as, world, survey):
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=9)
    detail = api_as("stakeholder").get(reverse("api:survey-detail", kwargs={"pk": survey.pk})).json()
    assert (detail["small_cell_threshold"], detail["threshold_in_force"]) == (None, 9)
    results = api_as("stakeholder").get(reverse("api:survey-results", kwargs={"pk": survey.pk})).json()
    assert results["threshold"] == 9


@pytest.mark.parametrize("count", [1, 20])
def test_survey_list_api_reads_the_programme_minimum_without_extra_queries(
    api_as, world, count, django_assert_max_num_queries
):
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=6)
    for number in range(count):
        make_survey(world.programme, title=f"Befragung {number}", publish=False)
    with django_assert_max_num_queries(6):
        data = api_as("member").get(reverse("api:survey-list")).json()
    assert {item["threshold_in_force"] for item in data["results"]} == {6}


def test_migration_lets_surveys_at_the_old_default_follow_their_programme(world):
    """Surveys at 5 (the old default) follow the programme; others keep their value; undone, all get a number."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "evaluation.migrations.0009_programme_minimum_segment_size_and_evidence_files"
    )
    at_default = make_survey(world.programme, title="A", publish=False, small_cell_threshold=5)
    own = make_survey(world.programme, title="B", publish=False, small_cell_threshold=7)
    migration.surveys_follow_programme(apps, None)
    at_default.refresh_from_db()
    own.refresh_from_db()
    assert (at_default.small_cell_threshold, own.small_cell_threshold) == (None, 7)
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=4)
    migration.surveys_keep_own_threshold(apps, None)
    at_default.refresh_from_db()
    assert at_default.small_cell_threshold == 4


@pytest.mark.parametrize("count", [1, 20])
def test_settings_page_query_count_is_fixed(client_as, world, count, django_assert_max_num_queries):
    services.evaluation_settings_update(programme=world.programme, small_cell_threshold=6)
    for number in range(count):
        make_survey(
            world.programme, title=f"Befragung {number}", publish=False, small_cell_threshold=10 + number
        )
    client = client_as("lead")
    with django_assert_max_num_queries(6):
        html = client.get(settings_url(world.programme)).content.decode()
    assert html.count("Befragung ") == count and 'value="6"' in html
