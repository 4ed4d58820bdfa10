"""Survey settings: the languages of a survey made from a template, and the per-survey rate limit."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from evaluation.models import Survey
from tests.evaluation.factories import make_survey

pytestmark = pytest.mark.django_db

CREATE_FIELDS = {
    "title": "",
    "response_target": 100,
    "small_cell_threshold": 5,
    "one_response_per_browser": "on",
}


def create_url(world) -> str:
    return reverse("programmes:evaluation:survey_create", kwargs=world.programme.url_kwargs)


def edit_url(survey) -> str:
    return reverse(
        "programmes:evaluation:survey_edit", kwargs={**survey.programme.url_kwargs, "survey": survey.pk}
    )


# --- New survey from a template: its languages ----------------------------------------------------


def test_template_survey_keeps_english_without_ticking_it_by_hand(client_as, world):
    """The form starts with German ticked; picking a template (without JavaScript) must not drop English."""
    client = client_as("member")
    page = client.get(create_url(world)).content.decode()
    assert 'value="de" id="id_languages_0" checked' in page
    assert 'value="en" id="id_languages_1">' in page  # English not ticked
    response = client.post(
        create_url(world), {**CREATE_FIELDS, "template": "inner_city_visitors", "languages": ["de"]}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    survey = Survey.objects.get()
    assert survey.languages == ["de", "en"] and survey.title_en == "City centre visitor survey"


def test_template_link_offers_the_template_languages_and_respects_unticking(client_as, world):
    client = client_as("member")
    page = client.get(create_url(world), {"template": "inner_city_visitors"})
    form = page.context["form"]
    assert (
        form["languages"].value() == ["de", "en"] and form["languages_for"].value() == "inner_city_visitors"
    )
    html = page.content.decode()
    assert 'name="languages_for" value="inner_city_visitors"' in html
    assert 'value="en" id="id_languages_1" checked' in html
    assert "js/survey-create.js" in html and "data-template-languages" in html
    # the languages were shown for this template; unticking English is a choice and stays
    response = client.post(
        create_url(world),
        {
            **CREATE_FIELDS,
            "template": "inner_city_visitors",
            "languages_for": "inner_city_visitors",
            "languages": ["de"],
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Survey.objects.get().languages == ["de"]


def test_empty_survey_and_unknown_template_link_keep_german_only(client_as, world):
    client = client_as("member")
    assert client.get(create_url(world), {"template": "nope"}).context["form"]["languages"].value() == ["de"]
    response = client.post(create_url(world), {**CREATE_FIELDS, "title": "Leer", "languages": ["de"]})
    assert response.status_code == HTTPStatus.FOUND
    assert Survey.objects.get().languages == ["de"]


def test_api_template_survey_keeps_the_template_languages(api_as, world):
    response = api_as("member").post(
        reverse("api:survey-list"),
        {"programme": world.programme.pk, "template": "inner_city_visitors"},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED and response.json()["languages"] == ["de", "en"]


# --- Rate limit per survey -----------------------------------------------------------------------------


def test_settings_form_offers_the_rate_limit_with_the_platform_default(client_as, world, settings):
    settings.SURVEY_RATE_LIMIT = 30
    settings.SURVEY_RATE_WINDOW = 600
    survey = make_survey(world.programme)
    client = client_as("member")
    html = client.get(edit_url(survey)).content.decode()
    assert "Answers per connection in 10 minutes" in html
    assert "platform default (30)" in html and 'name="rate_limit"' in html
    data = {
        "title": survey.title,
        "languages": survey.languages,
        "response_target": 100,
        "small_cell_threshold": 5,
        "one_response_per_browser": "on",
    }
    assert client.post(edit_url(survey), {**data, "rate_limit": "200"}).status_code == HTTPStatus.FOUND
    survey.refresh_from_db()
    assert survey.rate_limit == 200 and survey.effective_rate_limit() == 200
    assert client.post(edit_url(survey), {**data, "rate_limit": "0"}).status_code == HTTPStatus.FOUND
    survey.refresh_from_db()
    assert survey.rate_limit == 0 and survey.effective_rate_limit() == 0
    assert client.post(edit_url(survey), {**data, "rate_limit": ""}).status_code == HTTPStatus.FOUND
    survey.refresh_from_db()
    assert survey.rate_limit is None and survey.effective_rate_limit() == 30
    for bad in ("-1", "abc", "100001"):
        response = client.post(edit_url(survey), {**data, "rate_limit": bad})
        assert response.status_code == HTTPStatus.OK and "rate_limit" in response.context["form"].errors, bad


def test_api_reads_and_writes_the_rate_limit(api_as, world):
    survey = make_survey(world.programme)
    api = api_as("lead")
    target = reverse("api:survey-detail", kwargs={"pk": survey.pk})
    assert api.get(target).json()["rate_limit"] is None
    assert api.patch(target, {"rate_limit": 0}, format="json").json()["rate_limit"] == 0
    for bad in (-1, 100001, "viele"):
        response = api.patch(target, {"rate_limit": bad}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST and "rate_limit" in response.json(), bad
    assert api.patch(target, {"rate_limit": None}, format="json").json()["rate_limit"] is None
