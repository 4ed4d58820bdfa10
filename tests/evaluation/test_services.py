from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation import services
from evaluation.models import Answer, Choice, Question, Response, Survey, Wave
from evaluation.templates_data import INNER_CITY_VISITORS
from tests.evaluation.factories import VALID, add_responses, make_survey

pytestmark = pytest.mark.django_db


def test_survey_create_has_wave_one_and_unguessable_token(world):
    survey = services.survey_create(programme=world.programme, title="Test")
    assert survey.status == Survey.Status.DRAFT
    assert list(survey.waves.values_list("number", "status")) == [(1, Wave.Status.PLANNED)]
    other = services.survey_create(programme=world.programme, title="Test 2")
    assert len(survey.public_token) >= 32
    assert survey.public_token != other.public_token


def test_survey_create_validates_languages(world):
    with pytest.raises(ValidationError) as exc:
        services.survey_create(programme=world.programme, title="X", languages=["fr"])
    assert "languages" in exc.value.message_dict


def test_survey_from_template_copies_all_questions_in_two_languages(world):
    survey = services.survey_create_from_template(
        programme=world.programme, template_key="inner_city_visitors"
    )
    questions = list(survey.questions.order_by("position"))
    assert len(questions) == len(INNER_CITY_VISITORS["questions"])
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))
    codes = {q.code for q in questions}
    assert {
        "grade_overall",
        "grade_parking",
        "grade_cleanliness",
        "visit_reasons",
        "nps",
        "age_group",
    } <= codes
    assert all(q.text_en for q in questions)
    assert survey.languages == ["de", "en"]
    reasons = survey.questions.get(code="visit_reasons")
    assert reasons.max_selections == 3
    assert reasons.choices.filter(label_en="Shopping").exists()


def test_unknown_template_is_rejected(world):
    with pytest.raises(ValidationError):
        services.survey_create_from_template(programme=world.programme, template_key="nope")


def test_publish_close_and_new_wave(world):
    survey = make_survey(world.programme, publish=False)
    services.survey_publish(survey=survey)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert survey.waves.get().status == Wave.Status.OPEN
    with pytest.raises(ValidationError):
        services.survey_publish(survey=survey)
    wave2 = services.wave_start(survey=survey, label="Nach der Maßnahme")
    assert wave2.number == 2
    assert survey.waves.get(number=1).status == Wave.Status.CLOSED
    services.survey_close(survey=survey)
    assert survey.waves.filter(status=Wave.Status.OPEN).count() == 0
    with pytest.raises(ValidationError):
        services.survey_close(survey=survey)
    # a new wave reopens a closed survey with the same questions
    wave3 = services.wave_start(survey=survey)
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN and wave3.number == 3


def test_publish_needs_questions_and_new_wave_needs_publication(world):
    survey = services.survey_create(programme=world.programme, title="Leer")
    with pytest.raises(ValidationError, match="at least one question"):
        services.survey_publish(survey=survey)
    with pytest.raises(ValidationError):
        services.wave_start(survey=survey)


def test_question_create_generates_codes_and_positions(world):
    survey = services.survey_create(programme=world.programme, title="X")
    q1 = services.question_create(survey=survey, type="short_text", text="Wie heißt Ihr Lieblingsladen?")
    q2 = services.question_create(survey=survey, type="short_text", text="Wie heißt Ihr Lieblingsladen?")
    assert q1.code != q2.code and q1.code
    assert (q1.position, q2.position) == (1, 2)
    with pytest.raises(ValidationError, match="already uses"):
        services.question_create(survey=survey, type="nps", text="x", code=q1.code)


def test_choice_questions_need_options_and_others_must_not_have_them(world):
    survey = services.survey_create(programme=world.programme, title="X")
    with pytest.raises(ValidationError) as exc:
        services.question_create(survey=survey, type="single_choice", text="A?", choices=[{"label": "Ja"}])
    assert "choices" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.question_create(survey=survey, type="nps", text="B?", choices=[{"label": "Ja"}])
    with pytest.raises(ValidationError):
        services.question_create(survey=survey, type="likert", text="C?", max_selections=2)
    with pytest.raises(ValidationError):
        services.question_create(survey=survey, type="number", text="D?", min_value=5, max_value=1)


def test_question_type_is_fixed_once_answers_exist(survey):
    grade = survey.questions.get(code="grade")
    services.question_update(question=grade, type="likert")  # no answers yet: allowed
    services.question_update(question=grade, type="school_grade")
    add_responses(survey, 1)
    with pytest.raises(ValidationError) as exc:
        services.question_update(question=grade, type="nps")
    assert "cannot change" in exc.value.message_dict["type"][0]
    services.question_update(question=grade, text="Neue Formulierung")
    grade.refresh_from_db()
    assert grade.text == "Neue Formulierung"


def test_question_with_answers_cannot_be_deleted_and_used_choices_stay(survey):
    add_responses(survey, 3)
    transport = survey.questions.get(code="transport")
    with pytest.raises(ValidationError):
        services.question_delete(question=transport)
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.question_update(
            question=transport, choices=[{"code": "car", "label": "Auto"}, {"code": "x", "label": "X"}]
        )
    services.question_update(
        question=transport,
        choices=[
            {"code": "car", "label": "PKW"},
            {"code": "bus", "label": "Bus"},
            {"code": "foot", "label": "zu Fuß"},
            {"code": "bike", "label": "Rad"},
        ],
    )
    assert list(transport.choices.values_list("code", flat=True)) == ["car", "bus", "foot", "bike"]
    assert transport.choices.get(code="car").label == "PKW"


def test_question_move_and_delete_renumber(world):
    survey = make_survey(world.programme, publish=False)
    codes = lambda: list(survey.questions.order_by("position").values_list("code", flat=True))  # noqa: E731
    first = codes()
    services.question_move(question=survey.questions.get(code="reasons"), direction="up")
    assert codes()[:2] == ["reasons", "transport"]
    services.question_move(question=survey.questions.get(code="reasons"), direction="up")  # already first
    assert codes()[:2] == ["reasons", "transport"]
    services.question_move(question=survey.questions.get(code="wish"), direction="down")  # already last
    assert codes()[-1] == "wish"
    services.question_delete(question=survey.questions.get(code="grade"))
    assert list(survey.questions.order_by("position").values_list("position", flat=True)) == list(
        range(1, len(first))
    )
    with pytest.raises(ValidationError):
        services.question_move(question=survey.questions.first(), direction="sideways")


def test_response_submit_stores_all_answers(survey):
    response = services.response_submit(survey=survey, answers=VALID, client_ip="203.0.113.5", language="de")
    answers = Answer.objects.filter(response=response)
    assert answers.count() == 9  # two rows for the multiple choice
    assert answers.get(question__code="spend").number == Decimal("25.50")
    assert answers.get(question__code="grade").number == Decimal("2")
    assert answers.get(question__code="transport").choice.code == "car"
    assert response.wave.number == 1
    assert response.client_hash and "203.0.113.5" not in response.client_hash
    assert len(response.client_hash) == 64


def test_client_hash_changes_daily_and_is_keyed(settings):
    from datetime import date

    first = services.client_hash("203.0.113.5", day=date(2026, 1, 1))
    assert first == services.client_hash("203.0.113.5", day=date(2026, 1, 1))
    assert first != services.client_hash("203.0.113.5", day=date(2026, 1, 2))
    settings.SECRET_KEY = "another-secret-key-for-the-test"
    assert first != services.client_hash("203.0.113.5", day=date(2026, 1, 1))


INVALID = [
    ("transport", None, "Please answer"),  # required and missing
    ("transport", "plane", "options given"),  # choice of no option
    ("transport", ["car", "bus"], "only one"),  # two answers to single choice
    ("reasons", ["shopping", "food", "culture"], "at most 2"),  # max selections
    ("reasons", ["shopping", "shopping"], "options given"),  # duplicate
    ("reasons", ["nope"], "options given"),  # choice of another question
    ("grade", 7, "from 1 to 6"),
    ("grade", 0, "from 1 to 6"),
    ("grade", "2.5", "from 1 to 6"),
    ("agree", 6, "from 1 to 5"),
    ("nps", 11, "from 0 to 10"),
    ("nps", -1, "from 0 to 10"),
    ("nps", "abc", "number"),
    ("nps", True, "number"),
    ("spend", "-1", "at least 0"),
    ("spend", 1001, "at most 1000"),
    ("spend", "NaN", "number"),
    ("spend", "1e400", "number"),
    ("spend", ["1", "2"], "only one"),
    ("name_place", "x" * 301, "at most 300"),
    ("wish", "x" * 5001, "at most 5000"),
    ("wish", 42, "text"),
]


@pytest.mark.parametrize(("code", "value", "message"), INVALID)
def test_every_invalid_answer_kind_is_rejected_with_its_question(survey, code, value, message):
    answers = {**VALID, code: value}
    if value is None:
        answers.pop(code)
    with pytest.raises(ValidationError) as exc:
        services.response_submit(survey=survey, answers=answers)
    errors = exc.value.message_dict
    assert list(errors) == [code]
    assert message in errors[code][0]
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_choice_of_another_question_is_rejected(survey):
    # "food" is a code of the reasons question, not of transport
    with pytest.raises(ValidationError) as exc:
        services.response_submit(survey=survey, answers={**VALID, "transport": "food"})
    assert "transport" in exc.value.message_dict


def test_unknown_question_codes_and_non_mapping_are_rejected(survey):
    with pytest.raises(ValidationError) as exc:
        services.response_submit(survey=survey, answers={**VALID, "hack": "x"})
    assert "answers" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.response_submit(survey=survey, answers=["car"])


def test_draft_and_closed_surveys_take_no_answers(world):
    draft = make_survey(world.programme, publish=False)
    with pytest.raises(services.SurveyNotOpen):
        services.response_submit(survey=draft, answers=VALID)
    services.survey_publish(survey=draft)
    draft.refresh_from_db()
    services.survey_close(survey=draft)
    draft.refresh_from_db()
    with pytest.raises(services.SurveyNotOpen):
        services.response_submit(survey=draft, answers=VALID)


def test_survey_period_is_respected(survey):
    from datetime import timedelta

    from django.utils import timezone

    services.survey_update(survey=survey, starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(services.SurveyNotOpen):
        services.response_submit(survey=survey, answers=VALID)


def test_answers_go_to_the_current_wave(survey):
    services.response_submit(survey=survey, answers=VALID)
    services.wave_start(survey=survey)
    services.response_submit(survey=survey, answers=VALID)
    assert list(Response.objects.order_by("pk").values_list("wave__number", flat=True)) == [1, 2]


def test_collection_point_of_another_survey_is_rejected(world, survey):
    other = make_survey(world.programme, title="Andere")
    point = services.collection_point_create(survey=other, name="Markt")
    with pytest.raises(ValidationError):
        services.response_submit(survey=survey, answers=VALID, collection_point=point)


def test_collection_point_names_are_unique_per_survey(survey):
    services.collection_point_create(survey=survey, name="Markt")
    with pytest.raises(ValidationError):
        services.collection_point_create(survey=survey, name="Markt")


def test_survey_with_responses_cannot_be_deleted(survey, world):
    add_responses(survey, 1)
    with pytest.raises(ValidationError):
        services.survey_delete(survey=survey)
    empty = make_survey(world.programme, publish=False)
    services.survey_delete(survey=empty)
    assert not Survey.objects.filter(pk=empty.pk).exists()
    assert not Question.objects.filter(survey_id=empty.pk).exists()
    assert not Choice.objects.filter(question__survey_id=empty.pk).exists()


def test_findings_and_evidence(world, survey):
    add_responses(survey, 10)
    finding = services.finding_create(
        programme=world.programme, statement="Parken ist schwierig", priority="high"
    )
    evidence = services.evidence_add_survey_result(
        finding=finding, question=survey.questions.get(code="grade")
    )
    assert evidence.snapshot["stats"]["respondents"] == 10
    assert evidence.snapshot["responses"] == 10
    assert len(evidence.snapshot["stats"]["distribution"]) == 6
    services.evidence_add(finding=finding, kind="url", label="Protokoll", url="https://example.org/p.pdf")
    assert finding.evidence.count() == 2
    other_survey = make_survey(world.other_programme)
    with pytest.raises(ValidationError):
        services.evidence_add_survey_result(finding=finding, question=other_survey.questions.first())
    with pytest.raises(ValidationError):
        services.finding_create(programme=world.programme, statement="x", priority="urgent")


def test_snapshot_stays_when_results_change(world, survey):
    add_responses(survey, 5)
    finding = services.finding_create(programme=world.programme, statement="Note")
    evidence = services.evidence_add_survey_result(
        finding=finding, question=survey.questions.get(code="grade")
    )
    add_responses(survey, 5, seed=2)
    evidence.refresh_from_db()
    assert evidence.snapshot["stats"]["respondents"] == 5


def test_finding_from_question_keeps_the_statement_within_its_length_and_its_programme(world, survey):
    long_text = "Wie zufrieden sind Sie mit " + "sehr " * 90 + "vielem?"
    question = services.question_create(survey=survey, code="long", type="likert", text=long_text[:500])
    for level in (4, 5):
        services.response_submit(survey=survey, answers={**VALID, "long": level})
    finding = services.finding_create_from_question(programme=world.programme, question=question)
    assert len(finding.statement) <= 300
    assert finding.statement.endswith("mean 4.5, median 4.5 (n = 2)")
    assert finding.evidence.get().snapshot["stats"]["respondents"] == 2
    with pytest.raises(ValidationError, match="another programme"):
        services.finding_create_from_question(programme=world.other_programme, question=question)
