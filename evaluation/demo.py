"""Demo data of Evaluation for ``manage.py seed_demo``: the inner-city visitor survey in two waves.

The story: in spring, visitors grade parking and cleanliness poorly (car drivers especially parking); after a
parking guidance system and a cleaning campaign the autumn wave shows both improving. Four findings carry
the spring figures as evidence. Idempotent: nothing happens if the survey already exists.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from . import selectors, services
from .models import Response, Survey, Wave

PROGRAMME_SLUG = "digitale-innenstadt"
SURVEY_TITLE = "Besucherbefragung Innenstadt 2026"

# Mean school grade per sub-grade in (spring, autumn); 1 is best.
GRADE_MEANS = {
    "grade_overall": (3.3, 2.8),
    "grade_ambience": (2.4, 2.3),
    "grade_retail": (2.9, 2.8),
    "grade_gastronomy": (2.2, 2.2),
    "grade_leisure": (3.0, 2.9),
    "grade_services": (2.7, 2.6),
    "grade_accessibility": (2.8, 2.6),
    "grade_parking": (4.4, 3.3),
    "grade_opening_hours": (3.4, 3.3),
    "grade_cleanliness": (4.1, 2.9),
    "grade_safety": (2.6, 2.5),
    "grade_barrier_free": (3.3, 3.2),
    "grade_quality_of_stay": (3.1, 2.7),
}
TRANSPORT = [("car", 45), ("public", 25), ("bike", 12), ("foot", 15), ("other", 3)]
REASONS = ["shopping", "gastronomy", "work", "services", "culture", "stroll", "events", "other"]
WISHES = [
    "Mehr Parkplätze oder ein Parkleitsystem, das freie Plätze anzeigt.",
    "Die Fußgängerzone ist oft schmutzig, besonders am Wochenende.",
    "Öffnungszeiten der Geschäfte online finden – aktuell und an einer Stelle.",
    "Mehr Sitzgelegenheiten und Grün am Marktplatz.",
    "Kostenloses WLAN in der Innenstadt.",
    "Bessere Busverbindungen am Abend.",
    "Toiletten, die man auch findet.",
    "Mehr Veranstaltungen für Familien.",
]
WAVES = [
    ("Frühjahr 2026", date(2026, 4, 13), date(2026, 5, 10), 190),
    ("Herbst 2026", date(2026, 10, 5), None, 170),
]


def _weighted(rng: random.Random, options):
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _grade(rng: random.Random, mean: float) -> int:
    return max(1, min(6, round(rng.gauss(mean, 0.9))))


def _answers(rng: random.Random, wave_index: int) -> dict:
    transport = _weighted(rng, TRANSPORT)
    answers = {}
    for code, means in GRADE_MEANS.items():
        mean = means[wave_index]
        if code == "grade_parking" and transport == "car":
            mean += 0.5
        if code != "grade_overall" and rng.random() < 0.08:
            continue  # not everyone grades everything
        answers[code] = _grade(rng, mean)
    answers["transport"] = transport
    answers["visit_reasons"] = rng.sample(REASONS[:6], rng.choice([1, 1, 2, 2, 3]))
    answers["frequency"] = _weighted(
        rng, [("daily", 15), ("weekly", 35), ("monthly", 25), ("rarely", 20), ("first", 5)]
    )
    answers["dwell_time"] = _weighted(rng, [("lt1h", 30), ("1to2h", 40), ("2to4h", 22), ("gt4h", 8)])
    nps_shift = (0, 1)[wave_index]
    answers["nps"] = max(0, min(10, round(rng.gauss(6.8 + nps_shift, 2.2))))
    answers["age_group"] = _weighted(rng, [("u25", 18), ("25to39", 27), ("40to59", 33), ("60plus", 22)])
    answers["residence"] = _weighted(rng, [("city", 55), ("region", 35), ("further", 10)])
    if rng.random() < 0.25:
        answers["wishes"] = rng.choice(WISHES[:3] if wave_index == 0 else WISHES[2:])
    return answers


def seed_evaluation(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None or Survey.objects.filter(programme=programme, title=SURVEY_TITLE).exists():
        return
    rng = random.Random(2026)  # noqa: S311 - reproducible synthetic demo data, not security
    lead = demo.users.get("lead")
    survey = services.survey_create_from_template(
        programme=programme, template_key="inner_city_visitors", created_by=lead, title=SURVEY_TITLE
    )
    services.survey_update(survey=survey, response_target=150)
    points = [
        services.collection_point_create(survey=survey, name=name)
        for name in ("Marktplatz", "Bahnhof", "Tourist-Information")
    ]
    services.survey_publish(survey=survey)
    questions = selectors.survey_questions(survey)
    for index, (label, starts_on, ends_on, count) in enumerate(WAVES):
        if index:
            services.wave_start(survey=survey, label=label)
        survey.refresh_from_db()
        wave = survey.waves.order_by("-number").first()
        Wave.objects.filter(pk=wave.pk).update(label=label, starts_on=starts_on)
        ids = []
        for _ in range(count):
            response = services.response_submit(
                survey=survey,
                answers=_answers(rng, index),
                collection_point=rng.choice([*points, None]),
                language=rng.choice(["de"] * 9 + ["en"]),
                questions=questions,
            )
            ids.append(response.pk)
        last_day = ends_on or min(timezone.localdate(), starts_on + timedelta(days=40))
        span = max(1, (last_day - starts_on).days)
        tz = timezone.get_current_timezone()
        for pk in ids:
            day = starts_on + timedelta(days=rng.randrange(span + 1))
            moment = datetime.combine(day, time(rng.randint(9, 19), rng.randint(0, 59)), tzinfo=tz)
            Response.objects.filter(pk=pk).update(submitted_at=moment)
        if ends_on:
            Wave.objects.filter(pk=wave.pk).update(ends_on=ends_on)
    demo.log(f"  created survey “{SURVEY_TITLE}” with {sum(w[3] for w in WAVES)} responses in 2 waves")
    _seed_findings(survey, lead)
    _seed_readiness(programme, lead)


def _seed_findings(survey: Survey, lead) -> None:
    programme = survey.programme
    spring = survey.waves.get(number=1)
    by_code = {q.code: q for q in selectors.survey_questions(survey)}
    spring_only = selectors.ResultFilters(wave=spring)
    specs = [
        (
            {
                "statement": "Autofahrende finden in der Innenstadt schwer einen Parkplatz.",
                "description": "Parken erhält im Frühjahr die schlechteste Teilnote; Autofahrende bewerten "
                "es noch schlechter als alle anderen.",
                "journey_stage": "Anreise",
                "target_group": "buerger",
                "priority": "high",
                "status": "addressed",
            },
            "grade_parking",
        ),
        (
            {
                "statement": "Die Sauberkeit der Fußgängerzone wird als Problem erlebt.",
                "journey_stage": "Aufenthalt & Erlebnis",
                "priority": "high",
                "status": "addressed",
            },
            "grade_cleanliness",
        ),
        (
            {
                "statement": "Aktuelle Öffnungszeiten sind online nicht an einer Stelle zu finden.",
                "journey_stage": "Information & Planung",
                "priority": "medium",
                "status": "confirmed",
            },
            "grade_opening_hours",
        ),
        (
            {
                "statement": "Wer aus dem Umland kommt, kommt vor allem zum Einkaufen.",
                "journey_stage": "Inspiration",
                "target_group": "touristen",
                "priority": "low",
                "status": "open",
            },
            "visit_reasons",
        ),
    ]
    from_region = by_code["residence"].choices.get(code="region")
    for fields, code in specs:
        finding = services.finding_create(programme=programme, created_by=lead, **fields)
        filters = spring_only
        if code == "visit_reasons":
            filters = selectors.ResultFilters(wave=spring, segment_choice=from_region)
        services.evidence_add_survey_result(finding=finding, question=by_code[code], filters=filters)
    opening = programme.findings.get(statement__startswith="Aktuelle Öffnungszeiten")
    services.evidence_add(
        finding=opening,
        kind="workshop",
        label="Werkstatt Einzelhandel, 12. Mai 2026: Öffnungszeiten werden auf fünf Plattformen gepflegt",
    )


READINESS = [
    (
        date(2026, 2, 16),
        {"vision": 2, "people": 1, "infrastructure": 2, "data": 1, "participation": 1, "funding": 1},
        "Auftaktworkshop: Vision skizziert, aber noch niemand mit fester Zuständigkeit.",
    ),
    (
        date(2026, 10, 20),
        {"vision": 3, "people": 2, "infrastructure": 2, "data": 2, "participation": 3, "funding": 2},
        "Nach der Besucherbefragung: Initiativkreis arbeitet regelmäßig, Förderantrag gestellt.",
    ),
]


def _seed_readiness(programme, lead) -> None:
    from .models import ReadinessAssessment

    tz = timezone.get_current_timezone()
    for day, levels, comment in READINESS:
        assessment = services.readiness_assess(
            programme=programme, assessed_by=lead, levels=levels, comment=comment
        )
        moment = datetime.combine(day, time(10, 0), tzinfo=tz)
        ReadinessAssessment.objects.filter(pk=assessment.pk).update(assessed_at=moment)
