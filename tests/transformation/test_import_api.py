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


def test_an_upload_names_the_one_location_its_kpi_counts(
    api_as, world, footfall, django_capture_on_commit_callbacks
):
    api = api_as("member")
    payload = {
        "programme": world.programme.pk,
        "kind": "counter",
        "kpi": footfall.pk,
        "location": "Marktplatz",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(LIST, {**payload, "file": upload("counter_de_latin1.csv")}, format="multipart")
    assert response.json()["location"] == "Marktplatz"
    body = api.get(detail(response.json()["id"])).json()
    assert body["status"] == "ready"
    assert body["preview"]["scope"] == {"location": "Marktplatz", "previous": "", "recomputed": 0}
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"{detail(body['id'])}apply/")
    assert api.get(f"/api/v1/kpis/{footfall.pk}/").json()["counter_location"] == "Marktplatz"
    # Marktplatz alone: 40 pedestrians on 1 July (the file's Bahnhofstraße row is stored but not counted)
    assert Measurement.objects.get(kpi=footfall, period_start="2022-07-01").value == 40
    with django_capture_on_commit_callbacks(execute=True):
        wrong = api.post(
            LIST,
            {**payload, "location": "Rathaus", "file": upload("counter_de_latin1.csv")},
            format="multipart",
        )
    errors = api.get(detail(wrong.json()["id"])).json()["errors"]
    assert errors[0]["column"] == "location" and "Rathaus" in errors[0]["message"]


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
    unknown = api.post(
        LIST,
        {
            "programme": world.programme.pk,
            "kind": "counter",
            "kpi": 999_999,
            "file": upload("counter_de_latin1.csv"),
        },
        format="multipart",
    )
    # Another programme's KPI reads exactly like one that does not exist.
    assert [m.replace(f'"{foreign.pk}"', '"999999"') for m in response.json()["kpi"]] == unknown.json()["kpi"]
    response = api.post(LIST, {"programme": world.programme.pk, "kind": "counter"}, format="multipart")
    assert response.status_code == HTTPStatus.BAD_REQUEST and "file" in response.json()
    assert not DataImport.objects.exists()


UPLOAD_EXPECTED = {
    "anonymous": HTTPStatus.UNAUTHORIZED,
    "stakeholder": HTTPStatus.FORBIDDEN,
    "member": HTTPStatus.ACCEPTED,
    "lead": HTTPStatus.ACCEPTED,
    "other_lead": HTTPStatus.NOT_FOUND,  # a programme the user holds no role in
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


OK, ACCEPTED, UNAUTHORIZED = HTTPStatus.OK, HTTPStatus.ACCEPTED, HTTPStatus.UNAUTHORIZED
FORBIDDEN, NOT_FOUND = HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND
# list, retrieve, apply, cancel of an import of the world's programme
READ_EXPECTED = {
    "anonymous": (UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED),
    "stakeholder": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "member": (OK, OK, ACCEPTED, OK),
    "lead": (OK, OK, ACCEPTED, OK),
    "other_lead": (OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "org_admin": (OK, OK, ACCEPTED, OK),
}


@pytest.mark.parametrize(("role", "expected"), READ_EXPECTED.items())
def test_list_retrieve_apply_cancel_permission_matrix(api_as, world, footfall, role, expected):
    data_import = make_import(world, footfall)
    cancelled = make_import(world, footfall)
    api = api_as(role)
    listed = api.get(LIST)
    assert (listed.status_code, api.get(detail(data_import.pk)).status_code) == expected[:2]
    assert api.post(f"{detail(data_import.pk)}apply/").status_code == expected[2]
    assert api.post(f"{detail(cancelled.pk)}cancel/").status_code == expected[3]
    if listed.status_code == HTTPStatus.OK:
        ids = {row["id"] for row in listed.json()["results"]}
        assert ids == ({data_import.pk, cancelled.pk} if expected[1] == HTTPStatus.OK else set())
    allowed = expected[1] == HTTPStatus.OK
    data_import.refresh_from_db()
    cancelled.refresh_from_db()
    assert (data_import.status, cancelled.status) == (
        ("importing", "cancelled") if allowed else ("ready", "ready")
    )


@pytest.fixture
def foreign_import(world):
    """An import of the other programme (led by other_lead), checked and ready."""
    kpi = KPIFactory(programme=world.other_programme, code="FOOTFALL", frequency="daily")
    return make_import(world, kpi, programme=world.other_programme), kpi


# retrieve, apply, cancel of the other programme's import; upload into the other programme
FOREIGN_EXPECTED = {
    "anonymous": (UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED, UNAUTHORIZED),
    "stakeholder": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "member": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "lead": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "org_admin": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "other_lead": (OK, ACCEPTED, HTTPStatus.CONFLICT, ACCEPTED),  # their own programme
}


@pytest.mark.parametrize(("role", "expected"), FOREIGN_EXPECTED.items())
def test_another_programmes_import_is_not_found_for_every_role_outside_it(
    api_as, world, foreign_import, role, expected
):
    data_import, kpi = foreign_import
    api = api_as(role)
    got = (
        api.get(detail(data_import.pk)).status_code,
        api.post(f"{detail(data_import.pk)}apply/").status_code,
        api.post(f"{detail(data_import.pk)}cancel/").status_code,  # after apply: too late for its lead
        api.post(
            LIST,
            {
                "programme": world.other_programme.pk,
                "kind": "counter",
                "kpi": kpi.pk,
                "file": upload("counter_de_latin1.csv"),
            },
            format="multipart",
        ).status_code,
    )
    assert got == expected
    if expected[0] == NOT_FOUND:
        data_import.refresh_from_db()
        assert data_import.status == "ready"
        assert DataImport.objects.filter(programme=world.other_programme).count() == 1
        assert data_import.pk not in {row["id"] for row in api.get(LIST).json()["results"]}


def test_an_upload_to_an_unknown_programme_is_not_found_like_a_foreign_one(api_as, world, footfall):
    api = api_as("lead")
    payload = {"kind": "counter", "kpi": footfall.pk, "file": upload("counter_de_latin1.csv")}
    unknown = api.post(LIST, {**payload, "programme": 999_999}, format="multipart")
    foreign = api.post(
        LIST, {**payload, "programme": world.other_programme.pk, "file": upload("counter_de_latin1.csv")}
    )
    assert unknown.status_code == foreign.status_code == HTTPStatus.NOT_FOUND
    assert unknown.json() == foreign.json()
    garbage = api.post(LIST, {**payload, "programme": "x", "file": upload("counter_de_latin1.csv")})
    assert garbage.status_code == HTTPStatus.BAD_REQUEST and "programme" in garbage.json()


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
