"""Response management for leads: list, filter and delete test or spam responses; undo a whole import."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluation import selectors, services
from evaluation.models import ImportBatch, Response
from tests.evaluation.factories import VALID, add_responses, make_survey
from tests.evaluation.test_tallies import assert_tallies_match_answers

pytestmark = pytest.mark.django_db


def url(name: str, survey, **kwargs) -> str:
    return reverse(
        f"programmes:evaluation:{name}", kwargs={**survey.programme.url_kwargs, "survey": survey.pk, **kwargs}
    )


def import_rows(survey, rows: list[dict], *, name="papier.csv", user=None, point=None) -> ImportBatch:
    records = [{**row, **({"@collection_point": point.name} if point else {})} for row in rows]
    return services.responses_import_recorded(
        survey=survey,
        wave=survey.waves.order_by("-number").first(),
        records=records,
        file_name=name,
        created_by=user,
    )


def grade_counts(survey) -> dict:
    results = selectors.survey_results(survey)
    grade = next(q for q in results["questions"] if q["code"] == "transport")
    return {"responses": results["responses"], **{d["key"]: d["count"] for d in grade["distribution"]}}


# --- Services ----------------------------------------------------------------------------------------


def test_undoing_an_import_deletes_its_responses_and_their_counts(survey, world):
    add_responses(survey, 4, seed=2)
    before = grade_counts(survey)
    batch = import_rows(
        survey, [VALID, {**VALID, "transport": "bus"}, {"transport": "foot"}], user=world.user("lead")
    )
    assert (
        batch.status == ImportBatch.Status.IMPORTED and batch.row_count == 3 and batch.responses.count() == 3
    )
    assert grade_counts(survey)["responses"] == before["responses"] + 3

    assert services.import_batch_undo(batch=batch) == 3
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and batch.undone_at is not None
    assert grade_counts(survey) == before  # the results are as before the import
    assert_tallies_match_answers(survey)
    with pytest.raises(Exception, match="Only an imported"):
        services.import_batch_undo(batch=batch)


def test_a_failed_import_leaves_no_record(survey):
    with pytest.raises(services.ImportErrors):
        import_rows(survey, [VALID, {"transport": "plane"}])
    assert not ImportBatch.objects.exists() and not Response.objects.exists()


# --- The responses page ------------------------------------------------------------------------------


def test_lead_filters_selects_confirms_and_deletes_responses(client_as, world, survey):
    point = services.collection_point_create(survey=survey, name="Markt")
    add_responses(survey, 3, seed=1)
    add_responses(survey, 2, seed=2, collection_point=point)
    batch = import_rows(survey, [VALID, VALID])
    services.wave_start(survey=survey, label="Welle 2")
    add_responses(survey, 1, seed=3)
    client = client_as("lead")

    page = client.get(url("responses", survey))
    assert page.status_code == HTTPStatus.OK and page.context["page_obj"].paginator.count == 8
    html = page.content.decode()
    assert "Mehr Grün" not in html and "Parkplätze" not in html  # no answers shown
    assert (
        client.get(url("responses", survey), {"collection_point": point.pk})
        .context["page_obj"]
        .paginator.count
        == 2
    )
    assert (
        client.get(url("responses", survey), {"import_batch": batch.pk}).context["page_obj"].paginator.count
        == 2
    )
    assert client.get(url("responses", survey), {"import_batch": 0}).context["page_obj"].paginator.count == 6
    wave2 = survey.waves.get(number=2)
    assert client.get(url("responses", survey), {"wave": wave2.pk}).context["page_obj"].paginator.count == 1
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert (
        client.get(url("responses", survey), {"submitted_from": tomorrow}).context["page_obj"].paginator.count
        == 0
    )
    # nonsense filters are reported at the field and ignored, never a 500
    bad = client.get(url("responses", survey), {"wave": "x", "submitted_from": "gestern", "page": "999"})
    assert bad.status_code == HTTPStatus.OK and bad.context["page_obj"].paginator.count == 8
    assert "wave" in bad.context["filter_form"].errors
    # a mistyped date does not drop the other filters
    typo = client.get(url("responses", survey), {"collection_point": point.pk, "submitted_from": "gestern"})
    assert (
        typo.context["page_obj"].paginator.count == 2
        and "submitted_from" in typo.context["filter_form"].errors
    )

    spam = list(Response.objects.filter(collection_point=point).values_list("pk", flat=True))
    foreign = make_survey(world.programme, title="Andere")
    add_responses(foreign, 1)
    foreign_id = Response.objects.get(wave__survey=foreign).pk
    before = grade_counts(survey)
    confirm = client.post(
        url("responses_delete", survey),
        {"response": [*spam, foreign_id, "x"], "next_query": f"collection_point={point.pk}"},
    )
    assert confirm.status_code == HTTPStatus.OK and Response.objects.count() == 9  # nothing deleted yet
    assert {r.pk for r in confirm.context["responses"]} == set(spam)  # not the other survey's
    assert 'id="confirm-delete"' in confirm.content.decode()
    done = client.post(
        url("responses_delete", survey),
        {"response": [*spam, foreign_id], "confirm": "1", "next_query": f"collection_point={point.pk}"},
    )
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == url("responses", survey) + f"?collection_point={point.pk}"
    assert not Response.objects.filter(pk__in=spam).exists()
    assert Response.objects.filter(pk=foreign_id).exists()  # another survey's response is never touched
    after = grade_counts(survey)
    assert after["responses"] == before["responses"] - 2
    assert_tallies_match_answers(survey)
    # nothing selected: back to the list with a message
    empty = client.post(url("responses_delete", survey), {}, follow=True)
    assert "Select at least one response" in empty.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_responses_page_query_count_is_fixed(client_as, world, survey, count, django_assert_max_num_queries):
    point = services.collection_point_create(survey=survey, name="Markt")
    add_responses(survey, count, seed=4, collection_point=point)
    for number in range(count):  # one import per row: the filter and the imports page list every file
        import_rows(survey, [VALID], name=f"papier-{number}.csv", user=world.user("member"))
    client = client_as("lead")
    with django_assert_max_num_queries(14):
        page = client.get(url("responses", survey))
    assert page.context["page_obj"].paginator.count == 2 * count
    with django_assert_max_num_queries(12):
        page = client.get(url("import_batches", survey))
    assert len(page.context["batches"]) == count


# --- Imports page and undo ---------------------------------------------------------------------------


def test_lead_undoes_an_import_after_confirming(client_as, world, survey):
    add_responses(survey, 2, seed=5)
    batch = import_rows(survey, [VALID, VALID, VALID], user=world.user("member"))
    client = client_as("lead")
    listing = client.get(url("import_batches", survey)).content.decode()
    assert "papier.csv" in listing and url("import_undo", survey, batch=batch.pk) in listing
    confirm = client.get(url("import_undo", survey, batch=batch.pk))
    assert confirm.status_code == HTTPStatus.OK and 'id="undo-confirmation"' in confirm.content.decode()
    assert Response.objects.count() == 5
    done = client.post(url("import_undo", survey, batch=batch.pk), follow=True)
    assert "undone: 3 responses deleted" in done.content.decode()
    assert Response.objects.count() == 2 and selectors.survey_results(survey)["responses"] == 2
    again = client.post(url("import_undo", survey, batch=batch.pk), follow=True)
    assert "Only an imported file can be undone" in again.content.decode()
    assert "already been undone" in client.get(url("import_undo", survey, batch=batch.pk)).content.decode()


def test_browser_import_is_recorded_with_file_name_user_and_count(client_as, world, survey):
    client = client_as("member")
    csv = b"transport;grade\ncar;2\nbus;3\n"
    step1 = client.post(
        url("import", survey), {"file": SimpleUploadedFile("markt.csv", csv), "wave": survey.waves.get().pk}
    )
    batch = step1.context["batch"]
    mapping = {f"map_{c['index']}": c["target"] for c in step1.context["columns"]}
    client.post(url("import", survey), {"batch": batch.pk, **mapping, "confirm": "1"})
    batch.refresh_from_db()
    assert (batch.file_name, batch.created_by, batch.row_count, batch.status) == (
        "markt.csv",
        world.user("member"),
        2,
        ImportBatch.Status.IMPORTED,
    )
    assert not batch.file  # the rows are in the database; the file is not kept
    assert set(Response.objects.values_list("import_batch", flat=True)) == {batch.pk}


# --- API ---------------------------------------------------------------------------------------------


def test_api_lists_response_metadata_without_answers_and_filters(api_as, world, survey):
    point = services.collection_point_create(survey=survey, name="Markt")
    add_responses(survey, 2, seed=1, collection_point=point)
    batch = import_rows(survey, [VALID])
    api = api_as("lead")
    target = reverse("api:survey-response-list", kwargs={"survey_pk": survey.pk})
    body = api.get(target).json()
    assert body["count"] == 3
    assert set(body["results"][0]) == {
        "id",
        "wave",
        "collection_point",
        "submitted_at",
        "language",
        "import_batch",
        "answered",
    }
    assert api.get(target, {"collection_point": point.pk}).json()["count"] == 2
    assert api.get(target, {"import_batch": batch.pk}).json()["count"] == 1
    assert api.get(target, {"online": "true"}).json()["count"] == 2
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert api.get(target, {"submitted_after": later}).json()["count"] == 0
    assert api.get(target, {"wave": "nope"}).status_code == HTTPStatus.BAD_REQUEST


def test_api_deletes_one_or_several_responses_and_undoes_an_import(api_as, world, survey):
    add_responses(survey, 4, seed=6)
    batch = import_rows(survey, [VALID, VALID])
    api = api_as("lead")
    online = list(Response.objects.filter(import_batch=None).order_by("pk").values_list("pk", flat=True))
    one = reverse("api:survey-response-detail", kwargs={"survey_pk": survey.pk, "pk": online[0]})
    assert api.delete(one).status_code == HTTPStatus.NO_CONTENT
    assert api.delete(one).status_code == HTTPStatus.NOT_FOUND
    many = reverse("api:survey-response-delete-many", kwargs={"survey_pk": survey.pk})
    foreign = make_survey(world.programme, title="Andere")
    add_responses(foreign, 1)
    foreign_id = Response.objects.get(wave__survey=foreign).pk
    deleted = api.post(many, {"ids": [*online[1:3], foreign_id]}, format="json")
    assert deleted.status_code == HTTPStatus.OK and deleted.json() == {"deleted": 2}
    assert api.post(many, {"ids": []}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert api.post(many, {"ids": "1"}, format="json").status_code == HTTPStatus.BAD_REQUEST
    assert Response.objects.filter(wave__survey=survey).count() == 3
    assert_tallies_match_answers(survey)

    imports = reverse("api:survey-import-list", kwargs={"survey_pk": survey.pk})
    listed = api.get(imports).json()
    assert [(row["id"], row["row_count"], row["remaining"], row["status"]) for row in listed] == [
        (batch.pk, 2, 2, "imported")
    ]
    undo = reverse("api:survey-import-undo", kwargs={"survey_pk": survey.pk, "pk": batch.pk})
    undone = api.post(undo)
    assert undone.status_code == HTTPStatus.OK and undone.json()["status"] == "undone"
    assert undone.json()["remaining"] == 0
    assert api.post(undo).status_code == HTTPStatus.BAD_REQUEST
    assert selectors.survey_results(survey)["responses"] == 1
    assert_tallies_match_answers(survey)


@pytest.mark.parametrize("count", [1, 50])
def test_api_response_list_query_count_is_fixed(api_as, world, survey, count, django_assert_max_num_queries):
    add_responses(survey, count, seed=3)
    for number in range(count):
        import_rows(survey, [VALID], name=f"papier-{number}.csv", user=world.user("member"))
    api = api_as("lead")
    with django_assert_max_num_queries(8):
        body = api.get(reverse("api:survey-response-list", kwargs={"survey_pk": survey.pk})).json()
    assert body["count"] == 2 * count
    with django_assert_max_num_queries(8):
        rows = api.get(reverse("api:survey-import-list", kwargs={"survey_pk": survey.pk})).json()
    assert len(rows) == count and all(row["created_by"] and row["remaining"] == 1 for row in rows)
