"""Import of responses: reading CSV/XLSX, matching columns, all-or-nothing with errors by row and column."""

import io
from datetime import timedelta

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


# --- Line numbers, collection point and date columns ------------------------------------------------

BLANKS = "\n\ntransport;grade\ncar;2\n\n;;\nplane;9\n\nbus;3\n"


def test_errors_name_the_real_line_of_the_file_with_blank_lines(survey):
    """Blank lines are skipped but counted: the error names the line the user sees in the editor."""
    questions = list(survey.questions.prefetch_related("choices"))
    table = importers.read_table(upload("paper.csv", BLANKS.encode()))
    assert table.header_line == 3 and table.line_numbers == [4, 7, 9]
    records = importers.records_from_rows(table, importers.auto_mapping(table.header, questions), questions)
    with pytest.raises(services.ImportErrors) as exc:
        services.responses_import(
            survey=survey, wave=survey.waves.get(), records=records, row_numbers=table.line_numbers
        )
    assert {(e["row"], e["column"]) for e in exc.value.rows} == {(7, "transport"), (7, "grade")}


def test_a_quoted_cell_over_two_lines_keeps_later_line_numbers_right(survey):
    text = 'transport;wish\ncar;"Mehr Bänke\nund Schatten"\nplane;\n'
    table = importers.read_table(upload("paper.csv", text.encode()))
    assert table.rows[0][1] == "Mehr Bänke\nund Schatten"
    assert table.line_numbers == [2, 4]


def test_xlsx_rows_keep_their_sheet_row_numbers():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["transport", "grade"])
    sheet.append([])
    sheet.append(["car", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = importers.read_table(upload("x.xlsx", buffer.getvalue()))
    assert table.line_numbers == [3]


def test_browser_import_reports_real_line_numbers(client_as, world, survey):
    client = client_as("member")
    target = reverse(
        "programmes:evaluation:import", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )
    step1 = client.post(target, {"file": upload("paper.csv", BLANKS.encode()), "wave": survey.waves.get().pk})
    mapping = {f"map_{c['index']}": c["target"] for c in step1.context["columns"]}
    failed = client.post(target, {"batch": step1.context["batch"].pk, **mapping, "confirm": "0"})
    assert {e["row"] for e in failed.context["errors"]} == {7}
    assert '<td class="kern-table__cell kern-table__cell--numeric">7</td>' in failed.content.decode()


def test_collection_point_by_name_or_token_and_submission_dates(survey):
    market = services.collection_point_create(survey=survey, name="Marktplatz")
    station = services.collection_point_create(survey=survey, name="Bahnhof")
    text = f"transport;Ort;Datum\ncar;marktplatz;2026-05-02 14:30\nbus;{station.token};03.05.2026\nfoot;;\n"
    questions = list(survey.questions.prefetch_related("choices"))
    table = importers.read_table(upload("paper.csv", text.encode()))
    mapping = {0: "transport", 1: importers.POINT_TARGET, 2: importers.SUBMITTED_TARGET}
    records = importers.records_from_rows(table, mapping, questions)
    assert services.responses_import(survey=survey, wave=survey.waves.get(), records=records) == 3
    saved = {r.collection_point: timezone.localtime(r.submitted_at) for r in Response.objects.all()}
    assert saved[market].strftime("%Y-%m-%d %H:%M") == "2026-05-02 14:30"
    assert saved[station].strftime("%Y-%m-%d %H:%M") == "2026-05-03 00:00"
    assert timezone.now() - saved[None] < timedelta(minutes=5)  # no date given: now
    # counted per collection point, like a submission through the point's QR code
    from evaluation.models import AnswerTally
    from tests.evaluation.test_tallies import assert_tallies_match_answers

    assert AnswerTally.objects.filter(collection_point=market, count__gt=0).exists()
    assert_tallies_match_answers(survey)


def test_unknown_points_and_bad_dates_are_errors_at_their_row_and_column(survey):
    services.collection_point_create(survey=survey, name="Marktplatz")
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    text = (
        "transport;Ort;Datum\n"
        "car;Rathaus;2026-05-02\n"
        "\n"
        f"bus;Marktplatz;{future}\n"
        "foot;Marktplatz;31.02.2026\n"
        "car;Marktplatz;1899-01-01\n"
    )
    questions = list(survey.questions.prefetch_related("choices"))
    table = importers.read_table(upload("paper.csv", text.encode()))
    mapping = {0: "transport", 1: importers.POINT_TARGET, 2: importers.SUBMITTED_TARGET}
    records = importers.records_from_rows(table, mapping, questions)
    columns = {target: table.header[index] for index, target in mapping.items()}
    with pytest.raises(services.ImportErrors) as exc:
        services.responses_import(
            survey=survey,
            wave=survey.waves.get(),
            records=records,
            columns=columns,
            row_numbers=table.line_numbers,
        )
    errors = {(e["row"], e["column"]): e["message"] for e in exc.value.rows}
    assert set(errors) == {(2, "Ort"), (4, "Datum"), (5, "Datum"), (6, "Datum")}
    assert "Unknown collection point “Rathaus”" in errors[(2, "Ort")]
    assert "future" in errors[(4, "Datum")] and "YYYY-MM-DD" in errors[(5, "Datum")]
    assert Response.objects.count() == 0


def test_api_import_maps_point_and_date_columns(api_as, survey):
    services.collection_point_create(survey=survey, name="Marktplatz")
    content = b"transport;collection_point;Eingang\ncar;Marktplatz;2026-05-02\n\nbus;Nirgendwo;2026-05-02\n"
    response = api_as("member").post(
        reverse("api:survey-import-responses", kwargs={"pk": survey.pk}),
        {
            "file": upload("p.csv", content),
            "wave": survey.waves.get().pk,
            "mapping": '{"Eingang": "@submitted_at"}',
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 4,
            "column": "collection_point",
            "message": "Unknown collection point “Nirgendwo”: give the name or the token of one of this "
            "survey's collection points.",
        }
    ]


def test_api_import_names_an_unknown_mapping_target_in_the_users_language(api_as, survey):
    def send(**headers):
        return api_as("member").post(
            reverse("api:survey-import-responses", kwargs={"pk": survey.pk}),
            {
                "file": upload("p.csv", b"transport;Eingang\ncar;2026-05-02\n"),
                "wave": survey.waves.get().pk,
                "mapping": '{"Eingang": "datum"}',
            },
            format="multipart",
            **headers,
        )

    response = send()
    assert response.status_code == 400
    assert response.json() == {"mapping": ["Unknown question code: datum"]}
    assert send(HTTP_ACCEPT_LANGUAGE="de").json() == {"mapping": ["Unbekannter Fragecode: datum"]}
    assert Response.objects.count() == 0


# --- The upload lives in file storage, not in the cache ----------------------------------------------


def test_the_mapping_step_does_not_depend_on_the_cache(
    client_as, world, survey, django_capture_on_commit_callbacks
):
    """With a per-process cache, the next step may land on another worker: the upload is read from storage."""
    from django.core.cache import cache

    from evaluation.models import ImportBatch

    client = client_as("member")
    target = reverse(
        "programmes:evaluation:import", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )
    step1 = client.post(target, {"file": upload("paper.csv", CSV.encode()), "wave": survey.waves.get().pk})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.UPLOADED and batch.file and batch.file_name == "paper.csv"
    assert batch.file.storage.exists(batch.file.name)
    cache.clear()  # another worker: nothing of this upload in its cache
    mapping = {f"map_{c['index']}": c["target"] for c in step1.context["columns"]}
    preview = client.post(target, {"batch": batch.pk, **mapping, "confirm": "0"})
    assert preview.status_code == 200 and preview.context["valid_count"] == 2
    stored = batch.file.name
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(target, {"batch": batch.pk, **mapping, "confirm": "1"})
    assert done.status_code == 302 and Response.objects.count() == 2
    assert not batch.file.storage.exists(stored)  # the file is removed once imported
    # another user cannot continue someone else's upload
    other = services.import_batch_create(
        survey=survey, wave=survey.waves.get(), file_name="x.csv", upload=upload("x.csv", CSV.encode())
    )
    response = client_as("lead").post(target, {"batch": other.pk, **mapping, "confirm": "1"})
    assert response.status_code == 302 and Response.objects.count() == 2


def test_abandoned_uploads_are_purged_with_their_files(survey):
    from evaluation import tasks
    from evaluation.models import ImportBatch

    wave = survey.waves.get()
    old = services.import_batch_create(
        survey=survey, wave=wave, file_name="alt.csv", upload=upload("alt.csv", b"a")
    )
    fresh = services.import_batch_create(
        survey=survey, wave=wave, file_name="neu.csv", upload=upload("neu.csv", b"b")
    )
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    done = services.responses_import_recorded(
        survey=survey, wave=wave, records=[{"transport": "car"}], file_name="ok.csv"
    )
    ImportBatch.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(days=30))
    storage, old_name = old.file.storage, old.file.name
    assert tasks.purge_abandoned_imports.delay().get() == 1
    assert not storage.exists(old_name) and storage.exists(fresh.file.name)
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {
        fresh.pk,
        done.pk,
    }  # imports stay recorded
    assert services.import_uploads_purge() == 0
    fresh.file.delete(save=False)
