"""The pre-aggregated answer tallies always equal what the raw answers say."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from evaluation import selectors, services, tallies
from evaluation.models import TALLY_SHARDS, AnswerTally, Response
from tests.evaluation.factories import VALID, add_responses


def tally_state(survey) -> set[tuple]:
    return set(
        AnswerTally.objects.filter(wave__survey=survey, count__gt=0).values_list(
            "wave_id", "collection_point_id", "question_id", "choice_id", "number", "slot", "shard", "count"
        )
    )


def assert_tallies_match_answers(survey) -> None:
    """The incrementally kept tallies equal a rebuild from the answers, and both result paths agree."""
    kept = tally_state(survey)
    tallies.rebuild(survey=survey)
    assert tally_state(survey) == kept
    questions = selectors.survey_questions(survey)
    for filters in [
        selectors.ResultFilters(),
        *[selectors.ResultFilters(wave=w) for w in survey.waves.all()],
    ]:
        from_tallies = selectors._tally_histograms(questions, filters)
        raw = selectors._histograms(selectors._filtered_answers(questions, filters), questions)
        assert [dict(part) for part in from_tallies] == [dict(part) for part in raw]


def test_submissions_and_points_are_tallied(survey):
    point = services.collection_point_create(survey=survey, name="Marktplatz")
    add_responses(survey, 12, seed=3)
    add_responses(survey, 7, seed=4, collection_point=point)
    services.response_submit(survey=survey, answers={"transport": "bus"})
    assert_tallies_match_answers(survey)
    transport = survey.questions.get(code="transport")
    respondents = AnswerTally.objects.filter(
        wave__survey=survey, question=transport, collection_point=point, slot=tallies.slot_for(point.pk)
    )
    assert sum(row.count for row in respondents) == 7
    # spread over shards by response id, so that concurrent submissions rarely wait for the same row
    assert {row.shard for row in respondents} == {
        pk % TALLY_SHARDS
        for pk in Response.objects.filter(collection_point=point).values_list("pk", flat=True)
    }
    by_point = selectors.survey_results(survey, selectors.ResultFilters(collection_point=point))
    assert by_point["responses"] == 7
    assert next(q for q in by_point["questions"] if q["code"] == "transport")["respondents"] == 7


def test_results_from_tallies_equal_raw_aggregates_per_wave(survey):
    add_responses(survey, 9, seed=5)
    services.wave_start(survey=survey, label="Nachher")
    add_responses(survey, 6, seed=6)
    assert_tallies_match_answers(survey)
    comparison = selectors.wave_comparison(survey)
    grade = next(row for row in comparison["questions"] if row["code"] == "grade")
    assert [entry["respondents"] for entry in grade["waves"]] == [9, 6]


def test_import_is_tallied(survey):
    wave = survey.waves.get()
    records = [dict(VALID), {"transport": "foot", "grade": "3"}]
    assert services.responses_import(survey=survey, wave=wave, records=records) == 2
    assert_tallies_match_answers(survey)
    results = selectors.survey_results(survey)
    transport = next(q for q in results["questions"] if q["code"] == "transport")
    assert {d["key"]: d["count"] for d in transport["distribution"]} == {"car": 1, "bus": 0, "foot": 1}


def test_deleting_responses_and_points_updates_tallies(survey):
    point = services.collection_point_create(survey=survey, name="Bahnhof")
    add_responses(survey, 8, seed=7, collection_point=point)
    add_responses(survey, 4, seed=8)
    doomed = Response.objects.filter(wave__survey=survey).order_by("pk")[:5]
    assert services.responses_delete(survey=survey, responses=doomed) == 5
    assert_tallies_match_answers(survey)
    services.collection_point_delete(point=point)
    assert not AnswerTally.objects.filter(wave__survey=survey, collection_point__isnull=False).exists()
    assert_tallies_match_answers(survey)
    assert selectors.survey_results(survey)["responses"] == 7


def test_rebuild_command(survey):
    add_responses(survey, 5, seed=9)
    kept = tally_state(survey)
    AnswerTally.objects.all().delete()
    call_command("rebuild_answer_tallies", "--survey", str(survey.pk), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert tally_state(survey) == kept


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_do_not_lose_counts(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    from tests.evaluation.factories import make_survey

    survey = make_survey(world.programme)
    barrier = threading.Barrier(2)
    per_thread = 10
    errors = []

    def submit():
        try:
            barrier.wait(timeout=10)
            for _ in range(per_thread):
                services.response_submit(survey=survey, answers=VALID)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    transport = survey.questions.get(code="transport")
    respondents = AnswerTally.objects.filter(question=transport, slot=tallies.slot_for(None))
    assert respondents.aggregate(n=Sum("count"))["n"] == 2 * per_thread
    assert_tallies_match_answers(survey)


def test_deleting_a_point_outside_the_service_keeps_the_totals(survey):
    point = services.collection_point_create(survey=survey, name="Admin-Löschung")
    add_responses(survey, 6, seed=10, collection_point=point)
    before = selectors.survey_results(survey)["questions"]
    point.delete()  # e.g. in the admin: no rebuild, the rows only lose their point
    assert selectors.survey_results(survey)["questions"] == before


def test_deleting_responses_after_an_outside_point_deletion_rebuilds(survey):
    point = services.collection_point_create(survey=survey, name="Weg")
    add_responses(survey, 5, seed=11, collection_point=point)
    add_responses(survey, 2, seed=12)
    point.delete()  # tally rows keep slot "p<id>", the responses now have no point
    doomed = Response.objects.filter(wave__survey=survey).order_by("pk")[:3]
    assert services.responses_delete(survey=survey, responses=doomed) == 3
    assert_tallies_match_answers(survey)
    assert selectors.survey_results(survey)["responses"] == 4
