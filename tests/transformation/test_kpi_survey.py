"""Survey-fed KPIs: one measurement per closed wave, from the evaluation results, kept up to date by itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from evaluation import services as evaluation_services
from evaluation.models import Wave
from evaluation.selectors import ResultFilters, survey_results
from tests.evaluation.factories import add_responses, make_survey
from tests.transformation.factories_kpis import MeasurementFactory
from transformation import services_kpis
from transformation.models import KPI, Measurement

pytestmark = pytest.mark.django_db


def answer(survey, **answers):
    evaluation_services.response_submit(survey=survey, answers=answers)


@pytest.fixture
def survey(world):
    survey = make_survey(world.programme)
    for grade, nps, transport in ((1, 10, "car"), (2, 9, "bus"), (3, 6, "car"), (4, 8, "foot")):
        answer(survey, grade=grade, nps=nps, transport=transport)
    return survey


def close_first_wave(survey):
    evaluation_services.wave_start(survey=survey, label="Herbst")
    wave = survey.waves.get(number=1)
    Wave.objects.filter(pk=wave.pk).update(starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
    return wave


def grade_kpi(world, survey, **fields):
    defaults = {
        "code": "GRADE",
        "name_de": "Gesamtnote",
        "unit": "Note",
        "direction": "lower",
        "frequency": "yearly",
        "source_question": survey.questions.get(code="grade"),
        "source_aggregate": "mean",
    }
    defaults.update(fields)
    return services_kpis.kpi_create(programme=world.programme, **defaults)


def test_a_kpi_bound_to_a_question_gets_a_measurement_per_closed_wave(world, survey):
    wave = close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    measurement = kpi.measurements.get()
    assert measurement.value == Decimal("2.5")  # (1 + 2 + 3 + 4) / 4
    assert (measurement.period_start, measurement.period_end) == (date(2026, 4, 1), date(2026, 4, 30))
    assert measurement.source == Measurement.Source.SURVEY
    assert measurement.wave == wave
    expected = survey_results(
        survey, ResultFilters(wave=wave), questions=[survey.questions.get(code="grade")]
    )
    assert measurement.value == Decimal(str(expected["questions"][0]["mean"]))


def test_an_open_wave_gives_no_measurement_yet(world, survey):
    kpi = grade_kpi(world, survey)
    assert not kpi.measurements.exists()


def test_starting_the_next_wave_feeds_the_kpi_by_itself(world, survey):
    kpi = grade_kpi(world, survey)
    evaluation_services.wave_start(survey=survey, label="Herbst")
    assert kpi.measurements.get().wave == survey.waves.get(number=1)


def test_closing_the_survey_feeds_the_kpi_after_the_commit(world, survey, django_capture_on_commit_callbacks):
    kpi = grade_kpi(world, survey)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.survey_close(survey=survey)
    measurement = kpi.measurements.get()
    assert measurement.value == Decimal("2.5")
    assert measurement.period_end == date.today()


def test_nps_and_share_of_a_choice(world, survey):
    close_first_wave(survey)
    nps = grade_kpi(
        world,
        survey,
        code="NPS",
        direction="higher",
        source_question=survey.questions.get(code="nps"),
        source_aggregate="nps",
    )
    assert nps.measurements.get().value == Decimal("25")  # 2 promoters, 1 detractor of 4 → 25
    transport = survey.questions.get(code="transport")
    share = grade_kpi(
        world,
        survey,
        code="BY_CAR",
        direction="lower",
        unit="%",
        source_question=transport,
        source_aggregate="share",
        source_choice=transport.choices.get(code="car"),
    )
    assert share.measurements.get().value == Decimal("50")


def test_refreshing_is_idempotent_and_follows_new_figures(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    first = kpi.measurements.get()
    assert services_kpis.kpi_refresh_from_survey(kpi=kpi) == 1
    assert services_kpis.kpi_refresh_from_survey(kpi=kpi) == 1
    assert kpi.measurements.get().pk == first.pk
    kpi = services_kpis.kpi_update(kpi=kpi, source_question=survey.questions.get(code="agree"))
    assert kpi.measurements.count() == 0  # no one answered "agree" in the first wave


def test_several_closed_waves_give_one_value_each(world, survey):
    close_first_wave(survey)
    add_responses(survey, 6, seed=3)
    evaluation_services.wave_start(survey=survey, label="Winter")
    kpi = grade_kpi(world, survey)
    assert kpi.measurements.count() == 2
    assert [m.wave.number for m in kpi.measurements.order_by("period_start")] == [1, 2]


def test_removing_the_source_removes_only_the_survey_values(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    MeasurementFactory(
        kpi=kpi, period_start=date(2024, 5, 1), period_end=date(2024, 5, 31), value=Decimal("3.4")
    )
    services_kpis.kpi_update(kpi=kpi, source_question=None)
    kpi.refresh_from_db()
    assert kpi.source_aggregate == ""
    assert list(kpi.measurements.values_list("source", flat=True)) == ["manual"]


@pytest.mark.parametrize(
    ("code", "aggregate", "field"),
    [
        ("wish", "mean", "source_aggregate"),  # long text has no mean
        ("grade", "nps", "source_aggregate"),  # NPS needs an NPS question
        ("grade", "share", "source_aggregate"),  # a share needs a choice question
        ("transport", "share", "source_choice"),  # … and the choice to count
        ("grade", "", "source_aggregate"),
    ],
)
def test_a_source_that_does_not_fit_is_refused(world, survey, code, aggregate, field):
    with pytest.raises(ValidationError) as error:
        grade_kpi(world, survey, source_question=survey.questions.get(code=code), source_aggregate=aggregate)
    assert field in error.value.message_dict
    assert not KPI.objects.exists()


def test_a_question_of_another_programme_is_refused(world):
    foreign = make_survey(world.other_programme)
    with pytest.raises(ValidationError) as error:
        grade_kpi(world, foreign)
    assert "source_question" in error.value.message_dict


def test_a_wave_of_a_survey_without_kpis_costs_one_query(world, survey, django_assert_num_queries):
    wave = survey.waves.get()
    with django_assert_num_queries(2):  # the wave's update and the lookup of KPIs fed by its survey
        wave.save()


def test_a_failing_kpi_refresh_never_breaks_the_survey(world, survey, monkeypatch, caplog):
    kpi = grade_kpi(world, survey)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services_kpis, "kpi_refresh_from_survey", broken)
    wave = evaluation_services.wave_start(survey=survey, label="Herbst")
    assert wave.number == 2
    assert not kpi.measurements.exists()
    assert "could not be refreshed" in caplog.text


def test_a_value_entered_by_hand_for_the_waves_period_is_kept(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey, source_question=None, source_aggregate="")
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 4, 1), period_end=date(2026, 4, 30), value=Decimal("9")
    )
    services_kpis.kpi_update(
        kpi=kpi, source_question=survey.questions.get(code="grade"), source_aggregate="mean"
    )
    measurement = kpi.measurements.get()
    assert (measurement.value, measurement.source) == (Decimal("9"), "manual")


# --- Responses imported or deleted later refresh the KPI (evaluation.signals.responses_changed) ----------------


def test_paper_responses_imported_into_a_closed_wave_change_the_kpi_value(world, survey):
    wave = close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    assert kpi.measurements.get().value == Decimal("2.5")
    paper = [{"transport": "bus", "grade": "6"}, {"transport": "car", "grade": "6"}]
    assert evaluation_services.responses_import(survey=survey, wave=wave, records=paper) == 2
    measurement = kpi.measurements.get()
    assert measurement.value == Decimal("3.67")  # (1 + 2 + 3 + 4 + 6 + 6) / 6, as the results page rounds it


def test_a_dry_run_of_an_import_changes_nothing(world, survey):
    wave = close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    evaluation_services.responses_import(
        survey=survey, wave=wave, records=[{"transport": "bus", "grade": "6"}], dry_run=True
    )
    assert kpi.measurements.get().value == Decimal("2.5")


def test_deleting_responses_of_a_closed_wave_changes_the_kpi_value(world, survey):
    wave = close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    spam = wave.responses.filter(answers__question__code="grade", answers__number=4)
    assert evaluation_services.responses_delete(survey=survey, responses=spam) == 1
    assert kpi.measurements.get().value == Decimal("2")  # (1 + 2 + 3) / 3


def test_evaluation_does_not_import_transformation():
    import ast
    from pathlib import Path

    import evaluation

    for path in Path(evaluation.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "transformation" for n in names), path


# --- The survey owns its closed waves' periods: no values by hand, by the API or by file there ---------------


def test_a_value_by_hand_for_a_closed_waves_period_is_refused_with_the_reason(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        services_kpis.measurement_create(
            kpi=kpi, period_start=date(2026, 4, 1), period_end=date(2026, 4, 30), value=Decimal("1.9")
        )
    assert raised.value.message_dict["period_end"] == [
        "This period is the survey wave “Wave 1”: the KPI takes its value from the survey. Correct the survey's "
        "answers (for example, import the paper responses), or remove the survey question from the KPI to enter "
        "values by hand."
    ]
    # Another period (e.g. a monthly interim figure) may still be entered by hand
    services_kpis.measurement_create(
        kpi=kpi, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31), value=Decimal("2.1")
    )
    assert sorted(kpi.measurements.values_list("source", flat=True)) == ["manual", "survey"]


def test_a_survey_value_is_neither_edited_nor_deleted_by_hand(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    measurement = kpi.measurements.get()
    with pytest.raises(ValidationError) as raised:
        services_kpis.measurement_update(measurement=measurement, value=Decimal("1"))
    assert "value" in raised.value.message_dict
    with pytest.raises(ValidationError):
        services_kpis.measurement_delete(measurement=measurement)
    measurement.refresh_from_db()
    assert (measurement.value, measurement.source) == (Decimal("2.5"), "survey")


def test_a_survey_value_may_go_once_the_kpi_is_no_longer_fed_by_the_survey(world, survey):
    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    KPI.objects.filter(pk=kpi.pk).update(source_question=None, source_aggregate="")
    services_kpis.measurement_delete(measurement=kpi.measurements.get())
    assert not kpi.measurements.exists()


def test_a_bulk_upload_for_a_waves_period_saves_nothing_and_the_survey_value_stays(world, survey, api_as):
    from django.urls import reverse

    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    items = [
        {"period_start": "2026-05-01", "period_end": "2026-05-31", "value": "2.1"},
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "value": "1.9"},
    ]
    url = reverse("api:kpi-measurements", kwargs={"pk": kpi.pk})
    response = api_as("member").post(url, items, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()
    assert errors[0] == {} and "survey wave" in errors[1]["period_end"][0]
    measurement = kpi.measurements.get()
    assert (measurement.value, measurement.source) == (Decimal("2.5"), "survey")
    # The next survey refresh still owns the value
    services_kpis.kpi_refresh_from_survey(kpi=kpi)
    assert kpi.measurements.get().source == "survey"


def test_a_file_row_for_a_waves_period_is_an_error_with_its_row(world, survey):
    from tests.transformation.factories_imports import upload
    from transformation import import_services

    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    content = b"kpi;period;value\nGRADE;2026-05;2,1\nGRADE;2026-04;1,9\n"
    data_import = import_services.data_import_create(
        programme=world.programme, kind="generic", file=upload("werte.csv", content)
    )
    import_services.data_import_check(data_import=data_import)
    assert data_import.status == "failed"
    assert [(e["row"], e["column"]) for e in data_import.errors] == [(3, "period")]
    assert kpi.measurements.get().source == "survey"


def test_the_form_shows_the_reason_at_the_period(world, survey, client_as):
    from django.urls import reverse

    close_first_wave(survey)
    kpi = grade_kpi(world, survey)
    url = reverse(
        "programmes:transformation:kpi_measurement_create",
        kwargs={**world.programme.url_kwargs, "pk": kpi.pk},
    )
    response = client_as("member").post(
        url,
        {"period_start": "2026-04-01", "period_end": "2026-04-30", "value": "1.9"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "survey wave" in response.context["form"].errors["period_end"][0]
    survey_value = kpi.measurements.get()
    delete_url = reverse(
        "programmes:transformation:kpi_measurement_delete",
        kwargs={**world.programme.url_kwargs, "pk": kpi.pk, "measurement": survey_value.pk},
    )
    response = client_as("member").post(delete_url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be deleted by hand" in response.content.decode()
    assert kpi.measurements.filter(pk=survey_value.pk).exists()
