"""Builders for evaluation tests. Surveys come from the services, so they hold the same invariants as real ones."""

import random

from evaluation import services
from evaluation.models import Survey


def make_survey(programme, *, publish: bool = True, **fields) -> Survey:
    """A small survey with one question of every type."""
    fields.setdefault("languages", ["de", "en"])
    survey = services.survey_create(
        programme=programme, title=fields.pop("title", "Besucherbefragung"), **fields
    )
    services.question_create(
        survey=survey,
        code="transport",
        type="single_choice",
        text="Wie sind Sie angereist?",
        required=True,
        choices=[
            {"code": "car", "label": "Auto"},
            {"code": "bus", "label": "Bus"},
            {"code": "foot", "label": "zu Fuß"},
        ],
    )
    services.question_create(
        survey=survey,
        code="reasons",
        type="multiple_choice",
        text="Warum sind Sie hier?",
        max_selections=2,
        choices=[
            {"code": "shopping", "label": "Einkaufen"},
            {"code": "food", "label": "Essen"},
            {"code": "culture", "label": "Kultur"},
        ],
    )
    services.question_create(survey=survey, code="grade", type="school_grade", text="Gesamtnote?")
    services.question_create(survey=survey, code="agree", type="likert", text="Ich komme gern.")
    services.question_create(survey=survey, code="nps", type="nps", text="Weiterempfehlen?")
    services.question_create(
        survey=survey, code="spend", type="number", text="Ausgaben in Euro?", min_value=0, max_value=1000
    )
    services.question_create(survey=survey, code="name_place", type="short_text", text="Lieblingsort?")
    services.question_create(survey=survey, code="wish", type="long_text", text="Was fehlt?")
    if publish:
        services.survey_publish(survey=survey)
    survey.refresh_from_db()
    return survey


VALID = {
    "transport": "car",
    "reasons": ["shopping", "food"],
    "grade": 2,
    "agree": 4,
    "nps": 9,
    "spend": "25,50",
    "name_place": "Marktplatz",
    "wish": "Mehr Bänke",
}


def add_responses(survey: Survey, count: int, *, seed: int = 1, collection_point=None) -> None:
    """Submit ``count`` random valid responses through the service."""
    rng = random.Random(seed)
    for _ in range(count):
        services.response_submit(
            survey=survey,
            collection_point=collection_point,
            answers={
                "transport": rng.choice(["car", "bus", "foot"]),
                "reasons": rng.sample(["shopping", "food", "culture"], rng.randint(1, 2)),
                "grade": rng.randint(1, 6),
                "agree": rng.randint(1, 5),
                "nps": rng.randint(0, 10),
                "spend": rng.randint(0, 100),
                "wish": rng.choice(["Mehr Grün", "Parkplätze", "Sauberkeit"]),
            },
        )
