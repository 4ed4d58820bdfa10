"""Evaluation at scale: a 25-question survey with many responses (default 100,000; BENCH_RESPONSES=…).

Run on PostgreSQL, the way production runs::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt make bench PYTEST_ARGS="-k evaluation"

Reports the median time and the query count of the results selector, the results API and the results page,
the split results (crosstab: selector, API and page),
the time and peak Python memory of the CSV export, and submissions per second through the public API
(in-process, without a web server; bench_public_submissions.py measures them through gunicorn). Targets (issue 3): results under 300 ms median; export in constant memory.
"""

import os
import random
import statistics
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from evaluation import selectors, services, tallies
from evaluation.exporters import export_rows
from evaluation.models import Answer, Response

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

N = int(os.environ.get("BENCH_RESPONSES", "100000"))
RUNS = 5


def build_survey(programme):
    survey = services.survey_create_from_template(programme=programme, template_key="inner_city_visitors")
    services.question_create(survey=survey, code="likert_app", type="likert", text="Ich nutze die Stadt-App.")
    services.question_create(survey=survey, code="likert_wifi", type="likert", text="Das WLAN ist gut.")
    services.question_create(survey=survey, code="spend", type="number", text="Ausgaben?", min_value=0)
    services.question_create(survey=survey, code="favourite", type="short_text", text="Lieblingsort?")
    services.survey_publish(survey=survey)
    return survey


def fill(survey, count: int) -> None:
    """Bulk-insert synthetic responses (bypassing the service, which the submission benchmark measures)."""
    rng = random.Random(7)
    wave = survey.waves.get()
    questions = selectors.survey_questions(survey)
    batch = 5000
    for start in range(0, count, batch):
        responses = Response.objects.bulk_create(
            [Response(wave=wave, language="de") for _ in range(min(batch, count - start))]
        )
        answers = []
        for response in responses:
            for question in questions:
                if question.has_choices:
                    choices = list(question.choices.all())
                    picked = (
                        rng.sample(choices, 2)
                        if question.type == "multiple_choice"
                        else [rng.choice(choices)]
                    )
                    answers += [Answer(response=response, question=question, choice=c) for c in picked]
                elif question.scale():
                    low, high = question.scale()
                    answers.append(
                        Answer(response=response, question=question, number=rng.randint(low, high))
                    )
                elif question.type == "number":
                    answers.append(Answer(response=response, question=question, number=rng.randint(0, 200)))
                elif rng.random() < 0.1:
                    answers.append(Answer(response=response, question=question, text="Mehr Bänke am Markt"))
        Answer.objects.bulk_create(answers, batch_size=10000)


def timed(function) -> tuple[float, int]:
    durations, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            function()
            durations.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    return statistics.median(durations), queries


def test_evaluation_benchmark(world):
    survey = build_survey(world.programme)
    assert survey.questions.count() == 25
    started = time.perf_counter()
    fill(survey, N)
    fill_seconds = time.perf_counter() - started
    # the fill bypasses the submission service, so the tallies are built the way the data migration does
    started = time.perf_counter()
    tally_rows = tallies.rebuild(survey=survey)
    rebuild_seconds = time.perf_counter() - started
    lead = APIClient()
    lead.force_authenticate(world.user("lead"))
    from django.test import Client

    page_client = Client()
    page_client.force_login(world.user("lead"))
    car = survey.questions.get(code="transport").choices.get(code="car")
    results_url = reverse("api:survey-results", kwargs={"pk": survey.pk})
    page_url = reverse(
        "programmes:evaluation:results", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )

    questions = selectors.survey_questions(survey)
    transport = next(q for q in questions if q.code == "transport")
    grade = next(q for q in questions if q.code == "grade_overall")
    crosstab_url = reverse("api:survey-crosstab", kwargs={"pk": survey.pk})
    split_url = reverse(
        "programmes:evaluation:split", kwargs={**world.programme.url_kwargs, "survey": survey.pk}
    )

    def crosstab(split_question, **kwargs):
        return selectors.survey_crosstab(
            survey, split_question=split_question, questions=questions, points=[], **kwargs
        )

    rows = [
        ("results selector", *timed(lambda: selectors.survey_results(survey))),
        (
            "results selector, segment",
            *timed(lambda: selectors.survey_results(survey, selectors.ResultFilters(segment_choice=car))),
        ),
        ("results API", *timed(lambda: lead.get(results_url))),
        ("results page", *timed(lambda: page_client.get(page_url))),
        ("wave comparison", *timed(lambda: selectors.wave_comparison(survey))),
        ("crosstab, one question", *timed(lambda: crosstab(transport, targets=[grade]))),
        ("crosstab, all questions", *timed(lambda: crosstab(transport))),
        ("crosstab by point, all", *timed(lambda: crosstab(None))),
        (
            "crosstab API, one question",
            *timed(lambda: lead.get(crosstab_url, {"split_by": "transport", "question": grade.pk})),
        ),
        ("split page, all questions", *timed(lambda: page_client.get(split_url, {"split_by": "transport"}))),
    ]

    tracemalloc.start()
    started = time.perf_counter()
    exported = sum(1 for _row in export_rows(survey))
    export_seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    public = APIClient()
    url = reverse("api:public-survey-responses", kwargs={"token": survey.public_token})
    answer = {"grade_overall": 2, "transport": "car", "visit_reasons": ["shopping"], "nps": 9}
    submissions = 300
    from django.test import override_settings

    with override_settings(SURVEY_RATE_LIMIT=0):
        started = time.perf_counter()
        for _ in range(submissions):
            assert public.post(url, {"answers": answer}, format="json").status_code == 201
        per_second = submissions / (time.perf_counter() - started)

    print(
        f"\n\nEvaluation benchmark: {N} responses × 25 questions on {connection.vendor} (filled in {fill_seconds:.0f} s)"
    )
    print(f"  tallies rebuilt              {tally_rows} rows in {rebuild_seconds:.1f} s")
    for name, median, queries in rows:
        print(f"  {name:<28} median {median:8.1f} ms   {queries} queries")
    print(
        f"  CSV export                   {exported - 1} rows in {export_seconds:.1f} s, peak Python memory {peak / 1e6:.1f} MB"
    )
    print(f"  public API submissions       {per_second:.0f}/s (in-process, one thread)")
    assert exported == N + 1
