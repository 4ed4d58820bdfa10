"""REST API of Evaluation: create, build, publish, answer, results, findings."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import Finding, Survey
from tests.evaluation.factories import VALID, add_responses, make_survey

pytestmark = pytest.mark.django_db


def test_create_from_template_publish_answer_results(api_as, world):
    api = api_as("member")
    response = api.post(
        reverse("api:survey-list"),
        {"programme": world.programme.pk, "template": "inner_city_visitors", "response_target": 50},
        format="json",
    )
    assert response.status_code == 201, response.json()
    survey_id = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["response_target"] == 50
    detail = api.get(reverse("api:survey-detail", kwargs={"pk": survey_id})).json()
    assert len(detail["questions"]) > 20 and detail["waves"][0]["number"] == 1
    assert api.post(reverse("api:survey-publish", kwargs={"pk": survey_id})).json()["status"] == "open"
    assert api.post(reverse("api:survey-publish", kwargs={"pk": survey_id})).status_code == 400
    token = Survey.objects.get(pk=survey_id).public_token
    public = api_as("anonymous")
    for grade, transport in [(2, "car"), (3, "car"), (5, "public")]:
        answer = {"grade_overall": grade, "transport": transport, "visit_reasons": ["shopping"], "nps": 8}
        created = public.post(
            reverse("api:public-survey-responses", kwargs={"token": token}),
            {"answers": answer},
            format="json",
        )
        assert created.status_code == 201, created.json()
    results = api.get(reverse("api:survey-results", kwargs={"pk": survey_id})).json()
    assert results["responses"] == 3
    overall = next(q for q in results["questions"] if q["code"] == "grade_overall")
    assert overall["mean"] == pytest.approx(3.33, abs=0.01) and overall["median"] == 3.0
    nps = next(q for q in results["questions"] if q["code"] == "nps")
    assert nps["nps"]["score"] == 0.0


def test_results_filters_and_suppression(api_as, world, survey):
    add_responses(survey, 6)
    for _ in range(5):
        services.response_submit(survey=survey, answers=VALID)
    transport = survey.questions.get(code="transport")
    car = transport.choices.get(code="car")
    api = api_as("stakeholder")
    target = reverse("api:survey-results", kwargs={"pk": survey.pk})
    segment = api.get(target, {"segment_question": transport.pk, "segment_choice": car.pk}).json()
    assert segment["filters"]["segment_choice"] == car.pk and not segment["suppressed"]
    assert segment["responses"] >= 5
    wave = survey.waves.get()
    assert api.get(target, {"wave": wave.pk}).json()["responses"] == 11
    reasons = survey.questions.get(code="reasons")
    wrong = api.get(target, {"segment_question": reasons.pk, "segment_choice": car.pk})
    assert wrong.status_code == 400 and "segment_choice" in wrong.json()
    assert api.get(target, {"wave": "abc"}).status_code == 400
    assert api.get(target, {"collection_point": 99999}).status_code == 400
    point = services.collection_point_create(survey=survey, name="Markt")
    services.response_submit(survey=survey, answers=VALID, collection_point=point)
    small = api.get(target, {"collection_point": point.pk}).json()
    assert small["suppressed"] is True and small["responses"] is None and small["questions"] == []


@pytest.mark.parametrize("count", [1, 200])
def test_results_api_query_count_is_fixed(api_as, survey, count, django_assert_max_num_queries):
    add_responses(survey, count)
    api = api_as("member")
    target = reverse("api:survey-results", kwargs={"pk": survey.pk})
    car = survey.questions.get(code="transport").choices.get(code="car")
    with django_assert_max_num_queries(12):
        assert api.get(target).status_code == 200
    with django_assert_max_num_queries(12):
        assert api.get(target, {"segment_choice": car.pk}).status_code == 200


def test_questions_crud_move_and_type_lock(api_as, survey):
    api = api_as("lead")
    base = reverse("api:survey-question-list", kwargs={"survey_pk": survey.pk})
    created = api.post(
        base,
        {
            "type": "multiple_choice",
            "text": "Was nutzen Sie?",
            "max_selections": 2,
            "choices": [{"label": "App"}, {"label": "Website", "label_en": "Website", "code": "web"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    question = created.json()
    assert [c["code"] for c in question["choices"]] == ["app", "web"]
    moved = api.post(
        reverse("api:survey-question-move", kwargs={"survey_pk": survey.pk, "pk": question["id"]}),
        {"direction": "up"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()[-2]["id"] == question["id"]
    add_responses(survey, 1)
    grade = survey.questions.get(code="grade")
    locked = api.patch(
        reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": grade.pk}),
        {"type": "nps"},
        format="json",
    )
    assert locked.status_code == 400 and "type" in locked.json()
    renamed = api.patch(
        reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": grade.pk}),
        {"text": "Ihre Gesamtnote"},
        format="json",
    )
    assert renamed.status_code == 200 and renamed.json()["text"] == "Ihre Gesamtnote"
    gone = api.delete(reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": grade.pk}))
    assert gone.status_code == 400
    fresh = api.delete(
        reverse("api:survey-question-detail", kwargs={"survey_pk": survey.pk, "pk": question["id"]})
    )
    assert fresh.status_code == 204


def test_close_and_new_wave(api_as, survey):
    api = api_as("member")
    assert api.post(reverse("api:survey-close", kwargs={"pk": survey.pk})).json()["status"] == "closed"
    wave = api.post(
        reverse("api:survey-waves", kwargs={"pk": survey.pk}), {"label": "Welle 2"}, format="json"
    )
    assert wave.status_code == 201 and wave.json()["number"] == 2 and wave.json()["status"] == "open"


def test_collection_points(api_as, survey):
    api = api_as("member")
    base = reverse("api:survey-collection-point-list", kwargs={"survey_pk": survey.pk})
    created = api.post(base, {"name": "Tourist-Info"}, format="json")
    assert created.status_code == 201 and created.json()["public_url"].endswith(
        f"/{created.json()['token']}/"
    )
    assert api.post(base, {"name": "Tourist-Info"}, format="json").status_code == 400


def test_findings_with_survey_evidence(api_as, world, survey):
    add_responses(survey, 6)
    api = api_as("member")
    finding = api.post(
        reverse("api:finding-list"),
        {"programme": world.programme.pk, "statement": "Parken wird schlecht bewertet", "priority": "high"},
        format="json",
    )
    assert finding.status_code == 201, finding.json()
    target = reverse("api:finding-evidence", kwargs={"pk": finding.json()["id"]})
    evidence = api.post(
        target, {"kind": "survey_result", "question": survey.questions.get(code="grade").pk}, format="json"
    )
    assert evidence.status_code == 201, evidence.json()
    assert evidence.json()["snapshot"]["stats"]["respondents"] == 6
    assert api.post(target, {"kind": "survey_result", "question": 999999}, format="json").status_code == 400
    # the figures under a filter, checked against the question's survey like the results endpoint
    grade = survey.questions.get(code="grade")
    wave = survey.waves.get()
    filtered = api.post(
        target, {"kind": "survey_result", "question": grade.pk, "wave": wave.pk}, format="json"
    )
    assert filtered.status_code == 201 and filtered.json()["snapshot"]["filters"]["wave"] == wave.pk
    foreign_wave = make_survey(world.programme, title="Andere").waves.get()
    refused = api.post(
        target, {"kind": "survey_result", "question": grade.pk, "wave": foreign_wave.pk}, format="json"
    )
    assert refused.status_code == 400 and "wave" in refused.json()
    listing = api.get(reverse("api:finding-list"), {"programme": world.programme.pk}).json()
    assert listing["count"] == 1 and len(listing["results"][0]["evidence"]) == 2
    assert api_as("other_lead").get(reverse("api:finding-list")).json()["count"] == 0


def test_finding_from_question_in_one_call(api_as, world, survey):
    grade = survey.questions.get(code="grade")
    services.question_update(question=grade, journey_stage="Aufenthalt", target_group="buerger")
    for value in (1, 2, 2, 6, 4, 3):
        services.response_submit(survey=survey, answers={**VALID, "grade": value})
    point = services.collection_point_create(survey=survey, name="Markt")
    api = api_as("lead")
    target = reverse("api:finding-from-question")
    wave = survey.waves.get()
    response = api.post(target, {"question": grade.pk, "wave": wave.pk}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["statement"] == "“Gesamtnote?”: mean 3.0, median 2.5 (n = 6) – Wave 1"
    assert (data["journey_stage"], data["target_group"], data["status"]) == ("Aufenthalt", "buerger", "open")
    assert data["programme"] == world.programme.pk
    [evidence] = data["evidence"]
    assert evidence["kind"] == "survey_result" and evidence["question"] == grade.pk
    assert evidence["snapshot"]["stats"]["respondents"] == 6
    assert evidence["snapshot"]["filters"]["wave"] == wave.pk
    # errors name the field
    errors = [
        ({"question": 999999}, "question"),
        ({"question": 10**20}, "question"),
        ({"question": grade.pk, "segment_choice": 10**20}, "segment_choice"),
        ({"question": grade.pk, "wave": 999999}, "wave"),
        ({"question": grade.pk, "collection_point": point.pk}, "collection_point"),  # 0 answers there
        ({"wave": wave.pk}, "question"),
    ]
    for payload, field in errors:
        response = api.post(target, payload, format="json")
        assert response.status_code == 400, payload
        assert field in response.json(), response.json()
    foreign = make_survey(world.other_programme).questions.get(code="grade")
    response = api.post(target, {"question": foreign.pk}, format="json")
    assert response.status_code == 400 and "question" in response.json()
    assert Finding.objects.count() == 1


@pytest.mark.parametrize("count", [1, 30])
def test_list_endpoints_query_counts(api_as, world, count, django_assert_max_num_queries):
    from tests.evaluation.factories import make_survey

    surveys = []
    for number in range(count):
        surveys.append(make_survey(world.programme, title=f"Befragung {number}", publish=number % 2 == 0))
        finding = services.finding_create(programme=world.programme, statement=f"Erkenntnis {number}")
        services.evidence_add(finding=finding, kind="url", label="Beleg", url="https://example.org")
    survey = surveys[0]
    add_responses(survey, 2)
    api = api_as("member")
    with django_assert_max_num_queries(6):
        surveys = api.get(reverse("api:survey-list"), {"programme": world.programme.pk}).json()
    assert surveys["count"] == count
    assert sum(row["response_count"] for row in surveys["results"]) == 2
    with django_assert_max_num_queries(6):
        findings = api.get(reverse("api:finding-list")).json()
    assert findings["count"] == count
    with django_assert_max_num_queries(8):
        detail = api.get(reverse("api:survey-detail", kwargs={"pk": survey.pk}))
    assert detail.status_code == 200 and detail.json()["response_count"] == 2


def test_export_and_import_through_the_api(api_as, world, survey):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.response_submit(survey=survey, answers=VALID)
    api = api_as("member")
    export = api.get(reverse("api:survey-export", kwargs={"pk": survey.pk}), {"kind": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    content = b"".join(export.streaming_content)
    assert b"transport" in content
    assert api.get(reverse("api:survey-export", kwargs={"pk": survey.pk}), {"kind": "pdf"}).status_code == 400
    xlsx = api.get(reverse("api:survey-export", kwargs={"pk": survey.pk}), {"kind": "xlsx"})
    assert xlsx.status_code == 200
    assert (
        api_as("stakeholder").get(reverse("api:survey-export", kwargs={"pk": survey.pk})).status_code == 403
    )

    target = reverse("api:survey-import-responses", kwargs={"pk": survey.pk})
    wave = survey.waves.get()
    dry = api.post(
        target,
        {"file": SimpleUploadedFile("e.csv", content), "wave": wave.pk, "dry_run": True},
        format="multipart",
    )
    assert dry.status_code == 200, dry.json()
    assert dry.json() == {"rows": 1, "imported": 0, "batch": None, "errors": []}
    done = api.post(
        target, {"file": SimpleUploadedFile("e.csv", content), "wave": wave.pk}, format="multipart"
    )
    assert done.status_code == 201 and done.json()["imported"] == 1
    # the import is recorded, so it can be undone
    assert survey.import_batches.get(pk=done.json()["batch"]).file_name == "e.csv"
    bad = b"Verkehr;grade\nplane;9\n"
    failed = api.post(
        target,
        {"file": SimpleUploadedFile("p.csv", bad), "wave": wave.pk, "mapping": '{"Verkehr": "transport"}'},
        format="multipart",
    )
    assert failed.status_code == 400, failed.json()
    assert {(e["row"], e["column"]) for e in failed.json()["errors"]} == {(2, "Verkehr"), (2, "grade")}
    assert survey.waves.get().responses.count() == 2
    unknown_wave = api.post(
        target, {"file": SimpleUploadedFile("e.csv", content), "wave": 999999}, format="multipart"
    )
    assert unknown_wave.status_code == 400
    forbidden = api_as("stakeholder").post(
        target, {"file": SimpleUploadedFile("e.csv", content), "wave": wave.pk}, format="multipart"
    )
    assert forbidden.status_code == 403
