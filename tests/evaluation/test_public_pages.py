"""The public form of a survey with sections: one section per page, Next and Back, answers carried between
pages in hidden fields, a check per page, one atomic submission at the end and the abuse controls kept."""

import html as html_lib
import re
from http import HTTPStatus

import pytest
from django.test import Client

from evaluation import services
from evaluation.models import Answer, Response
from tests.evaluation.factories import VALID, make_survey
from tests.evaluation.test_public import answer_url, form_data

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="(q_[a-z_]+)" value="([^"]*)">')
PAGE = re.compile(r'<input type="hidden" name="page" value="(\d+)">')
PAGE_1 = {"transport": "car", "reasons": ["shopping", "food"]}
PAGE_2 = {"grade": "2", "agree": "4"}
PAGE_3 = {"nps": "9", "spend": "25,50", "name_place": "Marktplatz", "wish": "Mehr Bänke"}


@pytest.fixture
def paged(world):
    """Three sections: arrival (transport required), rating (grade required), the rest (nps required)."""
    survey = make_survey(world.programme, publish=False)
    sections = [
        services.section_create(survey=survey, title=title, title_en=title_en)
        for title, title_en in [("Anreise", "Arrival"), ("Bewertung", "Rating"), ("Zum Schluss", "Finally")]
    ]
    layout = {"transport": 0, "reasons": 0, "grade": 1, "agree": 1, "nps": 2}  # the rest follows the NPS
    for code, index in layout.items():
        question = survey.questions.get(code=code)
        services.question_update(question=question, section=sections[index], required=code != "reasons")
    services.survey_publish(survey=survey)
    survey.refresh_from_db()
    return survey


def page_of(html: str) -> int:
    return int(PAGE.search(html).group(1))


def carried(html: str) -> dict:
    """The answers the page carries in hidden fields, as the browser sends them back."""
    data: dict = {}
    for name, value in HIDDEN.findall(html):
        data.setdefault(name, []).append(html_lib.unescape(value))
    return data


CHECKED = re.compile(r'name="(q_[a-z_]+)" id="[^"]+" value="([^"]*)" checked')
TYPED = re.compile(r'type="text" (?:inputmode="decimal" )?id="[^"]+" name="(q_[a-z_]+)" value="([^"]*)"')
WRITTEN = re.compile(r'name="(q_[a-z_]+)" rows="5"[^>]*>([^<]*)</textarea>')


def shown(html: str) -> dict:
    """The answers the visible fields of the page hold (checked options, typed values)."""
    data: dict = {}
    for pattern in (CHECKED, TYPED, WRITTEN):
        for name, value in pattern.findall(html):
            if value:
                data.setdefault(name, []).append(html_lib.unescape(value))
    return data


def send(client, survey, html: str, nav: str, answers: dict | None = None, **extra):
    """Press a button (next, back, send) on the page shown in ``html``, as the browser would, after giving
    these answers on it."""
    data = {"language": "en", "page": page_of(html), "nav": nav, **carried(html), **shown(html)}
    data.update(form_data(answers or {}))
    data.update(extra)
    return client.post(answer_url(survey), data)


def visible_questions(html: str) -> list[str]:
    return re.findall(r'<legend class="kern-label" id="id_q_([a-z_]+)_legend"', html)


def walk_to_last_page(client, survey):
    first = client.get(answer_url(survey)).content.decode()
    second = send(client, survey, first, "next", PAGE_1).content.decode()
    return send(client, survey, second, "next", PAGE_2).content.decode()


def test_first_page_shows_only_its_section_with_progress_and_next(paged):
    response = Client().get(answer_url(paged))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert visible_questions(html) == ["transport", "reasons"]
    assert "Page 1 of 3" in html and ">Arrival</h2>" in html
    assert 'value="next"' in html and 'value="back"' not in html and 'value="send"' not in html
    assert "data-focus" not in html  # the first page keeps the focus where the browser puts it
    german = Client().get(answer_url(paged) + "?lang=de").content.decode()
    assert "Seite 1 von 3" in german and "Anreise" in german


def test_next_moves_on_with_the_answers_carried_and_nothing_saved(paged):
    client = Client()
    first = client.get(answer_url(paged)).content.decode()
    response = send(client, paged, first, "next", PAGE_1)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert visible_questions(html) == ["grade", "agree"]
    assert "Page 2 of 3" in html and "Rating</h2>" in html
    assert 'data-focus="survey-step-heading"' in html
    assert 'value="back"' in html and 'value="next"' in html
    assert carried(html) == {"q_transport": ["car"], "q_reasons": ["shopping", "food"]}
    assert Response.objects.count() == 0


def test_next_checks_the_page_and_marks_each_question(paged):
    client = Client()
    first = client.get(answer_url(paged)).content.decode()
    response = send(client, paged, first, "next", {"reasons": ["shopping", "food", "culture"]})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert visible_questions(html) == ["transport", "reasons"]
    assert 'id="id_q_transport_error"' in html and "Please answer this question." in html
    assert 'id="id_q_reasons_error"' in html and "at most 2 options" in html
    assert 'data-focus="form-error"' in html and 'id="form-error"' in html
    assert 'href="#id_q_transport_legend"' in html
    # what was typed stays
    assert 'value="culture" checked' in html
    assert "Page 1 of 3" in html


def test_back_keeps_the_answers_of_every_page(paged):
    client = Client()
    first = client.get(answer_url(paged)).content.decode()
    second = send(client, paged, first, "next", PAGE_1).content.decode()
    # back from page 2 with an answer given there, and even one not yet valid
    back = send(client, paged, second, "back", {"grade": "2", "agree": "9"}).content.decode()
    assert "Page 1 of 3" in back and visible_questions(back) == ["transport", "reasons"]
    assert 'name="q_transport" id="id_q_transport_0" value="car" checked' in back
    assert 'value="shopping" checked' in back and 'value="food" checked' in back
    assert carried(back) == {"q_grade": ["2"], "q_agree": ["9"]}
    assert "kern-error" not in back  # going back checks nothing
    again = send(client, paged, back, "next").content.decode()
    assert "Page 2 of 3" in again
    assert 'name="q_grade" id="id_q_grade_1" value="2" checked' in again


def test_required_question_on_a_later_page_and_the_final_atomic_send(paged):
    client = Client()
    last = walk_to_last_page(client, paged)
    assert "Page 3 of 3" in last and visible_questions(last) == ["nps", "spend", "name_place", "wish"]
    assert 'value="send"' in last and 'value="next"' not in last
    missing = send(client, paged, last, "send", {**PAGE_3, "nps": ""})
    html = missing.content.decode()
    assert missing.status_code == HTTPStatus.OK and "Page 3 of 3" in html
    assert 'id="id_q_nps_error"' in html and Response.objects.count() == 0
    assert 'value="Marktplatz"' in html
    done = send(client, paged, html, "send", PAGE_3)
    assert done.status_code == HTTPStatus.FOUND
    saved = Response.objects.get()
    codes = sorted(Answer.objects.filter(response=saved).values_list("question__code", flat=True))
    assert codes == sorted(["transport", "reasons", "reasons", "grade", "agree", *PAGE_3])


def test_a_tampered_earlier_answer_is_caught_at_the_end_on_its_own_page(paged):
    client = Client()
    last = walk_to_last_page(client, paged)
    response = send(client, paged, last.replace('value="car"', 'value="plane"'), "send", PAGE_3)
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Page 1 of 3" in html and 'id="id_q_transport_error"' in html
    assert Response.objects.count() == 0


def test_a_whole_form_sent_at_once_is_still_accepted(paged):
    """A client that posts every answer without paging (e.g. a saved form) is checked and saved as a whole."""
    response = Client().post(answer_url(paged), form_data(VALID))
    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 1


def test_honeypot_on_any_page_stores_nothing(paged):
    client = Client()
    first = client.get(answer_url(paged)).content.decode()
    response = send(client, paged, first, "next", PAGE_1, hp_answer_check="http://spam.example")
    assert response.status_code == HTTPStatus.FOUND and response["Location"].endswith("/thanks/")
    last = walk_to_last_page(Client(), paged)
    response = send(Client(), paged, last, "send", PAGE_3, hp_answer_check="http://spam.example")
    assert response.status_code == HTTPStatus.FOUND
    assert Response.objects.count() == 0


def test_rate_limit_counts_the_final_send_only(paged, settings):
    settings.SURVEY_RATE_LIMIT = 1
    services.survey_update(survey=paged, one_response_per_browser=False)
    client = Client()
    last = walk_to_last_page(client, paged)  # two pages turned: not counted
    assert send(client, paged, last, "send", PAGE_3).status_code == HTTPStatus.FOUND
    last = walk_to_last_page(client, paged)  # paging still works after the limit is reached
    assert "Page 3 of 3" in last
    blocked = send(client, paged, last, "send", PAGE_3)
    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = blocked.content.decode()
    assert "Too many answers" in html and "Page 3 of 3" in html and carried(html)["q_transport"] == ["car"]
    assert Response.objects.count() == 1


def test_one_response_per_browser_applies_to_every_page(paged):
    client = Client()
    last = walk_to_last_page(client, paged)
    assert send(client, paged, last, "send", PAGE_3).status_code == HTTPStatus.FOUND
    assert "already answered" in client.get(answer_url(paged)).content.decode()
    again = send(client, paged, last, "next", PAGE_1)
    assert "already answered" in again.content.decode()
    assert send(client, paged, last, "send", PAGE_3).status_code == HTTPStatus.OK
    assert Response.objects.count() == 1


def test_survey_without_sections_stays_one_page(survey):
    html = Client().get(answer_url(survey)).content.decode()
    assert len(visible_questions(html)) == 8
    assert "Page 1 of" not in html and 'name="page"' not in html and 'name="nav"' not in html


def test_questions_without_a_section_join_the_page_before_them(world):
    survey = make_survey(world.programme, publish=False)
    later = services.section_create(survey=survey, title="Bewertung")
    for code in ("grade", "agree"):
        services.question_update(question=survey.questions.get(code=code), section=later)
    services.survey_publish(survey=survey)
    first = Client().get(answer_url(survey)).content.decode()
    # the questions before the first section make page 1, headed by the page number
    assert visible_questions(first) == ["transport", "reasons"] and "Page 1 of 2</h2>" in first
    second = send(Client(), survey, first, "next", PAGE_1).content.decode()
    assert visible_questions(second) == ["grade", "agree", "nps", "spend", "name_place", "wish"]
