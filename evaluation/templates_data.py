"""Survey templates shipped with Stadtlotse, as plain data (German primary text, English translation).

A template is copied into a new survey by ``services.survey_create_from_template``; the copy is independent.
"""

from django.utils.translation import gettext_lazy as _


def _choices(*items: tuple[str, str, str]) -> list[dict]:
    return [{"code": code, "label": de, "label_en": en} for code, de, en in items]


def _grade(code: str, de: str, en: str, stage: str = "") -> dict:
    return {
        "code": f"grade_{code}",
        "type": "school_grade",
        "text": f"Wie bewerten Sie die Innenstadt in Bezug auf: {de}?",
        "text_en": f"How do you rate the city centre with regard to: {en}?",
        "help_text": "Schulnote von 1 (sehr gut) bis 6 (ungenügend)",
        "help_text_en": "School grade from 1 (very good) to 6 (insufficient)",
        "journey_stage": stage,
    }


SUB_GRADES = [
    ("ambience", "Ambiente und Flair", "ambience and flair", "Aufenthalt & Erlebnis"),
    ("retail", "Einzelhandelsangebot", "retail offer", "Einkauf & Angebot"),
    ("gastronomy", "Gastronomie", "gastronomy", "Aufenthalt & Erlebnis"),
    ("leisure", "Freizeit und Kultur", "leisure and culture", "Aufenthalt & Erlebnis"),
    ("services", "Dienstleistungen", "services", "Service"),
    ("accessibility", "Erreichbarkeit", "accessibility", "Anreise"),
    ("parking", "Parken", "parking", "Anreise"),
    ("opening_hours", "Öffnungszeiten", "opening hours", "Einkauf & Angebot"),
    ("cleanliness", "Sauberkeit", "cleanliness", "Aufenthalt & Erlebnis"),
    ("safety", "Sicherheit", "safety", "Aufenthalt & Erlebnis"),
    ("barrier_free", "Barrierefreiheit", "barrier-freedom", "Ankommen & Orientierung"),
    ("quality_of_stay", "Aufenthaltsqualität", "quality of stay", "Aufenthalt & Erlebnis"),
]

INNER_CITY_VISITORS = {
    "key": "inner_city_visitors",
    "name": _("Inner-city visitor survey (German and English)"),
    "survey": {
        "title": "Besucherbefragung Innenstadt",
        "title_en": "City centre visitor survey",
        "intro": (
            "Wie erleben Sie unsere Innenstadt? Die Befragung dauert etwa fünf Minuten. "
            "Ihre Antworten helfen, die Innenstadt gezielt zu verbessern."
        ),
        "intro_en": (
            "How do you experience our city centre? The survey takes about five minutes. "
            "Your answers help us improve the city centre where it matters."
        ),
        "privacy_notice": (
            "Die Befragung ist anonym. Wir speichern weder Ihre IP-Adresse noch Angaben zu Ihrem Gerät. "
            "Ergebnisse werden nur zusammengefasst ausgewertet; kleine Gruppen werden nicht ausgewiesen."
        ),
        "privacy_notice_en": (
            "The survey is anonymous. We store neither your IP address nor details of your device. "
            "Results are only analysed in aggregate; small groups are not shown."
        ),
        "languages": ["de", "en"],
        "response_target": 100,
    },
    "questions": [
        {
            "code": "grade_overall",
            "type": "school_grade",
            "text": "Welche Gesamtnote geben Sie der Innenstadt?",
            "text_en": "What overall grade do you give the city centre?",
            "help_text": "Schulnote von 1 (sehr gut) bis 6 (ungenügend)",
            "help_text_en": "School grade from 1 (very good) to 6 (insufficient)",
            "required": True,
            "journey_stage": "Aufenthalt & Erlebnis",
        },
        *[_grade(code, de, en, stage) for code, de, en, stage in SUB_GRADES],
        {
            "code": "visit_reasons",
            "type": "multiple_choice",
            "text": "Aus welchen Gründen sind Sie heute in der Innenstadt?",
            "text_en": "Why are you in the city centre today?",
            "help_text": "Mehrfachnennungen möglich (höchstens drei)",
            "help_text_en": "Several answers possible (at most three)",
            "max_selections": 3,
            "journey_stage": "Inspiration",
            "choices": _choices(
                ("shopping", "Einkaufen", "Shopping"),
                ("gastronomy", "Gastronomie", "Eating and drinking"),
                ("work", "Arbeit / Ausbildung", "Work / education"),
                ("services", "Dienstleistungen, Ärzte, Behörden", "Services, doctors, authorities"),
                ("culture", "Kultur und Freizeit", "Culture and leisure"),
                ("stroll", "Bummeln", "Strolling"),
                ("events", "Veranstaltung", "An event"),
                ("other", "Sonstiges", "Other"),
            ),
        },
        {
            "code": "frequency",
            "type": "single_choice",
            "text": "Wie oft besuchen Sie die Innenstadt?",
            "text_en": "How often do you visit the city centre?",
            "choices": _choices(
                ("daily", "(fast) täglich", "(almost) daily"),
                ("weekly", "mehrmals pro Woche", "several times a week"),
                ("monthly", "mehrmals pro Monat", "several times a month"),
                ("rarely", "seltener", "less often"),
                ("first", "zum ersten Mal", "for the first time"),
            ),
        },
        {
            "code": "dwell_time",
            "type": "single_choice",
            "text": "Wie lange halten Sie sich heute in der Innenstadt auf?",
            "text_en": "How long are you staying in the city centre today?",
            "journey_stage": "Aufenthalt & Erlebnis",
            "choices": _choices(
                ("lt1h", "weniger als 1 Stunde", "less than 1 hour"),
                ("1to2h", "1 bis 2 Stunden", "1 to 2 hours"),
                ("2to4h", "2 bis 4 Stunden", "2 to 4 hours"),
                ("gt4h", "mehr als 4 Stunden", "more than 4 hours"),
            ),
        },
        {
            "code": "transport",
            "type": "single_choice",
            "text": "Mit welchem Verkehrsmittel sind Sie heute gekommen?",
            "text_en": "How did you travel here today?",
            "journey_stage": "Anreise",
            "choices": _choices(
                ("car", "Auto / Motorrad", "Car / motorbike"),
                ("public", "Bus und Bahn", "Bus and train"),
                ("bike", "Fahrrad", "Bicycle"),
                ("foot", "zu Fuß", "On foot"),
                ("other", "Sonstiges", "Other"),
            ),
        },
        {
            "code": "nps",
            "type": "nps",
            "text": "Wie wahrscheinlich ist es, dass Sie einen Besuch der Innenstadt weiterempfehlen?",
            "text_en": "How likely are you to recommend a visit to the city centre?",
            "help_text": "0 = sehr unwahrscheinlich, 10 = sehr wahrscheinlich",
            "help_text_en": "0 = very unlikely, 10 = very likely",
            "journey_stage": "Nachbereitung & Teilen",
        },
        {
            "code": "age_group",
            "type": "single_choice",
            "text": "Wie alt sind Sie?",
            "text_en": "How old are you?",
            "choices": _choices(
                ("u25", "unter 25 Jahre", "under 25"),
                ("25to39", "25 bis 39 Jahre", "25 to 39"),
                ("40to59", "40 bis 59 Jahre", "40 to 59"),
                ("60plus", "60 Jahre und älter", "60 and over"),
            ),
        },
        {
            "code": "residence",
            "type": "single_choice",
            "text": "Wo wohnen Sie?",
            "text_en": "Where do you live?",
            "choices": _choices(
                ("city", "in der Stadt", "in the town"),
                ("region", "im Umland (bis 30 km)", "in the surrounding area (up to 30 km)"),
                ("further", "weiter entfernt", "further away"),
            ),
        },
        {
            "code": "wishes",
            "type": "long_text",
            "text": "Was sollte sich in der Innenstadt als Erstes ändern?",
            "text_en": "What should change in the city centre first?",
        },
    ],
}

TEMPLATES = {INNER_CITY_VISITORS["key"]: INNER_CITY_VISITORS}


def template_choices() -> list[tuple[str, str]]:
    return [(key, template["name"]) for key, template in TEMPLATES.items()]
