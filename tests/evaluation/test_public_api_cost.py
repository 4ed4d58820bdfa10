"""The public API submission path: cheap (it is the hottest path of the platform) and still always current."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation import services, tallies
from evaluation.models import Answer, AnswerTally, Response
from tests.evaluation.factories import VALID

pytestmark = pytest.mark.django_db


def api_url(survey):
    return reverse("api:public-survey-responses", kwargs={"token": survey.public_token})


def test_submission_reads_the_survey_once_and_writes_once(survey, django_assert_num_queries):
    client = APIClient()
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
    # questions are cached per worker now; PostgreSQL writes response, answers and counts in one statement,
    # SQLite takes the ORM path (savepoint, response, answers, counts, release)
    expected = 2 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected):
        response = client.post(api_url(survey), {"answers": VALID}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    assert Response.objects.count() == 2

    # the counts the results page reads agree with a recount from the stored answers
    def counts():
        return sorted(
            AnswerTally.objects.values("question_id", "slot")
            .annotate(n=Sum("count"))
            .values_list("question_id", "slot", "n")
        )

    written = counts()
    tallies.rebuild(survey=survey)
    assert written and written == counts()
    assert Answer.objects.filter(response__wave__survey=survey, question__code="reasons").count() == 4


def test_closing_or_a_later_start_takes_effect_at_once(survey):
    client = APIClient()
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
    services.survey_close(survey=survey)
    response = client.post(api_url(survey), {"answers": VALID}, format="json")
    assert response.status_code == HTTPStatus.GONE
    assert Response.objects.count() == 1


def test_a_survey_that_has_not_started_takes_no_answers(survey):
    type(survey).objects.filter(pk=survey.pk).update(starts_at=timezone.now() + timedelta(days=2))
    response = APIClient().post(api_url(survey), {"answers": VALID}, format="json")
    assert response.status_code == HTTPStatus.GONE
    assert Response.objects.count() == 0


def test_answers_that_are_not_json_values_of_a_question_get_errors_not_500(survey):
    response = APIClient().post(
        api_url(survey),
        {"answers": {**VALID, "grade": {"nested": True}, "transport": ["car", ["bus"]]}},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()["answers"]) == {"grade", "transport"}
    assert Response.objects.count() == 0


def test_a_survey_limit_costs_no_extra_query(survey, settings, django_assert_num_queries):
    """The survey's own rate limit comes with the one read of the survey."""
    settings.SURVEY_RATE_LIMIT = 1
    type(survey).objects.filter(pk=survey.pk).update(rate_limit=5)
    client = APIClient()
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
    expected = 2 if connection.vendor == "postgresql" else 6
    with django_assert_num_queries(expected):
        response = client.post(api_url(survey), {"answers": VALID}, format="json")
    assert response.status_code == HTTPStatus.CREATED  # the survey's 5, not the platform's 1
    for _ in range(3):
        assert (
            client.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
        )
    with django_assert_num_queries(1):  # refused after reading the survey, before any write
        refused = client.post(api_url(survey), {"answers": VALID}, format="json")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
