"""Import of responses: reading CSV/XLSX, matching columns, all-or-nothing with errors by row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evaluation import importers, services
from evaluation.models import Answer, Response

pytestmark = pytest.mark.django_db

CSV = (
    "transport;reasons;grade;nps;spend;wish;Bemerkung\n"
    "car;shopping, food;2;9;12,50;Mehr Bänke;egal\n"
    "Bus;Kultur;1;10;;;\n"
)


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content)


def test_read_csv_latin1_and_semicolons():
    table = importers.read_table(upload("paper.csv", CSV.encode("iso-8859-1")))
    assert table.header[:3] == ["transport", "reasons", "grade"]
    assert table.rows[0][5] == "Mehr Bänke"
    assert len(table.rows) == 2


def test_read_xlsx():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["transport", "grade"])
    workbook.active.append(["car", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = importers.read_table(upload("x.xlsx", buffer.getvalue()))
    assert table.rows == [["car", "3"]]
    with pytest.raises(Exception):  # noqa: B017 - any ValidationError variant
        importers.read_table(upload("broken.xlsx", b"not a workbook"))


def test_mapping_records_and_all_or_nothing(survey):
    questions = list(survey.questions.prefetch_related("choices"))
    table = importers.read_table(upload("paper.csv", CSV.encode()))
    mapping = importers.auto_mapping(table.header, questions)
    assert 6 not in mapping  # "Bemerkung" is no question
    records = importers.records_from_rows(table, mapping, questions)
    assert records[0]["reasons"] == ["shopping", "food"]
    assert records[1]["transport"] == "bus" and records[1]["reasons"] == ["culture"]  # labels accepted
    wave = survey.waves.get()
    assert services.responses_import(survey=survey, wave=wave, records=records, dry_run=True) == 2
    assert Response.objects.count() == 0
    assert services.responses_import(survey=survey, wave=wave, records=records) == 2
    assert Response.objects.count() == 2
    assert Answer.objects.get(question__code="spend").number == 12.5
    bad = [*records, {"transport": "plane", "grade": "9"}]
    with pytest.raises(services.ImportErrors) as exc:
        services.responses_import(
            survey=survey, wave=wave, records=bad, columns={"transport": "Verkehrsmittel"}
        )
    assert {(e["row"], e["column"]) for e in exc.value.rows} == {(4, "Verkehrsmittel"), (4, "grade")}
    assert Response.objects.count() == 2


def test_export_columns_import_back(survey, client_as, world):
    services.response_submit(
        survey=survey, answers={"transport": "foot", "reasons": ["culture", "food"], "grade": 4}
    )
    export = client_as("member").get(
        reverse(
            "programmes:evaluation:export_csv", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
        )
    )
    content = b"".join(export.streaming_content)
    questions = list(survey.questions.prefetch_related("choices"))
    table = importers.read_table(upload("export.csv", content))
    records = importers.records_from_rows(table, importers.auto_mapping(table.header, questions), questions)
    submitted = Response.objects.get().submitted_at
    assert records == [
        {
            "transport": "foot",
            "reasons": ["food", "culture"],
            "grade": "4",
            "@submitted_at": timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M:%S"),
        }
    ]
    # imported back, the response keeps its submission time (to the second)
    services.responses_import(survey=survey, wave=survey.waves.get(), records=records)
    copy = Response.objects.order_by("pk").last()
    assert copy.submitted_at == submitted.replace(microsecond=0)


def test_browser_import_in_three_steps(client_as, world, survey):
    client = client_as("member")
    target = reverse(
        "programmes:evaluation:import", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )
    assert client.get(target).status_code == 200
    wave = survey.waves.get()
    step1 = client.post(target, {"file": upload("paper.csv", CSV.encode()), "wave": wave.pk})
    assert step1.status_code == 200
    token = step1.context["batch"].pk
    mapping = {f"map_{c['index']}": c["target"] for c in step1.context["columns"]}
    mapping["map_0"] = ""  # ignore transport: it is required, so every row fails
    failed = client.post(target, {"batch": token, **mapping, "confirm": "0"})
    assert failed.status_code == 400 and failed.context["error_count"] == 2
    assert 'id="import-errors"' in failed.content.decode()
    mapping["map_0"] = "transport"
    preview = client.post(target, {"batch": token, **mapping, "confirm": "0"})
    assert preview.context["valid_count"] == 2 and Response.objects.count() == 0
    done = client.post(target, {"batch": token, **mapping, "confirm": "1"})
    assert done.status_code == 302 and Response.objects.count() == 2
    expired = client.post(target, {"batch": token, **mapping, "confirm": "1"})
    assert expired.status_code == 302 and Response.objects.count() == 2
    assert client_as("stakeholder").get(target).status_code == 403
