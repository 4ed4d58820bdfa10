"""The public survey page and the public API: no account, validation, abuse controls, privacy."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation import services
from evaluation.models import Answer, Response
from tests.evaluation.factories import VALID, make_survey

pytestmark = pytest.mark.django_db


def form_data(answers: dict) -> dict:
    return {f"q_{code}": value for code, value in answers.items()}


def answer_url(survey, point=None):
    if point:
        return reverse("surveys:answer_point", kwargs={"token": survey.public_token, "point": point.token})
    return reverse("surveys:answer", kwargs={"token": survey.public_token})


def test_page_is_accessible_markup(survey):
    response = Client().get(answer_url(survey))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count('<fieldset class="kern-fieldset"') == 8
    assert html.count("<legend") == 8
    assert 'type="radio" name="q_transport"' in html
    assert 'type="checkbox" name="q_reasons"' in html
    assert '<label class="kern-label" for="id_q_grade_0">1 – very good</label>' in html
    assert 'name="website"' in html  # honeypot
    assert 'name="viewport"' in html


def test_page_in_english(world):
    survey = services.survey_create_from_template(
        programme=world.programme, template_key="inner_city_visitors"
    )
    services.survey_publish(survey=survey)
    html = Client().get(answer_url(survey) + "?lang=en").content.decode()
    assert "City centre visitor survey" in html
    assert "What overall grade do you give the city centre?" in html
    assert 'lang="en"' in html
    html = Client().get(answer_url(survey) + "?lang=de").content.decode()
    assert "Welche Gesamtnote geben Sie der Innenstadt?" in html


def test_valid_submission_is_saved_with_collection_point_and_no_ip(survey):
    point = services.collection_point_create(survey=survey, name="Markt")
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Secret-Agent/1.0")
    response = client.post(answer_url(survey, point), form_data(VALID))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("surveys:thanks", kwargs={"token": survey.public_token})
    saved = Response.objects.get()
    assert saved.collection_point == point
    assert Answer.objects.filter(response=saved).count() == 9
    stored = " ".join(str(v) for v in Response.objects.values_list().get())
    assert "198.51.100.7" not in stored and "Secret-Agent" not in stored
    assert client.get(reverse("surveys:thanks", kwargs={"token": survey.public_token})).status_code == 200


def test_invalid_submission_keeps_everything_typed(survey):
    data = form_data({**VALID, "grade": "9", "wish": "Mehr Bänke <b>bitte</b>", "name_place": "Am Brunnen"})
    data.pop("q_transport")
    response = Client().post(answer_url(survey), data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert html.count('class="kern-error"') == 2
    assert "kern-fieldset kern-fieldset--error" in html
    assert 'id="id_q_transport_error"' in html and 'id="id_q_grade_error"' in html
    assert "Mehr Bänke &lt;b&gt;bitte&lt;/b&gt;</textarea>" in html
    assert 'value="Am Brunnen"' in html
    assert 'value="shopping" checked' in html and 'value="food" checked' in html
    assert 'name="q_nps" id="id_q_nps_9" value="9" checked' in html
    assert Response.objects.count() == 0


def test_one_response_per_browser(survey):
    client = Client()
    assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    again = client.get(answer_url(survey))
    assert "already answered" in again.content.decode()
    assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.OK
    assert Response.objects.count() == 1
    # a forged cookie is ignored
    other = Client()
    other.cookies[f"answered_{survey.pk}"] = "1"
    assert "already answered" not in other.get(answer_url(survey)).content.decode()


def test_several_responses_per_browser_when_configured(survey):
    services.survey_update(survey=survey, one_response_per_browser=False)
    client = Client()
    for _ in range(2):
        assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 2


def test_honeypot_discards_silently(survey):
    response = Client().post(answer_url(survey), {**form_data(VALID), "website": "http://spam.example"})
    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 0


def test_rate_limit_per_client_behind_one_proxy(survey, settings):
    settings.SURVEY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    services.survey_update(survey=survey, one_response_per_browser=False)

    def post(client_ip):
        # the proxy appends the address it saw; anything before it may be forged by the client
        return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_ip}").post(
            answer_url(survey), form_data(VALID)
        )

    assert post("203.0.113.1").status_code == HTTPStatus.FOUND
    assert post("203.0.113.1").status_code == HTTPStatus.FOUND
    blocked = post("203.0.113.1")
    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many answers" in blocked.content.decode()
    assert post("203.0.113.2").status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 3


def test_draft_closed_and_unknown(world):
    draft = make_survey(world.programme, publish=False)
    response = Client().get(answer_url(draft))
    assert response.status_code == HTTPStatus.OK and "not open" in response.content.decode()
    assert Client().post(answer_url(draft), form_data(VALID)).status_code == HTTPStatus.OK
    services.survey_publish(survey=draft)
    draft.refresh_from_db()
    services.survey_close(survey=draft)
    response = Client().get(answer_url(draft))
    assert response.status_code == HTTPStatus.GONE and "has ended" in response.content.decode()
    assert Response.objects.count() == 0
    assert Client().get("/s/not-a-token/").status_code == HTTPStatus.NOT_FOUND
    draft_point = services.collection_point_create(survey=draft, name="X")
    assert Client().get(f"/s/{draft.public_token}/nope/").status_code == HTTPStatus.NOT_FOUND
    assert draft_point.token


# --- Public API --------------------------------------------------------------------------------------


def api_url(survey):
    return reverse("api:public-survey-responses", kwargs={"token": survey.public_token})


def test_api_submission_without_account_or_csrf(survey):
    client = APIClient(enforce_csrf_checks=True)
    point = services.collection_point_create(survey=survey, name="Markt")
    response = client.post(
        api_url(survey), {"answers": VALID, "collection_point": point.token, "language": "de"}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert Response.objects.get().collection_point == point


def test_api_errors_per_question(survey):
    response = APIClient().post(
        api_url(survey),
        {"answers": {**VALID, "transport": "plane", "reasons": ["shopping", "food", "culture"], "nps": 12}},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["answers"]
    assert set(errors) == {"transport", "reasons", "nps"}
    assert Response.objects.count() == 0
    response = APIClient().post(api_url(survey), {"answers": ["car"]}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_api_closed_unknown_honeypot_and_rate_limit(survey, settings):
    client = APIClient()
    assert (
        client.post("/api/v1/public/surveys/nope/responses/", {"answers": VALID}, format="json").status_code
        == 404
    )
    assert (
        client.post(
            api_url(survey), {"answers": VALID, "collection_point": "nope"}, format="json"
        ).status_code
        == 404
    )
    assert client.post(api_url(survey), {"answers": VALID, "website": "x"}, format="json").status_code == 201
    assert Response.objects.count() == 0
    settings.SURVEY_RATE_LIMIT = 1
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == 201
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == 429
    services.survey_close(survey=survey)
    assert client.post(api_url(survey), {"answers": VALID}, format="json").status_code == 410


def test_api_survey_definition(world, survey):
    response = APIClient().get(reverse("api:public-survey", kwargs={"token": survey.public_token}))
    assert response.status_code == 200
    data = response.json()
    assert data["accepting"] is True
    assert [q["code"] for q in data["questions"]][:2] == ["transport", "reasons"]
    assert data["questions"][0]["choices"][0]["code"] == "car"
    draft = make_survey(world.programme, publish=False)
    assert (
        APIClient().get(reverse("api:public-survey", kwargs={"token": draft.public_token})).status_code == 404
    )


def test_api_has_no_one_response_per_browser_check_by_design(survey):
    """Kiosk and paper-entry clients send many visitors' responses from one device (docs/api.md)."""
    assert survey.one_response_per_browser
    browser = Client()
    assert browser.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert "already answered" in browser.get(answer_url(survey)).content.decode()
    client = APIClient()
    client.cookies = browser.cookies  # even with the web form's "answered" cookie
    for _ in range(2):
        assert (
            client.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
        )
    assert Response.objects.count() == 3
