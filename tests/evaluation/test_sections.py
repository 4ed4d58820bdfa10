"""Sections in the survey builder and as headed groups in the public form."""

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from evaluation import selectors, services
from tests.evaluation.factories import make_survey
from tests.evaluation.test_public import answer_url
from tests.evaluation.test_views import url


def test_member_creates_renames_assigns_and_deletes_a_section(client_as, world, survey):
    client = client_as("member")
    response = client.post(
        url("section_create", world.programme, survey=survey.pk),
        {"section-title": "Ihr Besuch", "section-title_en": "Your visit"},
    )
    assert response.status_code == HTTPStatus.FOUND
    section = survey.sections.get()
    assert (section.title, section.title_en, section.position) == ("Ihr Besuch", "Your visit", 1)

    edit = url("section_edit", world.programme, survey=survey.pk, section=section.pk)
    assert client.get(edit).status_code == HTTPStatus.OK
    client.post(edit, {"title": "Anreise", "title_en": "Getting here"})
    section.refresh_from_db()
    assert section.title == "Anreise"

    question = survey.questions.get(code="grade")
    form_page = client.get(url("question_edit", world.programme, survey=survey.pk, question=question.pk))
    assert 'name="section"' in form_page.content.decode()
    client.post(
        url("question_edit", world.programme, survey=survey.pk, question=question.pk),
        {"type": "school_grade", "section": section.pk, "text": question.text, "code": "grade"},
    )
    question.refresh_from_db()
    assert question.section == section
    builder = client.get(survey.get_absolute_url()).content.decode()
    assert "Anreise" in builder and 'id="sections"' in builder

    client.post(url("section_delete", world.programme, survey=survey.pk, section=section.pk))
    question.refresh_from_db()
    assert question.section is None and not survey.sections.exists()


def test_empty_section_title_shows_the_builder_with_an_error(client_as, world, survey):
    response = client_as("lead").post(
        url("section_create", world.programme, survey=survey.pk), {"section-title": ""}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not survey.sections.exists()


@pytest.mark.parametrize("role", ["stakeholder", "anonymous"])
def test_only_editors_manage_sections(client_as, world, survey, role):
    client_as(role).post(url("section_create", world.programme, survey=survey.pk), {"section-title": "X"})
    assert not survey.sections.exists()


def test_question_cannot_join_a_section_of_another_survey(world, survey):
    other = make_survey(world.programme, title="Andere")
    foreign = services.section_create(survey=other, title="Fremd")
    with pytest.raises(ValidationError):
        services.question_update(question=survey.questions.get(code="grade"), section=foreign)


def test_public_form_shows_one_section_per_page_under_its_heading_in_the_survey_language(world):
    survey = make_survey(world.programme, publish=False)
    visit = services.section_create(survey=survey, title="Ihr Besuch", title_en="Your visit")
    rating = services.section_create(survey=survey, title="Bewertung")
    for code in ("transport", "reasons"):
        services.question_update(question=survey.questions.get(code=code), section=visit)
    for code in ("grade", "agree"):
        services.question_update(question=survey.questions.get(code=code), section=rating)
    services.survey_publish(survey=survey)
    html = Client().get(answer_url(survey) + "?lang=de").content.decode()
    assert html.count('class="kern-heading-medium survey-section"') == 1
    assert html.index("Ihr Besuch") < html.index("q_transport")
    assert "Bewertung" not in html and 'name="q_grade"' not in html
    assert "Your visit" in Client().get(answer_url(survey) + "?lang=en").content.decode()


def test_section_changes_renew_the_cached_public_questions(world, survey):
    survey.refresh_from_db()
    before = selectors.public_questions(survey)
    section = services.section_create(survey=survey, title="Neu")
    services.question_update(question=survey.questions.get(code="grade"), section=section)
    survey.refresh_from_db()
    after = selectors.public_questions(survey)
    assert after is not before
    assert next(q for q in after if q.code == "grade").section == section
