"""A survey's end date closes it (beat and lazily on the pages), and a new wave needs a new end date then."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation import services, tasks
from evaluation.models import Response, Survey, Wave
from tests.evaluation.factories import VALID, make_survey

pytestmark = pytest.mark.django_db


def end_in_the_past(survey, *, days: int = 1) -> None:
    """Move the survey's period back, as if time had passed (the constraint wants the end after the start)."""
    ended = timezone.now() - timedelta(days=days)
    Survey.objects.filter(pk=survey.pk).update(starts_at=ended - timedelta(days=30), ends_at=ended)
    Wave.objects.filter(survey=survey).update(starts_on=timezone.localdate(ended) - timedelta(days=30))
    survey.refresh_from_db()


def page(name: str, survey, **kwargs) -> str:
    return reverse(
        f"programmes:evaluation:{name}", kwargs={**survey.programme.url_kwargs, "survey": survey.pk, **kwargs}
    )


# --- Closing ended surveys ---------------------------------------------------------------------------


def test_ended_surveys_are_closed_with_their_wave_ending_on_the_end_date(world):
    ended = make_survey(world.programme, title="Vorbei")
    running = make_survey(world.programme, title="Läuft")
    services.survey_update(survey=running, ends_at=timezone.now() + timedelta(days=3))
    open_ended = make_survey(world.programme, title="Ohne Ende")
    end_in_the_past(ended, days=3)

    assert services.surveys_close_ended() == [ended.pk]
    ended.refresh_from_db()
    assert ended.status == Survey.Status.CLOSED
    wave = ended.waves.get()
    assert wave.status == Wave.Status.CLOSED and wave.ends_on == timezone.localdate(ended.ends_at)
    for survey in (running, open_ended):
        survey.refresh_from_db()
        assert survey.status == Survey.Status.OPEN
    # idempotent: a second run finds nothing to do and changes nothing
    updated = ended.updated_at
    assert services.surveys_close_ended() == []
    ended.refresh_from_db()
    assert ended.updated_at == updated


def test_the_beat_task_closes_ended_surveys_and_is_scheduled(world):
    survey = make_survey(world.programme)
    end_in_the_past(survey)
    assert tasks.close_ended_surveys.delay().get() == 1
    assert tasks.close_ended_surveys.delay().get() == 0
    survey.refresh_from_db()
    assert survey.status == Survey.Status.CLOSED
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"evaluation.tasks.close_ended_surveys", "evaluation.tasks.purge_abandoned_imports"} <= scheduled


def test_survey_page_overview_and_api_never_show_an_ended_survey_as_open(client_as, api_as, world):
    for opener in (
        lambda s: client_as("stakeholder").get(page("survey_detail", s)),
        lambda s: client_as("stakeholder").get(
            reverse("programmes:evaluation", kwargs=world.programme.url_kwargs)
        ),
        lambda s: api_as("stakeholder").get(reverse("api:survey-detail", kwargs={"pk": s.pk})),
        lambda s: api_as("stakeholder").get(reverse("api:survey-list")),
        lambda s: Client().get(reverse("surveys:answer", kwargs={"token": s.public_token})),
    ):
        survey = make_survey(world.programme)
        end_in_the_past(survey)
        response = opener(survey)
        assert response.status_code in (HTTPStatus.OK, HTTPStatus.GONE)
        survey.refresh_from_db()
        assert survey.status == Survey.Status.CLOSED
        assert not survey.waves.filter(status=Wave.Status.OPEN).exists()
        if response.headers["Content-Type"].startswith("application/json"):
            body = response.json()
            rows = body.get("results", [body])
            assert {row["status"] for row in rows if row["id"] == survey.pk} == {"closed"}
        elif response.context and "surveys" in response.context:  # the overview lists it as closed
            listed = [row.status for row in response.context["surveys"] if row.pk == survey.pk]
            assert listed == [Survey.Status.CLOSED]
        Survey.objects.filter(pk=survey.pk).delete()


def test_the_public_page_of_an_ended_survey_is_gone(world):
    survey = make_survey(world.programme)
    end_in_the_past(survey)
    response = Client().post(
        reverse("surveys:answer", kwargs={"token": survey.public_token}), {"q_grade": "2"}
    )
    assert response.status_code == HTTPStatus.GONE
    assert Response.objects.count() == 0


def test_a_survey_page_costs_no_extra_query_while_the_survey_runs(
    client_as, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = make_survey(world.programme)
    services.survey_update(survey=survey, ends_at=timezone.now() + timedelta(days=3))
    client = client_as("lead")
    client.get(page("survey_detail", survey))
    with CaptureQueriesContext(connection) as running:
        client.get(page("survey_detail", survey))
    running_count = len(running.captured_queries)  # read now: the next request clears the log
    end_in_the_past(survey)
    client.get(page("survey_detail", survey))  # closes it
    with django_assert_num_queries(running_count):
        client.get(page("survey_detail", survey))


# --- A new wave after the end date -------------------------------------------------------------------


def test_new_wave_of_an_ended_survey_needs_a_new_end_date_or_none(world):
    survey = make_survey(world.programme)
    end_in_the_past(survey)
    with pytest.raises(ValidationError) as error:
        services.wave_start(survey=survey, label="Welle 2")
    assert "ends_at" in error.value.message_dict
    assert survey.waves.count() == 1
    with pytest.raises(ValidationError) as error:
        services.wave_start(survey=survey, ends_at=timezone.now() - timedelta(hours=1))
    assert error.value.message_dict["ends_at"] == ["The new end must be in the future."]
    with pytest.raises(ValidationError):
        services.wave_start(survey=survey, ends_at=timezone.now() + timedelta(days=1), clear_ends_at=True)

    new_end = timezone.now() + timedelta(days=14)
    wave = services.wave_start(survey=survey, label="Welle 2", ends_at=new_end)
    survey.refresh_from_db()
    assert wave.number == 2 and survey.ends_at == new_end and survey.is_accepting()
    services.response_submit(survey=survey, answers=VALID)
    assert Response.objects.get().wave == wave

    end_in_the_past(survey)
    services.surveys_close_ended()
    wave = services.wave_start(survey=survey, clear_ends_at=True)
    survey.refresh_from_db()
    assert wave.number == 3 and survey.ends_at is None and survey.is_accepting()


def test_publishing_a_survey_whose_end_has_passed_is_refused(world):
    survey = make_survey(world.programme, publish=False)
    end_in_the_past(survey)
    with pytest.raises(ValidationError) as error:
        services.survey_publish(survey=survey)
    assert "ends_at" in error.value.message_dict
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT


def test_wave_form_shows_the_end_date_error_at_the_field(client_as, world):
    survey = make_survey(world.programme)
    end_in_the_past(survey)
    client = client_as("member")
    detail = client.get(page("survey_detail", survey)).content.decode()
    assert 'id="survey-end"' in detail and 'name="ends_at"' in detail and 'name="clear_ends_at"' in detail
    response = client.post(page("wave_start", survey), {"label": "Nach dem Umbau"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "a new wave would take no answers" in response.context["wave_form"].errors["ends_at"][0]
    assert 'id="id_ends_at_error"' in response.content.decode()
    assert survey.waves.count() == 1
    new_end = (timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    both = client.post(page("wave_start", survey), {"ends_at": new_end, "clear_ends_at": "on"})
    assert both.status_code == HTTPStatus.BAD_REQUEST
    assert both.context["wave_form"].errors["ends_at"] == [
        "Either give a new end date or remove the end date, not both."
    ]
    response = client.post(page("wave_start", survey), {"label": "Nach dem Umbau", "ends_at": new_end})
    assert response.status_code == HTTPStatus.FOUND
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN and survey.is_accepting()
    assert survey.waves.get(number=2).label == "Nach dem Umbau"


def test_wave_api_needs_a_new_end_date_after_the_end(api_as, world):
    survey = make_survey(world.programme)
    end_in_the_past(survey)
    api = api_as("lead")
    target = reverse("api:survey-waves", kwargs={"pk": survey.pk})
    refused = api.post(target, {"label": "2"}, format="json")
    assert refused.status_code == HTTPStatus.BAD_REQUEST and "ends_at" in refused.json()
    both = api.post(
        target, {"ends_at": (timezone.now() + timedelta(days=2)).isoformat(), "clear_ends_at": True}
    )
    assert both.status_code == HTTPStatus.BAD_REQUEST
    created = api.post(target, {"label": "2", "clear_ends_at": True}, format="json")
    assert created.status_code == HTTPStatus.CREATED and created.json()["number"] == 2
    survey.refresh_from_db()
    assert survey.ends_at is None and survey.status == Survey.Status.OPEN
    response = APIClient().post(
        reverse("api:public-survey-responses", kwargs={"token": survey.public_token}),
        {"answers": VALID},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED
