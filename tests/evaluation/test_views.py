"""The browser pages of Evaluation: builder, results, comparison, QR codes, export and findings."""

import csv
import io
import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Evidence, Finding, Question, Survey
from tests.evaluation.factories import VALID, add_responses, make_survey

pytestmark = pytest.mark.django_db


def url(name, programme, **kwargs):
    return reverse(f"programmes:evaluation:{name}", kwargs={**programme.url_kwargs, **kwargs})


def test_nav_link_still_resolves_to_the_overview(client_as, world, survey):
    response = client_as("stakeholder").get(world.programme.get_absolute_url())
    overview = reverse("programmes:evaluation", kwargs=world.programme.url_kwargs)
    assert overview in response.content.decode()
    page = client_as("stakeholder").get(overview).content.decode()
    assert survey.title in page and 'id="criteria"' in page
    assert "New survey" not in page  # stakeholders read only


def test_member_creates_survey_from_template_and_builds_it(client_as, world):
    client = client_as("member")
    response = client.post(
        url("survey_create", world.programme),
        {
            "template": "inner_city_visitors",
            "title": "",
            "languages": ["de", "en"],
            "response_target": 150,
            "small_cell_threshold": 5,
            "one_response_per_browser": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    survey = Survey.objects.get()
    assert survey.title == "Besucherbefragung Innenstadt" and survey.response_target == 150
    assert survey.questions.count() > 20
    detail = client.get(response["Location"]).content.decode()
    assert "grade_parking" in detail and "Publish" in detail
    # add a question with options; without a code, codes are generated
    response = client.post(
        url("question_create", world.programme, survey=survey.pk),
        {
            "type": "single_choice",
            "text": "Kennen Sie die Stadt-App?",
            "choices_text": "Ja | Yes\nNein | No",
            "required": "on",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    question = survey.questions.get(text="Kennen Sie die Stadt-App?")
    assert list(question.choices.values_list("label", "label_en")) == [("Ja", "Yes"), ("Nein", "No")]
    # move it up with the no-JS button
    last_position = question.position
    client.post(
        url("question_move", world.programme, survey=survey.pk, question=question.pk), {"direction": "up"}
    )
    question.refresh_from_db()
    assert question.position == last_position - 1
    # publish, collection point, new wave
    assert (
        client.post(url("survey_publish", world.programme, survey=survey.pk)).status_code == HTTPStatus.FOUND
    )
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    client.post(url("point_create", world.programme, survey=survey.pk), {"name": "Marktplatz"})
    assert survey.collection_points.get().name == "Marktplatz"
    client.post(url("wave_start", world.programme, survey=survey.pk), {"label": "Herbst"})
    assert survey.waves.count() == 2


def test_question_form_errors(client_as, world, survey):
    client = client_as("lead")
    add_responses(survey, 1)
    grade = survey.questions.get(code="grade")
    page = client.get(
        url("question_edit", world.programme, survey=survey.pk, question=grade.pk)
    ).content.decode()
    assert "already has answers" in page
    response = client.post(
        url("question_edit", world.programme, survey=survey.pk, question=grade.pk),
        {"type": "nps", "text": grade.text, "code": grade.code},
    )
    assert response.status_code == HTTPStatus.OK
    assert "cannot change because the question already has answers" in response.content.decode()
    response = client.post(
        url("question_create", world.programme, survey=survey.pk),
        {"type": "single_choice", "text": "Nur eine Option?", "choices_text": "Ja"},
    )
    assert response.status_code == HTTPStatus.OK
    assert "at least 2 answer options" in response.content.decode()
    assert not Question.objects.filter(text="Nur eine Option?").exists()


def test_results_page_with_charts_tables_and_segments(client_as, world, survey):
    add_responses(survey, 7)
    for _ in range(5):
        services.response_submit(survey=survey, answers=VALID)
    client = client_as("stakeholder")
    page = client.get(url("results", world.programme, survey=survey.pk)).content.decode()
    assert "12 responses" in page
    assert 'data-chart-source="chart-data-' in page and "<table" in page
    assert "js/charts.js" in page and "<script>" not in page
    chart_json = page.split('<script id="chart-data-', 1)[1].split(">", 1)[1].split("</script>", 1)[0]
    assert set(json.loads(chart_json)) == {"labels", "counts", "shares", "horizontal", "label"}
    assert "Create finding from this chart" not in page  # stakeholders read only
    car = survey.questions.get(code="transport").choices.get(code="car")
    segment = client.get(
        url("results", world.programme, survey=survey.pk), {"segment_choice": car.pk}
    ).content.decode()
    assert "Wie sind Sie angereist?: Auto" in segment
    bogus = client.get(
        url("results", world.programme, survey=survey.pk), {"segment_choice": 999999}
    ).content.decode()
    assert "The filter was ignored" in bogus and "This survey has no such answer option." in bogus
    # the form shows the filters in force (none), without a second error for the same value
    assert "Select a valid choice" not in bogus and "12 responses" in bogus


def test_small_segment_is_hidden_on_the_page(client_as, world, survey):
    services.response_submit(survey=survey, answers={**VALID, "transport": "bus"})
    for _ in range(5):
        services.response_submit(survey=survey, answers=VALID)
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    page = client_as("member").get(
        url("results", world.programme, survey=survey.pk), {"segment_choice": bus.pk}
    )
    html = page.content.decode()
    assert 'id="suppressed"' in html and "chart-data-" not in html


@pytest.mark.parametrize("count", [1, 200])
def test_results_page_query_count_is_fixed(client_as, world, survey, count, django_assert_max_num_queries):
    add_responses(survey, count)
    client = client_as("member")
    car = survey.questions.get(code="transport").choices.get(code="car")
    with django_assert_max_num_queries(16):
        assert client.get(url("results", world.programme, survey=survey.pk)).status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(url("results", world.programme, survey=survey.pk), {"segment_choice": car.pk})
        assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 200])
def test_compare_and_overview_query_counts(client_as, world, survey, count, django_assert_max_num_queries):
    add_responses(survey, count)
    services.wave_start(survey=survey)
    add_responses(survey, count, seed=5)
    client = client_as("member")
    with django_assert_max_num_queries(14):
        page = client.get(url("compare", world.programme, survey=survey.pk))
    assert page.status_code == 200 and "Change" in page.content.decode()
    with django_assert_max_num_queries(20):
        assert (
            client.get(reverse("programmes:evaluation", kwargs=world.programme.url_kwargs)).status_code == 200
        )


def test_text_answers_page_paginates_and_searches(client_as, world, survey):
    add_responses(survey, 30)
    wish = survey.questions.get(code="wish")
    client = client_as("stakeholder")
    page = client.get(
        url("text_answers", world.programme, survey=survey.pk, question=wish.pk)
    ).content.decode()
    assert "30 answers" in page and "Page 1 of 2" in page
    found = client.get(
        url("text_answers", world.programme, survey=survey.pk, question=wish.pk), {"q": "grün"}
    )
    assert "Mehr Grün" in found.content.decode()
    grade = survey.questions.get(code="grade")
    assert (
        client.get(url("text_answers", world.programme, survey=survey.pk, question=grade.pk)).status_code
        == 404
    )


def test_qr_codes_and_poster(client_as, world, survey):
    point = services.collection_point_create(survey=survey, name="Marktplatz")
    client = client_as("stakeholder")
    svg = client.get(url("survey_qr_svg", world.programme, survey=survey.pk) + "?download=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert "attachment" in svg["Content-Disposition"]
    png = client.get(url("point_qr_png", world.programme, survey=survey.pk, point=point.pk))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    poster = client.get(
        url("point_poster", world.programme, survey=survey.pk, point=point.pk)
    ).content.decode()
    assert point.public_path() in poster and "Marktplatz" in poster


def test_csv_export_one_row_per_response_with_neutralised_formulas(client_as, world, survey):
    services.response_submit(survey=survey, answers={**VALID, "wish": '=HYPERLINK("http://evil")'})
    services.response_submit(survey=survey, answers={"transport": "bus"})
    response = client_as("member").get(url("export_csv", world.programme, survey=survey.pk))
    assert response.status_code == 200 and response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["response_id", "wave", "collection_point", "submitted_at", "language"]
    assert "reasons__shopping" in header and "transport" in header
    assert len(rows) == 3
    first = dict(zip(header, rows[1], strict=True))
    assert (
        first["transport"] == "car" and first["reasons__shopping"] == "1" and first["reasons__culture"] == "0"
    )
    assert first["spend"] == "25.50" and first["grade"] == "2"
    assert first["wish"].startswith("'=")
    second = dict(zip(header, rows[2], strict=True))
    assert second["transport"] == "bus" and second["grade"] == ""


def test_xlsx_export(client_as, world, survey):
    from openpyxl import load_workbook

    add_responses(survey, 3)
    response = client_as("lead").get(url("export_xlsx", world.programme, survey=survey.pk))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 4


def test_finding_from_chart_carries_a_snapshot(client_as, world, survey):
    add_responses(survey, 8)
    grade = survey.questions.get(code="grade")
    wave = survey.waves.get()
    client = client_as("member")
    response = client.post(
        url("finding_from_question", world.programme), {"question": grade.pk, "wave": wave.pk}
    )
    assert response.status_code == HTTPStatus.FOUND
    finding = Finding.objects.get()
    evidence = finding.evidence.get()
    assert evidence.kind == Evidence.Kind.SURVEY_RESULT and evidence.question == grade
    assert evidence.snapshot["stats"]["respondents"] == 8
    assert evidence.snapshot["filters"]["wave"] == wave.pk
    listing = client.get(url("finding_list", world.programme)).content.decode()
    assert "Figures at the time" in listing
    # add a link as further evidence while editing
    client.post(
        url("finding_edit", world.programme, finding=finding.pk),
        {
            "statement": finding.statement,
            "priority": "high",
            "status": "confirmed",
            "evidence_url": "https://example.org/protokoll.pdf",
            "evidence_label": "Workshop-Protokoll",
        },
    )
    assert finding.evidence.count() == 2


def test_one_click_finding_from_a_chart_with_draft_statement_tags_and_segment_snapshot(
    client_as, world, survey
):
    grade = survey.questions.get(code="grade")
    services.question_update(question=grade, journey_stage="Anreise", target_group="touristen")
    for number in range(6):
        services.response_submit(survey=survey, answers={**VALID, "grade": 2 + number % 2})
    services.response_submit(survey=survey, answers={**VALID, "transport": "bus", "grade": 6})
    car = survey.questions.get(code="transport").choices.get(code="car")
    wave = survey.waves.get()
    client = client_as("member")
    results = url("results", world.programme, survey=survey.pk)
    page = client.get(results, {"segment_choice": car.pk, "wave": wave.pk}).content.decode()
    action = url("finding_from_question", world.programme)
    assert page.count(f'action="{action}"') == 8  # one button beside every answered question
    assert f'name="segment_choice" value="{car.pk}"' in page and f'name="wave" value="{wave.pk}"' in page
    response = client.post(action, {"question": grade.pk, "wave": wave.pk, "segment_choice": car.pk})
    finding = Finding.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url("finding_edit", world.programme, finding=finding.pk)
    # the six car drivers gave 2, 3, 2, 3, 2, 3: the bus rider's 6 is not in the segment
    assert finding.statement.startswith("“Gesamtnote?”: mean 2.5, median 2.5 (n = 6)")
    assert "Wave 1" in finding.statement and "Wie sind Sie angereist?: Auto" in finding.statement
    assert (finding.journey_stage, finding.target_group, finding.created_by) == (
        "Anreise",
        "touristen",
        world.user("member"),
    )
    assert (finding.status, finding.priority) == (Finding.Status.OPEN, Finding.Priority.MEDIUM)
    evidence = finding.evidence.get()
    assert evidence.kind == Evidence.Kind.SURVEY_RESULT and evidence.question == grade
    assert evidence.snapshot["stats"]["respondents"] == 6
    assert evidence.snapshot["filters"]["segment_choice"] == car.pk
    edit = client.get(response["Location"]).content.decode()
    assert "Check the draft statement" in edit and "Figures at the time" in edit
    assert "mean 2.5" in edit  # the statement stands in the form, ready to be edited


def test_one_click_finding_words_choice_and_nps_results(client_as, world, survey):
    for transport in ["car", "car", "bus"]:
        services.response_submit(survey=survey, answers={**VALID, "transport": transport, "nps": 10})
    client = client_as("lead")
    action = url("finding_from_question", world.programme)
    for code in ("transport", "nps", "wish"):
        client.post(action, {"question": survey.questions.get(code=code).pk})
    statements = list(Finding.objects.order_by("pk").values_list("statement", flat=True))
    assert statements == [
        "“Wie sind Sie angereist?”: most frequent answer “Auto” with 66.7 % (n = 3)",
        "“Weiterempfehlen?”: NPS 100.0 (n = 3)",
        "“Was fehlt?”: 3 written answers",
    ]


def test_one_click_finding_refuses_empty_suppressed_foreign_and_bogus_input(client_as, world, survey):
    services.response_submit(survey=survey, answers={**VALID, "transport": "bus"})
    for _ in range(5):
        services.response_submit(survey=survey, answers=VALID)
    client = client_as("member")
    action = url("finding_from_question", world.programme)
    results = url("results", world.programme, survey=survey.pk)
    grade = survey.questions.get(code="grade")
    bus = survey.questions.get(code="transport").choices.get(code="bus")
    small = client.post(action, {"question": grade.pk, "segment_choice": bus.pk}, follow=True)
    assert small.redirect_chain[0][0] == f"{results}?segment_choice={bus.pk}#result-{grade.pk}"
    assert "Fewer than 5 responses in this segment" in small.content.decode()
    later = services.question_create(survey=survey, code="later", type="likert", text="Neu hinzugefügt")
    unanswered = client.post(action, {"question": later.pk}, follow=True)
    assert "no answers under these filters" in unanswered.content.decode()
    bogus = client.post(action, {"question": grade.pk, "wave": 999999}, follow=True)
    assert "This survey has no such wave." in bogus.content.decode()
    foreign = make_survey(world.other_programme).questions.first()
    assert client.post(action, {"question": foreign.pk}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(action, {"question": "x"}).status_code == HTTPStatus.NOT_FOUND
    assert client.post(action, {}).status_code == HTTPStatus.NOT_FOUND
    assert client.get(action).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Finding.objects.count() == 0


@pytest.mark.parametrize("count", [1, 30])
def test_overview_and_finding_list_query_counts(client_as, world, count, django_assert_max_num_queries):
    for number in range(count):
        make_survey(world.programme, title=f"Befragung {number}", publish=False)
        finding = services.finding_create(programme=world.programme, statement=f"Erkenntnis {number}")
        services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    client = client_as("stakeholder")
    with django_assert_max_num_queries(20):
        page = client.get(reverse("programmes:evaluation", kwargs=world.programme.url_kwargs))
    assert page.content.decode().count("Befragung ") >= count
    with django_assert_max_num_queries(12):
        page = client.get(url("finding_list", world.programme))
    assert page.content.decode().count("Erkenntnis ") == count
