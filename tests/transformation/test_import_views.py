"""Import pages: permission matrix, upload → preview → import, progress partial, errors, query counts."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.transformation.factories_imports import upload
from tests.transformation.factories_kpis import KPIFactory
from transformation import import_services
from transformation.models import DataImport, FootfallDay, Measurement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    """Messages are compared in English (the catalogues may be compiled, and German is the default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


EDITORS = {
    "anonymous": REDIRECT,
    "stakeholder": FORBIDDEN,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}


def url(world, name, **kwargs):
    return reverse(f"programmes:transformation:{name}", kwargs={**world.programme.url_kwargs, **kwargs})


@pytest.fixture
def footfall(world):
    return KPIFactory(programme=world.programme, code="FOOTFALL", frequency="daily")


def make_import(world, footfall, name="counter_de_latin1.csv", check=True):
    data_import = import_services.data_import_create(
        programme=world.programme, kind="counter", file=upload(name), kpi=footfall, user=world.user("member")
    )
    if check:
        import_services.data_import_check(data_import=data_import)
    return data_import


def test_import_pages_permission_matrix(client_as, world, footfall):
    data_import = make_import(world, footfall)
    for name, kwargs in [
        ("import_list", {}),
        ("import_create", {}),
        ("import_detail", {"pk": data_import.pk}),
        ("import_status", {"pk": data_import.pk}),
    ]:
        check_matrix(client_as, url(world, name, **kwargs), EDITORS)


def test_apply_and_cancel_permission_matrix(client_as, world, footfall):
    data_import = make_import(world, footfall)
    expected = {**EDITORS, "member": REDIRECT, "lead": REDIRECT, "org_admin": REDIRECT}
    check_matrix(client_as, url(world, "import_cancel", pk=data_import.pk), expected, method="post")
    assert DataImport.objects.get(pk=data_import.pk).status == DataImport.Status.CANCELLED


def test_an_import_that_has_settled_says_why_it_cannot_be_applied_or_cancelled(client_as, world, footfall):
    data_import = make_import(world, footfall)
    import_services.data_import_cancel(data_import=data_import)
    client = client_as("member")
    detail = url(world, "import_detail", pk=data_import.pk)
    for action, message in [
        ("import_cancel", "This import can no longer be cancelled."),
        ("import_apply", "Only an import that is ready can be applied."),
    ]:
        response = client.post(url(world, action, pk=data_import.pk))
        assert response.status_code == HTTPStatus.FOUND and response["Location"] == detail
        assert message in client.get(detail).content.decode()
    assert DataImport.objects.get(pk=data_import.pk).status == DataImport.Status.CANCELLED


def test_another_programmes_import_is_not_found(client_as, world):
    foreign_kpi = KPIFactory(programme=world.other_programme)
    foreign = import_services.data_import_create(
        programme=world.other_programme, kind="counter", file=upload("counter_de_latin1.csv"), kpi=foreign_kpi
    )
    response = client_as("lead").get(url(world, "import_detail", pk=foreign.pk))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_member_uploads_checks_previews_and_imports_a_counter_file(
    client_as, world, footfall, django_capture_on_commit_callbacks
):
    client = client_as("member")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world, "import_create"),
            {"kind": "counter", "kpi": footfall.pk, "scope": "all", "file": upload("counter_de_latin1.csv")},
        )
    data_import = DataImport.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url(world, "import_detail", pk=data_import.pk)
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-preview"' in page and "Bahnhofstraße" in page and 'id="import-apply"' in page
    assert "KPI FOOTFALL will count all locations of the programme (their sum per day)." in page
    assert "<progress" in page and 'aria-live="polite"' in page
    assert "hx-trigger" not in page  # a checked import is not polled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, "import_apply", pk=data_import.pk))
    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.DONE
    assert FootfallDay.objects.count() == 3 and Measurement.objects.filter(kpi=footfall).count() == 2
    page = client.get(url(world, "import_detail", pk=data_import.pk)).content.decode()
    assert 'id="import-summary"' in page


def test_a_counter_upload_needs_an_explicit_choice_of_locations(client_as, world, footfall):
    client = client_as("member")
    response = client.post(
        url(world, "import_create"),
        {"kind": "counter", "kpi": footfall.pk, "file": upload("counter_de_latin1.csv")},
    )
    assert response.context["form"].errors["scope"] == ["Choose whether the KPI counts all locations or one."]
    response = client.post(
        url(world, "import_create"),
        {"kind": "counter", "kpi": footfall.pk, "scope": "one", "file": upload("counter_de_latin1.csv")},
    )
    assert response.context["form"].errors["location"] == ["Name the location the KPI counts."]
    assert not DataImport.objects.exists()


def test_a_kpi_for_one_location_is_chosen_on_upload_and_the_preview_says_so(
    client_as, world, footfall, django_capture_on_commit_callbacks
):
    FootfallDay.objects.create(
        programme=world.programme, location="Marktplatz", date="2022-06-01", total=1, hours=1
    )
    markt = KPIFactory(programme=world.programme, code="MARKT", frequency="daily")
    client = client_as("member")
    form_page = client.get(url(world, "import_create")).content.decode()
    assert '<datalist id="counter-locations"><option value="Marktplatz"></option></datalist>' in form_page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world, "import_create"),
            {
                "kind": "counter",
                "kpi": markt.pk,
                "scope": "one",
                "location": " Marktplatz ",
                "file": upload("counter_de_latin1.csv"),
            },
        )
    data_import = DataImport.objects.get()
    assert data_import.location == "Marktplatz"
    page = client.get(response["Location"]).content.decode()
    assert "KPI MARKT will count the location “Marktplatz” only." in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, "import_apply", pk=data_import.pk))
    markt.refresh_from_db()
    assert markt.counter_location == "Marktplatz"
    page = client.get(url(world, "import_detail", pk=data_import.pk)).content.decode()
    assert '<dd id="import-kpi-scope">Marktplatz</dd>' in page


def test_a_location_missing_from_the_file_fails_the_check(
    client_as, world, footfall, django_capture_on_commit_callbacks
):
    client = client_as("member")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world, "import_create"),
            {
                "kind": "counter",
                "kpi": footfall.pk,
                "scope": "one",
                "location": "Rathaus",
                "file": upload("counter_de_latin1.csv"),
            },
        )
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page
    assert (
        "The file has no rows for “Rathaus”, the location chosen for the KPI. Locations in the file: "
        "Bahnhofstraße, Marktplatz."
    ) in page


def test_upload_form_errors_are_shown_on_the_fields(client_as, world, footfall):
    client = client_as("member")
    response = client.post(
        url(world, "import_create"), {"kind": "counter", "file": upload("counter_de_latin1.csv")}
    )
    assert response.status_code == HTTPStatus.OK
    assert "kpi" in response.context["form"].errors
    response = client.post(url(world, "import_create"), {"kind": "counter", "kpi": footfall.pk})
    assert "file" in response.context["form"].errors
    assert not DataImport.objects.exists()


def test_the_kpi_choice_offers_only_this_programmes_kpis(client_as, world, footfall):
    foreign = KPIFactory(programme=world.other_programme, code="FREMD")
    response = client_as("member").post(
        url(world, "import_create"),
        {"kind": "counter", "kpi": foreign.pk, "file": upload("counter_de_latin1.csv")},
    )
    assert "kpi" in response.context["form"].errors
    assert "FREMD" not in response.content.decode()


def test_too_large_a_file_is_refused_with_a_clear_message(client_as, world, footfall, monkeypatch):
    from transformation import forms_imports

    monkeypatch.setattr(forms_imports, "MAX_UPLOAD_BYTES", 100)
    response = client_as("member").post(
        url(world, "import_create"),
        {"kind": "counter", "kpi": footfall.pk, "file": upload("counter_de_latin1.csv")},
    )
    assert "too large" in str(response.context["form"].errors["file"])


def test_failed_import_lists_errors_by_row_and_column(client_as, world, footfall):
    data_import = make_import(world, footfall, "counter_errors.csv")
    page = client_as("member").get(url(world, "import_detail", pk=data_import.pk)).content.decode()
    assert 'id="import-errors"' in page and "“gestern” is not a timestamp" in page
    assert "Zeitpunkt der Messung" in page and 'id="import-apply"' not in page


def test_the_progress_partial_polls_while_checking_and_stops_when_settled(client_as, world, footfall):
    data_import = make_import(world, footfall, check=False)
    DataImport.objects.filter(pk=data_import.pk).update(status="checking", progress=42)
    client = client_as("member")
    page = client.get(url(world, "import_detail", pk=data_import.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="42"' in page
    partial = client.get(url(world, "import_status", pk=data_import.pk), HTTP_HX_REQUEST="true")
    assert partial.status_code == HTTPStatus.OK
    assert 'value="42"' in partial.content.decode() and 'hx-swap-oob="innerHTML"' in partial.content.decode()
    DataImport.objects.filter(pk=data_import.pk).update(status="ready", progress=100)
    partial = client.get(url(world, "import_status", pk=data_import.pk), HTTP_HX_REQUEST="true")
    assert partial.status_code == 286  # htmx stops polling
    assert 'id="import-apply"' in partial.content.decode()


def test_applying_twice_shows_a_message_instead_of_importing_again(
    client_as, world, footfall, django_capture_on_commit_callbacks
):
    data_import = make_import(world, footfall)
    client = client_as("lead")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, "import_apply", pk=data_import.pk))
    response = client.post(url(world, "import_apply", pk=data_import.pk), follow=True)
    assert "Only an import that is ready can be applied." in response.content.decode()


@pytest.mark.parametrize("count", [1, 50])
def test_import_list_query_count(client_as, world, footfall, count, django_assert_max_num_queries):
    for _ in range(count):
        make_import(world, footfall, check=False)
    client = client_as("member")
    with django_assert_max_num_queries(10):
        response = client.get(url(world, "import_list"))
    assert len(response.context["imports"]) == count


@pytest.mark.parametrize("name", ["import_detail", "import_status"])
def test_import_detail_query_count(client_as, world, footfall, name, django_assert_max_num_queries):
    data_import = make_import(world, footfall)
    client = client_as("member")
    with django_assert_max_num_queries(10):
        client.get(url(world, name, pk=data_import.pk))


def test_the_transformation_overview_links_to_the_imports(client_as, world):
    page = client_as("member").get(reverse("programmes:transformation", kwargs=world.programme.url_kwargs))
    assert url(world, "import_list") in page.content.decode()
