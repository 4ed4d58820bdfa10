"""Imports API: upload → 202 with status URL, status, apply, permission matrix, query counts."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from tests.transformation.factories_imports import upload
from tests.transformation.factories_kpis import KPIFactory
from transformation import import_services
from transformation.models import DataImport, FootfallDay, Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English (the catalogues may be compiled, and German is the default)."""
    with translation.override("en"):
        yield


LIST = "/api/v1/imports/"


@pytest.fixture
def footfall(world):
    return KPIFactory(programme=world.programme, code="FOOTFALL", frequency="daily")


def detail(pk):
    return reverse("api:data-import-detail", kwargs={"pk": pk})


def make_import(world, kpi, name="counter_de_latin1.csv", programme=None):
    data_import = import_services.data_import_create(
        programme=programme or world.programme, kind="counter", file=upload(name), kpi=kpi
    )
    return import_services.data_import_check(data_import=data_import)


def test_upload_answers_202_with_a_status_url_and_the_check_result(
    api_as, world, footfall, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("member").post(
            LIST,
            {
                "programme": world.programme.pk,
                "kind": "counter",
                "kpi": footfall.pk,
                "file": upload("counter_de_latin1.csv"),
            },
            format="multipart",
        )
    assert response.status_code == HTTPStatus.ACCEPTED, response.json()
    body = response.json()
    assert body["status_url"].endswith(detail(body["id"])) and response["Location"] == body["status_url"]
    status = api_as("member").get(detail(body["id"])).json()
    assert status["status"] == "ready" and status["progress"] == 100
    assert status["preview"]["date_from"] == "2022-07-01" and status["rows_total"] == 6


def test_apply_imports_the_checked_file(api_as, world, footfall, django_capture_on_commit_callbacks):
    data_import = make_import(world, footfall)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("lead").post(f"{detail(data_import.pk)}apply/")
    assert response.status_code == HTTPStatus.ACCEPTED
    body = api_as("lead").get(detail(data_import.pk)).json()
    assert body["status"] == "done" and body["summary"]["footfall_days"] == 3
    assert FootfallDay.objects.count() == 3 and Measurement.objects.count() == 2
    again = api_as("lead").post(f"{detail(data_import.pk)}apply/")
    assert again.status_code == HTTPStatus.CONFLICT


def test_failed_check_shows_errors_by_row_and_column(api_as, world, footfall):
    data_import = make_import(world, footfall, "counter_errors.csv")
    body = api_as("member").get(detail(data_import.pk)).json()
    assert body["status"] == "failed"
    assert body["errors"][0] == {
        "row": 2,
        "column": "Fußgänger insgesamt",
        "message": "“zwölf” is not a whole number.",
    }
    assert api_as("member").post(f"{detail(data_import.pk)}apply/").status_code == HTTPStatus.CONFLICT


def test_upload_validation_errors_are_field_errors(api_as, world, footfall):
    api = api_as("member")
    response = api.post(
        LIST,
        {"programme": world.programme.pk, "kind": "counter", "file": upload("counter_de_latin1.csv")},
        format="multipart",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and "kpi" in response.json()
    foreign = KPIFactory(programme=world.other_programme)
    response = api.post(
        LIST,
        {
            "programme": world.programme.pk,
            "kind": "counter",
            "kpi": foreign.pk,
            "file": upload("counter_de_latin1.csv"),
        },
        format="multipart",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST and "kpi" in response.json()
    response = api.post(LIST, {"programme": world.programme.pk, "kind": "counter"}, format="multipart")
    assert response.status_code == HTTPStatus.BAD_REQUEST and "file" in response.json()
    assert not DataImport.objects.exists()


UPLOAD_EXPECTED = {
    "anonymous": HTTPStatus.UNAUTHORIZED,
    "stakeholder": HTTPStatus.FORBIDDEN,
    "member": HTTPStatus.ACCEPTED,
    "lead": HTTPStatus.ACCEPTED,
    "other_lead": HTTPStatus.FORBIDDEN,
    "org_admin": HTTPStatus.ACCEPTED,
}


@pytest.mark.parametrize(("role", "expected"), UPLOAD_EXPECTED.items())
def test_upload_permission_matrix(api_as, world, footfall, role, expected):
    response = api_as(role).post(
        LIST,
        {
            "programme": world.programme.pk,
            "kind": "counter",
            "kpi": footfall.pk,
            "file": upload("counter_de_latin1.csv"),
        },
        format="multipart",
    )
    assert response.status_code == expected


READ_EXPECTED = {
    "anonymous": (HTTPStatus.UNAUTHORIZED, HTTPStatus.UNAUTHORIZED, HTTPStatus.UNAUTHORIZED),
    "stakeholder": (HTTPStatus.OK, HTTPStatus.FORBIDDEN, HTTPStatus.FORBIDDEN),
    "member": (HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.ACCEPTED),
    "lead": (HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.ACCEPTED),
    "other_lead": (HTTPStatus.OK, HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND),
    "org_admin": (HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.ACCEPTED),
}


@pytest.mark.parametrize(("role", "expected"), READ_EXPECTED.items())
def test_list_retrieve_apply_permission_matrix(api_as, world, footfall, role, expected):
    data_import = make_import(world, footfall)
    api = api_as(role)
    listed = api.get(LIST)
    assert (listed.status_code, api.get(detail(data_import.pk)).status_code) == expected[:2]
    assert api.post(f"{detail(data_import.pk)}apply/").status_code == expected[2]
    if listed.status_code == HTTPStatus.OK:
        ids = [row["id"] for row in listed.json()["results"]]
        assert ids == ([data_import.pk] if expected[1] == HTTPStatus.OK else [])


def test_list_filters_by_programme_and_status(api_as, world, footfall):
    ok = make_import(world, footfall)
    failed = make_import(world, footfall, "counter_errors.csv")
    api = api_as("lead")
    assert [r["id"] for r in api.get(LIST, {"status": "failed"}).json()["results"]] == [failed.pk]
    assert {r["id"] for r in api.get(LIST, {"programme": world.programme.pk}).json()["results"]} == {
        ok.pk,
        failed.pk,
    }
    assert api.get(LIST, {"programme": "x"}).status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("count", [1, 50])
def test_list_query_count(api_as, world, footfall, count, django_assert_max_num_queries):
    for _ in range(count):
        import_services.data_import_create(
            programme=world.programme, kind="counter", file=upload("counter_de_latin1.csv"), kpi=footfall
        )
    api = api_as("member")
    with django_assert_max_num_queries(6):
        response = api.get(LIST)
    assert response.json()["count"] == count
