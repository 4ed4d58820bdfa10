"""Evidence of a finding beyond links: uploaded documents (checked, stored under a random name, downloadable
only by the programme's roles) and workshops of the same programme, in the browser and the API."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import documents, services
from evaluation.models import Evidence, Finding
from tests.permissions import check_matrix
from tests.programmes.factories_workshops import WorkshopFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def finding(world):
    return services.finding_create(programme=world.programme, statement="Parken ist schwer zu finden")


def upload(name="Protokoll Werkstatt.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def edit_url(programme, finding):
    return reverse(
        "programmes:evaluation:finding_edit", kwargs={**programme.url_kwargs, "finding": finding.pk}
    )


def download_url(programme, evidence):
    return reverse(
        "programmes:evaluation:evidence_document", kwargs={**programme.url_kwargs, "evidence": evidence.pk}
    )


def form_data(**extra):
    return {"statement": "Parken ist schwer zu finden", "priority": "medium", "status": "open", **extra}


def test_member_uploads_a_document_stored_under_a_random_name(client_as, world, finding, media):
    response = client_as("member").post(
        edit_url(world.programme, finding), form_data(evidence_document=upload(), evidence_label="")
    )
    assert response.status_code == HTTPStatus.FOUND
    evidence = finding.evidence.get()
    assert (evidence.kind, evidence.label, evidence.document_name) == (
        "document",
        "Protokoll_Werkstatt.pdf",
        "Protokoll_Werkstatt.pdf",
    )
    stored = Path(evidence.document.path)
    assert stored.read_bytes() == PDF and stored.is_relative_to(media)
    assert "Protokoll" not in evidence.document.name and evidence.document.name.endswith(".pdf")
    assert f"/{world.programme.pk}/" in evidence.document.name
    # the list links to the download, never to a media URL
    listing = (
        client_as("stakeholder")
        .get(reverse("programmes:evaluation:finding_list", kwargs=world.programme.url_kwargs))
        .content.decode()
    )
    assert download_url(world.programme, evidence) in listing and "/media/" not in listing


def test_download_for_every_role(client_as, world, finding):
    evidence = services.evidence_add(finding=finding, kind="document", label="Protokoll", document=upload())
    roles = {
        "anonymous": 302,
        "stakeholder": 200,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(client_as, download_url(world.programme, evidence), roles)
    response = client_as("stakeholder").get(download_url(world.programme, evidence))
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Protokoll_Werkstatt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # another programme's URL with this evidence id: 404 even for its own lead
    other = reverse(
        "programmes:evaluation:evidence_document",
        kwargs={**world.other_programme.url_kwargs, "evidence": evidence.pk},
    )
    assert client_as("other_lead").get(other).status_code == HTTPStatus.NOT_FOUND
    # a link without a file has nothing to download
    link = services.evidence_add(finding=finding, kind="url", url="https://example.org/a")
    assert client_as("member").get(download_url(world.programme, link)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(content=b"%PDF-" + b"0" * (documents.MAX_BYTES)), "larger than 10 MB"),
        (upload(name="tool.exe", content=b"MZ\x90\x00"), "Upload a PDF, an office document or an image"),
        (upload(name="bericht.pdf", content=b"<html><script>alert(1)</script>"), "does not match its type"),
        (upload(name="bild.png", content=PDF), "does not match its type"),
        (upload(name="leer.pdf", content=b""), "The submitted file is empty."),
        (upload(name="ohne-endung", content=PDF), "Upload a PDF, an office document or an image"),
    ],
    ids=["too-big", "exe", "html-as-pdf", "pdf-as-png", "empty", "no-extension"],
)
def test_big_or_odd_files_get_a_field_error_and_nothing_is_saved(client_as, world, file, message, media):
    response = client_as("member").post(
        reverse("programmes:evaluation:finding_create", kwargs=world.programme.url_kwargs),
        form_data(statement="Neue Erkenntnis", evidence_document=file),
    )
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert 'id="id_evidence_document_error"' in html and message in html
    assert not Finding.objects.filter(statement="Neue Erkenntnis").exists()
    assert not Evidence.objects.exists() and not any(media.rglob("*.*"))


def test_accepted_types_are_stored(finding):
    services.evidence_add(finding=finding, kind="document", document=upload("Foto.PNG", PNG, "image/png"))
    docx = upload("Konzept.docx", b"PK\x03\x04" + b"\x00" * 30, "application/octet-stream")
    services.evidence_add(finding=finding, kind="document", label="Konzept", document=docx)
    assert [e.document_name for e in finding.evidence.all()] == ["Foto.png", "Konzept.docx"]


def test_service_refuses_a_file_on_other_kinds(finding):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.evidence_add(finding=finding, kind="url", url="https://example.org", document=upload())
    assert "document" in error.value.message_dict


def test_removing_evidence_and_deleting_the_finding_delete_the_files(
    client_as, world, finding, media, django_capture_on_commit_callbacks
):
    first = services.evidence_add(finding=finding, kind="document", document=upload())
    second = services.evidence_add(finding=finding, kind="document", document=upload("Zwei.pdf"))
    first_path, second_path = Path(first.document.path), Path(second.document.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("member").post(
            reverse(
                "programmes:evaluation:evidence_delete",
                kwargs={**world.programme.url_kwargs, "evidence": first.pk},
            )
        )
    assert response.status_code == HTTPStatus.FOUND
    assert not first_path.exists() and second_path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.finding_delete(finding=finding)
    assert not second_path.exists()


def test_member_picks_a_workshop_of_the_programme(client_as, world, finding):
    workshop = WorkshopFactory(programme=world.programme, title="Werkstatt Einzelhandel")
    form = client_as("member").get(edit_url(world.programme, finding)).content.decode()
    assert "Werkstatt Einzelhandel" in form
    response = client_as("member").post(
        edit_url(world.programme, finding), form_data(evidence_workshop=workshop.pk)
    )
    assert response.status_code == HTTPStatus.FOUND
    evidence = finding.evidence.get()
    assert (
        evidence.kind,
        evidence.workshop,
        evidence.label.startswith("Workshop “Werkstatt Einzelhandel” on"),
    ) == (
        "workshop",
        workshop,
        True,
    )
    listing = (
        client_as("stakeholder")
        .get(reverse("programmes:evaluation:finding_list", kwargs=world.programme.url_kwargs))
        .content.decode()
    )
    workshop_url = reverse(
        "programmes:workshop_detail", kwargs={**world.programme.url_kwargs, "pk": workshop.pk}
    )
    assert workshop_url in listing


def test_another_programmes_workshop_is_refused(client_as, world, finding):
    foreign = WorkshopFactory(programme=world.other_programme, title="Fremder Workshop")
    assert (
        "Fremder Workshop" not in client_as("member").get(edit_url(world.programme, finding)).content.decode()
    )
    response = client_as("member").post(
        edit_url(world.programme, finding), form_data(evidence_workshop=foreign.pk)
    )
    assert response.status_code == HTTPStatus.OK
    assert 'id="id_evidence_workshop_error"' in response.content.decode()
    assert not finding.evidence.exists()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.evidence_add(finding=finding, kind="workshop", workshop=foreign)
    assert error.value.message_dict == {"workshop": ["The workshop belongs to another programme."]}


def test_workshop_conversion_links_its_workshop_on_its_local_date(world):
    from datetime import UTC, datetime

    from evaluation.workshop_conversions import convert_to_finding
    from programmes.models import WorkshopOutput

    # 22:30 UTC on 12 May is half past midnight on 13 May in Berlin
    workshop = WorkshopFactory(
        programme=world.programme, title="Nachtwerkstatt", starts_at=datetime(2026, 5, 12, 22, 30, tzinfo=UTC)
    )
    output = WorkshopOutput.objects.create(
        workshop=workshop, kind=WorkshopOutput.Kind.IDEA, text="Mehr Bänke"
    )
    finding = convert_to_finding(output, world.user("member"))
    evidence = finding.evidence.get()
    assert evidence.workshop == workshop
    assert evidence.label.startswith("Workshop “Nachtwerkstatt” on") and "13" in evidence.label
    assert "12" not in evidence.label.replace("2026", "")


# --- API ---------------------------------------------------------------------------------------------


def evidence_url(finding):
    return reverse("api:finding-evidence", kwargs={"pk": finding.pk})


def test_api_uploads_a_document_and_hands_it_to_programme_roles_only(api_as, world, finding):
    response = api_as("member").post(
        evidence_url(finding),
        {"kind": "document", "label": "Protokoll", "document": upload()},
        format="multipart",
    )
    assert response.status_code == HTTPStatus.CREATED, response.json()
    data = response.json()
    assert (data["kind"], data["label"], data["document_name"]) == (
        "document",
        "Protokoll",
        "Protokoll_Werkstatt.pdf",
    )
    download = data["document_url"]
    assert download == reverse(
        "api:finding-evidence-document", kwargs={"pk": finding.pk, "evidence_pk": data["id"]}
    )
    roles = {
        "anonymous": 401,
        "stakeholder": 200,
        "member": 200,
        "lead": 200,
        "other_lead": 404,
        "org_admin": 200,
    }
    check_matrix(api_as, download, roles)
    response = api_as("stakeholder").get(download)
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Protokoll_Werkstatt.pdf"'
    listed = api_as("stakeholder").get(reverse("api:finding-detail", kwargs={"pk": finding.pk})).json()
    assert listed["evidence"][0]["document_url"] == download


def test_api_refuses_big_or_odd_files_on_the_field(api_as, finding):
    too_big = upload(content=b"%PDF-" + b"0" * documents.MAX_BYTES)
    for file, message in [
        (too_big, "The file is larger than 10 MB."),
        (upload(name="seite.html", content=b"<html>"), "Upload a PDF"),
    ]:
        response = api_as("member").post(
            evidence_url(finding), {"kind": "document", "document": file}, format="multipart"
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert message in response.json()["document"][0]
    assert not finding.evidence.exists()


def test_api_workshop_evidence(api_as, world, finding):
    workshop = WorkshopFactory(programme=world.programme, title="Werkstatt")
    foreign = WorkshopFactory(programme=world.other_programme)
    created = api_as("member").post(
        evidence_url(finding), {"kind": "workshop", "workshop": workshop.pk}, format="json"
    )
    assert created.status_code == HTTPStatus.CREATED and created.json()["workshop"] == workshop.pk
    refused = api_as("member").post(
        evidence_url(finding), {"kind": "workshop", "workshop": foreign.pk}, format="json"
    )
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert refused.json() == {"workshop": ["Unknown workshop of this programme."]}
    mismatched = api_as("member").post(
        evidence_url(finding),
        {"kind": "url", "url": "https://example.org", "workshop": workshop.pk},
        format="json",
    )
    assert mismatched.status_code == HTTPStatus.BAD_REQUEST and "workshop" in mismatched.json()
    no_url = api_as("member").post(evidence_url(finding), {"kind": "url"}, format="json")
    assert no_url.json()["url"] == ["Please give the address of the web page."]


def test_api_upload_for_every_role(api_as, finding):
    roles = {
        "anonymous": 401,
        "stakeholder": 403,
        "member": 201,
        "lead": 201,
        "other_lead": 404,
        "org_admin": 201,
    }
    for role, expected in roles.items():
        response = api_as(role).post(
            evidence_url(finding), {"kind": "document", "document": upload()}, format="multipart"
        )
        assert response.status_code == expected, role
    assert finding.evidence.count() == 3


def test_a_hidden_segment_cannot_become_evidence_through_the_api_either(api_as, world, survey, finding):
    from tests.evaluation.factories import VALID

    for _ in range(5):
        services.response_submit(survey=survey, answers=VALID)
    services.response_submit(survey=survey, answers={**VALID, "transport": "bus"})
    transport = survey.questions.get(code="transport")
    bus, car = transport.choices.get(code="bus"), transport.choices.get(code="car")
    grade = survey.questions.get(code="grade")
    api = api_as("member")
    hidden = api.post(
        evidence_url(finding),
        {"kind": "survey_result", "question": grade.pk, "segment_choice": bus.pk},
        format="json",
    )
    assert hidden.status_code == HTTPStatus.BAD_REQUEST
    assert "hidden to protect anonymity" in hidden.json()["segment_choice"][0]
    assert not finding.evidence.exists()
    shown = api.post(
        evidence_url(finding),
        {"kind": "survey_result", "question": grade.pk, "segment_choice": car.pk},
        format="json",
    )
    assert shown.status_code == HTTPStatus.CREATED and shown.json()["snapshot"]["stats"]["respondents"] == 5
