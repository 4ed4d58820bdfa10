"""Reordering questions (drag and drop on the builder, the API) and the sections API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation import selectors, services
from tests.permissions import check_matrix

pytestmark = pytest.mark.django_db


def codes(survey):
    return list(survey.questions.order_by("position").values_list("code", flat=True))


def ids(survey):
    return list(survey.questions.order_by("position").values_list("pk", flat=True))


def test_reorder_puts_questions_in_the_given_order_and_the_public_form_follows(survey):
    reversed_ids = ids(survey)[::-1]
    expected = codes(survey)[::-1]
    services.questions_reorder(survey=survey, order=reversed_ids)
    assert codes(survey) == expected
    survey.refresh_from_db()
    assert [q.code for q in selectors.public_questions(survey)] == expected


@pytest.mark.parametrize(
    "change",
    [
        lambda order, other: order[:-1],  # one missing
        lambda order, other: [*order, order[0]],  # one twice
        lambda order, other: [*order[:-1], other],  # one of another survey
        lambda order, other: ["1", *order[1:]],  # not a number
    ],
)
def test_reorder_refuses_an_order_that_is_not_exactly_the_surveys_questions(world, survey, change):
    from tests.evaluation.factories import make_survey

    other = make_survey(world.other_programme).questions.first().pk
    before = codes(survey)
    with pytest.raises(ValidationError) as error:
        services.questions_reorder(survey=survey, order=change(ids(survey), other))
    assert "order" in error.value.message_dict
    assert codes(survey) == before


def reorder_url(world, survey):
    return reverse(
        "programmes:evaluation:questions_reorder", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )


def test_dragging_saves_the_new_order_for_the_page_script(client_as, world, survey):
    order = ids(survey)
    order[0], order[1] = order[1], order[0]
    response = client_as("member").post(
        reorder_url(world, survey), {"order": order}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert ids(survey) == order


def test_a_broken_order_answers_with_a_message_and_changes_nothing(client_as, world, survey):
    before = ids(survey)
    response = client_as("member").post(
        reorder_url(world, survey), {"order": before[:-1]}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "exactly once" in response.json()["error"]
    assert ids(survey) == before


def test_the_builder_offers_dragging_only_to_editors(client_as, world, survey):
    detail = reverse(
        "programmes:evaluation:survey_detail", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )
    assert b"data-reorder-url" in client_as("member").get(detail).content
    assert b"data-reorder-url" not in client_as("stakeholder").get(detail).content


def test_reorder_page_permissions(client_as, world, survey):
    expected = {
        "anonymous": 302,
        "stakeholder": 403,
        "member": 302,
        "lead": 302,
        "other_lead": 404,
        "org_admin": 302,
    }
    check_matrix(client_as, reorder_url(world, survey), expected, method="post", data={"order": ids(survey)})


def test_api_reorder(api_as, survey):
    url = reverse("api:survey-question-reorder", kwargs={"survey_pk": survey.pk})
    order = ids(survey)[::-1]
    expected = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(api_as, url, expected, method="post", data={"order": order}, format="json")
    assert ids(survey) == order
    response = api_as("lead").post(url, {"order": order[:1]}, format="json")
    assert response.status_code == 400
    assert "order" in response.json()


def test_api_sections_crud_and_question_assignment(api_as, survey):
    client = api_as("member")
    sections = reverse("api:survey-section-list", kwargs={"survey_pk": survey.pk})
    created = client.post(sections, {"title": "Ihr Besuch", "title_en": "Your visit"}, format="json")
    assert created.status_code == 201, created.content
    section_id = created.json()["id"]
    assert client.get(sections).json()[0]["title"] == "Ihr Besuch"

    detail = reverse("api:survey-section-detail", kwargs={"survey_pk": survey.pk, "pk": section_id})
    assert client.patch(detail, {"title": "Zum Besuch"}, format="json").json()["title_en"] == "Your visit"

    question = survey.questions.first()
    q_url = reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": question.pk})
    assert client.patch(q_url, {"section": section_id}, format="json").json()["section"] == section_id

    assert client.post(sections, {"title": ""}, format="json").status_code == 400
    assert client.delete(detail).status_code == 204
    question.refresh_from_db()
    assert question.section is None  # the question stays, without a section


def test_api_question_cannot_join_another_surveys_section(api_as, world, survey):
    from tests.evaluation.factories import make_survey

    other_survey = make_survey(world.programme, title="Zweite")
    foreign = services.section_create(survey=other_survey, title="Fremd")
    question = survey.questions.first()
    url = reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": question.pk})
    response = api_as("lead").patch(url, {"section": foreign.pk}, format="json")
    assert response.status_code == 400
    assert "section" in response.json()


def test_api_sections_permissions(api_as, survey):
    section = services.section_create(survey=survey, title="Teil 1")
    listing = reverse("api:survey-section-list", kwargs={"survey_pk": survey.pk})
    view = {
        "anonymous": 401,
        "stakeholder": 200,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(api_as, listing, view)
    write = {**view, "stakeholder": 403, "member": 201, "lead": 201, "org_admin": 201}
    check_matrix(api_as, listing, write, method="post", data={"title": "Neu"}, format="json")
    detail = reverse("api:survey-section-detail", kwargs={"survey_pk": survey.pk, "pk": section.pk})
    patch = {**view, "stakeholder": 403}
    check_matrix(api_as, detail, patch, method="patch", data={"title": "Geändert"}, format="json")
