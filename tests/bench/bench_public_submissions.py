"""Public survey submissions per second through gunicorn, the way production serves them.

Run on PostgreSQL (the benchmark serves the test database to a real gunicorn)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ekt make bench PYTEST_ARGS="-k public_submissions"

Starts gunicorn from the virtualenv on 127.0.0.1 with a free port and production settings (DEBUG off, the rate
limit switched off through SURVEY_RATE_LIMIT=0), then POSTs complete answers of the 25-question benchmark survey
to ``/api/v1/public/surveys/{token}/responses/`` for a bounded time from a bounded pool of keep-alive clients:
``wrk`` when it is installed, otherwise Python threads with ``http.client``. Reports requests per second and the
p50/p95 latency; target (issue 3): at least 300 submissions per second. BENCH_SECONDS, BENCH_CLIENTS and
BENCH_WORKERS change the duration, the number of concurrent clients and the gunicorn workers.
"""

import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from evaluation import selectors
from evaluation.models import Response
from tests.bench.bench_evaluation import build_survey

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
ROOT = Path(settings.BASE_DIR)

WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[%s]]
done = function(summary, latency, requests)
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"non2xx\\": %%d, "
    .. "\\"errors\\": %%d, \\"p50\\": %%f, \\"p95\\": %%f}\\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def answers_for(questions, rng: random.Random) -> dict:
    """A complete, valid answer to every question."""
    answers = {}
    for question in questions:
        if question.has_choices:
            codes = [choice.code for choice in question.choices.all()]
            count = min(len(codes), question.max_selections or 2) if question.type == "multiple_choice" else 1
            picked = rng.sample(codes, count)
            answers[question.code] = picked if question.type == "multiple_choice" else picked[0]
        elif question.scale():
            answers[question.code] = rng.randint(*question.scale())
        elif question.type == "number":
            low = int(question.min_value or 0)
            high = int(question.max_value) if question.max_value is not None else low + 100
            answers[question.code] = rng.randint(low, high)
        else:
            answers[question.code] = "Mehr Bänke am Markt"
    return answers


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "SURVEY_RATE_LIMIT": "0",
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def run_wrk(port: int, path: str, body: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % body)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(2, CLIENTS)}",
                f"-c{CLIENTS}",
                f"-d{SECONDS}s",
                "--timeout",
                "5s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            timeout=SECONDS + 30,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    figures = json.loads(line.removeprefix("WRKJSON "))
    figures["client"] = "wrk"
    return figures


def reference_rate(port: int) -> float | None:
    """Requests per second of GET /healthz (one SELECT 1 through the full middleware) on the same server.

    The ceiling of this machine for any Django request that touches the database: a submission cannot be
    faster than this, so the figure puts the submission rate in context.
    """
    if not shutil.which("wrk"):
        return None
    output = subprocess.run(
        ["wrk", f"-t{min(2, CLIENTS)}", f"-c{CLIENTS}", f"-d{SECONDS}s", f"http://127.0.0.1:{port}/healthz"],
        capture_output=True,
        text=True,
        timeout=SECONDS + 30,
        check=True,
    ).stdout
    line = next((line for line in output.splitlines() if line.startswith("Requests/sec:")), "")
    return float(line.split()[1]) if line else None


def run_threads(port: int, path: str, body: str) -> dict:
    """A bounded pool of keep-alive clients posting for SECONDS."""
    payload = body.encode()
    deadline = time.monotonic() + SECONDS

    def client() -> tuple[list[float], int]:
        latencies, failures = [], 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=payload, headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 201:
                    failures += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except OSError:
                failures += 1
                conn.close()
            latencies.append((time.perf_counter() - started) * 1000)
        conn.close()
        return latencies, failures

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(lambda _i: client(), range(CLIENTS)))
    seconds = time.monotonic() - started
    latencies = sorted(value for values, _f in results for value in values)
    return {
        "client": "python threads",
        "requests": len(latencies),
        "seconds": seconds,
        "non2xx": sum(f for _v, f in results),
        "errors": 0,
        "p50": statistics.median(latencies),
        "p95": latencies[int(0.95 * (len(latencies) - 1))],
    }


def test_public_submissions_through_gunicorn(world):
    if connection.vendor != "postgresql":
        pytest.skip("the gunicorn benchmark serves the PostgreSQL test database")
    survey = build_survey(world.programme)
    questions = selectors.survey_questions(survey)
    body = json.dumps({"answers": answers_for(questions, random.Random(11))})
    path = f"/api/v1/public/surveys/{survey.public_token}/responses/"
    port = free_port()
    process = start_gunicorn(port)
    try:
        figures = run_wrk(port, path, body) if shutil.which("wrk") else run_threads(port, path, body)
        reference = reference_rate(port)
    finally:
        stop_gunicorn(process)
    stored = Response.objects.filter(wave__survey=survey).count()
    per_second = figures["requests"] / figures["seconds"]
    print(
        f"\n\nPublic submissions through gunicorn ({WORKERS} sync workers, {CLIENTS} concurrent clients "
        f"via {figures['client']}, {SECONDS} s, 25 questions):\n"
        f"  {per_second:.0f} submissions/s   p50 {figures['p50']:.1f} ms   p95 {figures['p95']:.1f} ms   "
        f"{figures['requests']} requests, {figures['non2xx']} not 201, {figures['errors']} socket errors, "
        f"{stored} stored"
    )
    if reference:
        print(f"  reference: GET /healthz (one query, full middleware) on the same server: {reference:.0f}/s")
    assert figures["non2xx"] == 0 and figures["errors"] == 0
    assert stored >= figures["requests"]
