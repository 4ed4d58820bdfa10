"""The public survey page and the public API: no account, validation, abuse controls, privacy."""

import re
from http import HTTPStatus

import pytest
from django.http import HttpResponse
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
    # the honeypot has a name no browser autofills, and is kept out of reach of keyboards and screen readers
    assert 'name="hp_answer_check" tabindex="-1" autocomplete="off"' in html
    assert 'class="survey-honeypot" aria-hidden="true"' in html
    assert 'name="website"' not in html
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
    response = Client().post(
        answer_url(survey), {**form_data(VALID), "hp_answer_check": "http://spam.example"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 0


def test_a_browser_autofilling_a_website_field_does_not_lose_the_answers(survey):
    """The former honeypot name "website" is what browsers autofill; on the web form it is no trap any more."""
    response = Client().post(answer_url(survey), {**form_data(VALID), "website": "https://my-shop.example"})
    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 1


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


# --- One response per browser and wave ---------------------------------------------------------------


def test_one_response_per_browser_counts_per_wave_so_regulars_answer_again_in_wave_2(survey):
    client = Client()
    assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert "already answered" in client.get(answer_url(survey)).content.decode()

    services.wave_start(survey=survey, label="Nach der Maßnahme")
    again = client.get(answer_url(survey))
    assert "already answered" not in again.content.decode() and 'id="survey-form"' in again.content.decode()
    assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert sorted(Response.objects.values_list("wave__number", flat=True)) == [1, 2]
    # and once per wave still holds
    assert "already answered" in client.get(answer_url(survey)).content.decode()
    assert client.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.OK
    assert Response.objects.count() == 2


def test_an_answered_cookie_of_the_old_kind_does_not_block(survey):
    """Before, the cookie said only "answered" (value 1) for the whole survey; it no longer blocks any wave."""
    client = Client()
    response = HttpResponse()
    response.set_signed_cookie(f"answered_{survey.pk}", "1", salt="evaluation.answered")
    client.cookies[f"answered_{survey.pk}"] = response.cookies[f"answered_{survey.pk}"].value
    assert "already answered" not in client.get(answer_url(survey)).content.decode()


# --- Rate limit per survey ---------------------------------------------------------------------------


def test_a_survey_can_raise_the_limit_for_a_shared_connection(survey, settings):
    """Visitors behind the market square's Wi-Fi share one address: the survey's own limit applies."""
    settings.SURVEY_RATE_LIMIT = 1
    services.survey_update(survey=survey, one_response_per_browser=False, rate_limit=3)
    web, api = Client(REMOTE_ADDR="203.0.113.9"), APIClient(REMOTE_ADDR="203.0.113.9")
    assert web.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert web.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.FOUND
    assert api.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
    # web form and API count together
    assert web.post(answer_url(survey), form_data(VALID)).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert api.post(api_url(survey), {"answers": VALID}, format="json").status_code == 429
    assert Response.objects.count() == 3


def test_limit_zero_switches_it_off_for_a_supervised_kiosk(survey, settings):
    settings.SURVEY_RATE_LIMIT = 1
    services.survey_update(survey=survey, one_response_per_browser=False, rate_limit=0)
    kiosk = APIClient(REMOTE_ADDR="203.0.113.10")
    for _ in range(5):
        assert (
            kiosk.post(api_url(survey), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
        )
    assert Client(REMOTE_ADDR="203.0.113.10").post(answer_url(survey), form_data(VALID)).status_code == 302
    # another survey without its own limit still follows the platform's
    other = make_survey(survey.programme, title="Andere")
    client = APIClient(REMOTE_ADDR="203.0.113.10")
    assert client.post(api_url(other), {"answers": VALID}, format="json").status_code == HTTPStatus.CREATED
    assert client.post(api_url(other), {"answers": VALID}, format="json").status_code == 429


# --- Honeypot and CSRF -------------------------------------------------------------------------------


def test_api_honeypot_under_its_new_and_its_former_name(survey):
    client = APIClient()
    for field in ("hp_answer_check", "website"):
        response = client.post(
            api_url(survey), {"answers": VALID, field: "http://spam.example"}, format="json"
        )
        assert response.status_code == HTTPStatus.CREATED and response.json() == {"status": "saved"}
    assert Response.objects.count() == 0
    assert client.post(api_url(survey), {"answers": VALID, "website": ""}, format="json").status_code == 201
    assert Response.objects.count() == 1


def test_public_api_takes_json_only_so_other_sites_cannot_post_forms_to_it(survey):
    """A plain HTML form on another site can send form data or text/plain, never JSON without asking first."""
    client = APIClient()
    form = client.post(api_url(survey), {"answers.transport": "car"}, format="multipart")
    assert form.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    text = client.post(api_url(survey), '{"answers": {"transport": "car"}}', content_type="text/plain")
    assert text.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert Response.objects.count() == 0


def test_survey_pages_always_set_the_csrf_cookie(survey):
    response = Client(enforce_csrf_checks=True).get(answer_url(survey))
    assert response.status_code == HTTPStatus.OK and "csrftoken" in response.cookies


def test_failed_csrf_check_shows_the_survey_again_with_every_answer_kept(survey):
    """A cookie lost in an in-app browser: nothing is stored, nothing typed is lost, sending again works."""
    client = Client(enforce_csrf_checks=True)
    answers = {**VALID, "wish": "Mehr Bänke am Brunnen", "name_place": "Am Brunnen"}
    response = client.post(answer_url(survey) + "?lang=de", {**form_data(answers), "language": "de"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    html = response.content.decode()
    assert "Ihre Antworten wurden noch nicht gesendet" in html and 'id="form-error"' in html
    assert 'lang="de"' in html and "CSRF" not in html
    assert "Mehr Bänke am Brunnen</textarea>" in html and 'value="Am Brunnen"' in html
    assert 'value="shopping" checked' in html and 'name="q_nps" id="id_q_nps_9" value="9" checked' in html
    assert Response.objects.count() == 0
    assert "no-cache" in response["Cache-Control"]
    # the page came with a fresh cookie and token: sending once more is accepted
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    sent = client.post(answer_url(survey), {**form_data(answers), "csrfmiddlewaretoken": token})
    assert sent.status_code == HTTPStatus.FOUND and Response.objects.count() == 1


def test_failed_csrf_check_elsewhere_shows_a_translated_page_with_a_way_back(world):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(world.user("member"))
    form = reverse("programmes:evaluation:survey_create", kwargs=world.programme.url_kwargs)
    response = client.post(form, {"title": "X"}, HTTP_REFERER=f"http://testserver{form}")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "403_csrf.html" in [template.name for template in response.templates]
    html = response.content.decode()
    assert "Formular konnte nicht gesendet werden" in html
    assert f'href="{form}" id="csrf-back"' in html
    # a referrer from another site is not offered as the way back
    response = client.post(form, {"title": "X"}, HTTP_REFERER="https://evil.example/form")
    assert 'href="https://evil.example' not in response.content.decode()
    assert f'href="{form}" id="csrf-back"' in response.content.decode()
