"""Demo data of Transformation for ``manage.py seed_demo``: two business cases and an implementation plan.

The parking guidance system pays off (positive NPV, approved, in implementation with quick wins and a rollout
from pilot to city-wide). The digital shop window does not pay off in money, but urgency and strategic points
justify it, and its recommendation says so. Idempotent: nothing happens if the programme has business cases.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from concept.models import Measure

from . import services
from .models import BusinessCase

PROGRAMME_SLUG = "digitale-innenstadt"
PRICE_BASIS = 2027


def seed_transformation(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None or BusinessCase.objects.filter(programme=programme).exists():
        return
    measures = {
        m.title: m for m in Measure.objects.filter(programme=programme, status=Measure.Status.SELECTED)
    }
    parking = measures.get("Digitales Parkleitsystem")
    shop_window = measures.get("Digitales Schaufenster")
    if parking is not None:
        _seed_parking(demo, programme, parking)
    if shop_window is not None:
        _seed_shop_window(programme, shop_window)
    demo.log(f"Transformation: business cases and an implementation plan for {programme.title}")


def _seed_parking(demo, programme, measure) -> None:
    case = services.business_case_create(
        programme=programme,
        measure=measure,
        title="Digitales Parkleitsystem",
        horizon_years=8,
        discount_rate=Decimal("0.02"),
        price_basis_year=PRICE_BASIS,
    )
    services.business_case_take_over_feasibility(case=case)
    for year in range(1, 9):
        services.line_add(
            case=case,
            side="benefit",
            kind="revenue",
            year=year,
            amount=Decimal("28000"),
            label="Mehreinnahmen Parkhäuser (bessere Auslastung)",
            note="Annahme: +6 % Auslastung der städtischen Parkhäuser, Erfahrungswert Nachbarstadt",
        )
        services.line_add(
            case=case,
            side="benefit",
            kind="avoided",
            year=year,
            amount=Decimal("12000"),
            label="Vermiedene Kosten Verkehrslenkung bei Veranstaltungen",
            note="Ordnungsamt: bisher Personal für Einweisung an 20 Tagen im Jahr",
        )
    services.criterion_add(
        case=case, catalogue="urgency", name="Parksuchverkehr in der Innenstadt", weight=2, score=8
    )
    services.criterion_add(
        case=case, catalogue="external", name="Weniger Emissionen durch Suchverkehr", weight=1, score=7
    )
    services.business_case_update(
        case=case,
        recommendation=BusinessCase.Recommendation.GO,
        recommendation_reason="Positiver Kapitalwert auch im pessimistischen Szenario nahe null; Förderung gesichert.",
    )
    lead = demo.users.get("lead")
    if lead is not None:
        services.business_case_approve(case=case, user=lead)
    services.measure_start_implementation(measure=measure)
    today = timezone.localdate()
    tender = services.milestone_create(
        measure=measure,
        title="Ausschreibung und Vergabe",
        owner="Vergabestelle",
        start=today - timedelta(days=30),
        due=today + timedelta(days=60),
        status="in_progress",
    )
    services.milestone_create(
        measure=measure,
        title="Freie Plätze der zwei größten Parkhäuser online anzeigen",
        owner="Stadtwerke",
        start=today,
        due=today + timedelta(days=45),
        status="in_progress",
        quick_win=True,
    )
    services.milestone_create(
        measure=measure,
        title="Anzeigetafeln an den Einfallstraßen",
        owner="Tiefbauamt",
        start=today + timedelta(days=60),
        due=today + timedelta(days=240),
        depends_on=tender,
    )
    services.milestone_create(
        measure=measure,
        title="Datenlieferung privater Parkhausbetreiber",
        owner="Stadtmarketing",
        start=today - timedelta(days=60),
        due=today - timedelta(days=5),
        status="blocked",
    )
    for offset, name, condition in [
        (90, "Pilot", "Zwei städtische Parkhäuser liefern Live-Daten."),
        (240, "Erweiterung", "Auslastungsdaten stabil über drei Monate; Beschwerden < 5 pro Monat."),
        (420, "Stadtweit", "Alle Parkhäuser angebunden; Parksuchverkehr messbar gesunken."),
    ]:
        services.rollout_stage_create(
            measure=measure, name=name, entry_condition=condition, date=today + timedelta(days=offset)
        )


def _seed_shop_window(programme, measure) -> None:
    case = services.business_case_create(
        programme=programme,
        measure=measure,
        title="Digitales Schaufenster",
        horizon_years=5,
        discount_rate=Decimal("0.02"),
        price_basis_year=PRICE_BASIS,
    )
    services.business_case_take_over_feasibility(case=case)
    for year in range(1, 6):
        services.line_add(
            case=case,
            side="cost",
            kind="running",
            category="staff",
            year=year,
            amount=Decimal("9000"),
            label="Kümmerin (Anteil Stelle)",
            note="20 Stunden im Monat, Entgeltgruppe TVöD 9b",
        )
        services.line_add(
            case=case,
            side="benefit",
            kind="savings",
            year=year,
            amount=Decimal("4000"),
            label="Weniger Anfragen beim Bürgerservice zu Öffnungszeiten",
            note="Schätzung Bürgerservice",
        )
    services.criterion_add(
        case=case, catalogue="urgency", name="Leerstand droht in der Fußgängerzone", weight=2, score=9
    )
    services.criterion_add(
        case=case,
        catalogue="strategic",
        name="Ziel der Digitalstrategie: Handel sichtbar machen",
        weight=2,
        score=8,
    )
    services.criterion_add(
        case=case, catalogue="external", name="Nutzen für Händler*innen und Besucher*innen", weight=1, score=9
    )
    services.business_case_update(
        case=case,
        recommendation=BusinessCase.Recommendation.CONDITIONAL,
        recommendation_reason=(
            "Negativer Kapitalwert, aber Dringlichkeit 90 Punkte und strategische Bedeutung 80 Punkte "
            "(WiBe): der Leerstand droht, der Handel muss online sichtbar werden. Bedingung: mindestens "
            "30 Betriebe im ersten Jahr."
        ),
    )
