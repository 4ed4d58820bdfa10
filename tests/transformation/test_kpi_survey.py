"""Survey-fed KPIs: one measurement per closed wave, from the evaluation results, kept up to date by itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

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
