"""Demo KPIs for ``manage.py seed_demo``: eight KPIs of "Digitale Innenstadt" with two years of data.

The story: since the programme started, vacancies fall slowly (at risk against an ambitious target), Wi-Fi
hotspots, online services and portal visits rise, the stops with real-time information lag behind (off track),
the car parks move into their target band after the parking guidance system, and the overall visitor grade comes
from the visitor survey (one value from an earlier survey entered by hand, then one per closed wave). The
FOOTFALL KPI has no measurements here: the data-import demo step fills it from synthetic counter exports.

Dates are relative to today (the last two full years of months), so dashboards and reports look current.
Idempotent: a KPI whose code exists in the programme is left alone.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from concept.models import JourneyStage, Measure

from . import services_kpis
from .models import KPI, Measurement

PROGRAMME_SLUG = "digitale-innenstadt"
MONTHS = 24


def _month_start(day: date, back: int) -> date:
    month = day.year * 12 + day.month - 1 - back
    return date(month // 12, month % 12 + 1, 1)


def _month_end(start: date) -> date:
    return _month_start(start, -1) - timedelta(days=1)


def _months(today: date) -> list[tuple[date, date]]:
    """The last MONTHS full months, oldest first."""
    return [
        (_month_start(today, back), _month_end(_month_start(today, back))) for back in range(MONTHS, 0, -1)
    ]


def _quarters(months: list[tuple[date, date]]) -> list[tuple[date, date]]:
    return [(months[i][0], months[i + 2][1]) for i in range(len(months) % 3, len(months), 3)]


def _series(periods, start: float, end: float, rng: random.Random, noise: float, digits: int = 1):
    """Values moving from ``start`` to ``end`` with a little noise."""
    count = max(1, len(periods) - 1)
    values = []
    for index, (period_start, period_end) in enumerate(periods):
        value = start + (end - start) * index / count + rng.gauss(0, noise)
        values.append((period_start, period_end, Decimal(str(round(value, digits)))))
    return values


def seed_kpis(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None:
        return
    today = timezone.localdate()
    months = _months(today)
    quarters = _quarters(months)
    first = months[0][0]
    rng = random.Random(2024)  # noqa: S311 - reproducible synthetic demo data, not security
    measures = {m.title: m for m in Measure.objects.filter(programme=programme)}
    stages = {s.key: s for s in JourneyStage.objects.filter(programme=programme)}
    existing = set(KPI.objects.filter(programme=programme).values_list("code", flat=True))
    lead = demo.users.get("lead")
    created = 0

    def add(code, *, measure_titles=(), stage=None, targets=(), values=(), **fields):
        nonlocal created
        if code in existing:
            return None
        kpi = services_kpis.kpi_create(
            programme=programme,
            code=code,
            measures=[measures[t] for t in measure_titles if t in measures],
            journey_stage=stages.get(stage) if stage else None,
            targets=[(when, Decimal(str(value))) for when, value in targets],
            **fields,
        )
        Measurement.objects.bulk_create(
            [
                Measurement(
                    kpi=kpi,
                    period_start=s,
                    period_end=e,
                    value=v,
                    source=Measurement.Source.MANUAL,
                    created_by=lead,
                )
                for s, e, v in values
            ]
        )
        created += 1
        return kpi

    horizon = date(today.year + 1, 12, 31)
    midway = date(today.year, 12, 31)

    add(
        "FOOTFALL",
        name_de="Passantenfrequenz",
        name_en="Footfall",
        unit="Personen/Tag",
        direction=KPI.Direction.HIGHER,
        frequency=KPI.Frequency.DAILY,
        catalogue_key="footfall",
        definition="Gezählte Passant*innen je Tag an allen Laserzählern der Innenstadt (Summe der Standorte).",
        data_source="Export der Frequenzzähler (stündlich, importiert)",
        owner="Stadtmarketing",
        baseline_value=Decimal("16500"),
        baseline_date=first,
        stage="aufenthalt-erlebnis",
        targets=[(horizon, 19000)],
    )
    add(
        "VACANCY",
        name_de="Leerstandsquote Ladenlokale",
        name_en="Retail vacancy rate",
        unit="%",
        direction=KPI.Direction.LOWER,
        frequency=KPI.Frequency.QUARTERLY,
        catalogue_key="vacancy_rate",
        definition="Leerstehende Ladenlokale im Erdgeschoss der Innenstadt / alle Ladenlokale × 100, Stichtag.",
        data_source="Leerstandskataster der Wirtschaftsförderung",
        owner="Wirtschaftsförderung",
        baseline_value=Decimal("12.5"),
        baseline_date=first,
        measure_titles=["Digitales Schaufenster"],
        stage="einkauf-angebot",
        targets=[(midway, 9), (horizon, 7)],
        values=_series(quarters, 12.3, 9.7, rng, 0.1),
    )
    add(
        "WIFI",
        name_de="Öffentliche WLAN-Hotspots",
        name_en="Public Wi-Fi hotspots",
        unit="Anzahl",
        direction=KPI.Direction.HIGHER,
        frequency=KPI.Frequency.MONTHLY,
        catalogue_key="wifi_hotspots",
        framework_ref="EC: ICT: ICT: 5A",
        definition="Freie öffentliche WLAN-Hotspots in der Innenstadt am Monatsende.",
        data_source="Stadtwerke (Netzbetrieb)",
        owner="IT-Dienstleister der Stadt",
        baseline_value=Decimal("6"),
        baseline_date=first,
        stage="aufenthalt-erlebnis",
        targets=[(horizon, 30)],
        values=[(s, e, Decimal(6 + (18 * i) // (len(months) - 1))) for i, (s, e) in enumerate(months)],
    )
    add(
        "SERVICES_ONLINE",
        name_de="Online beantragbare Verwaltungsleistungen",
        name_en="Share of city services requestable online",
        unit="%",
        direction=KPI.Direction.HIGHER,
        frequency=KPI.Frequency.QUARTERLY,
        catalogue_key="services_online",
        framework_ref="EC: ICT: PS: 2A",
        definition="Vollständig online beantragbare Leistungen / alle Leistungen für Bürger*innen × 100.",
        data_source="Leistungskatalog der Verwaltung (OZG-Dashboard)",
        owner="Digitalisierungsbeauftragte",
        baseline_value=Decimal("28"),
        baseline_date=first,
        stage="service",
        targets=[(midway, 45), (horizon, 60)],
        values=_series(quarters, 28.5, 46.0, rng, 0.6),
    )
    add(
        "RT_STOPS",
        name_de="Haltestellen mit Echtzeitinformation",
        name_en="Stops with real-time information",
        unit="%",
        direction=KPI.Direction.HIGHER,
        frequency=KPI.Frequency.QUARTERLY,
        catalogue_key="realtime_stops",
        framework_ref="EC: ICT: T: 1C",
        definition="Haltestellen mit dynamischer Fahrgastinformation (Anzeige, Website oder App) / alle × 100.",
        data_source="Verkehrsbetriebe",
        owner="Verkehrsbetriebe",
        baseline_value=Decimal("35"),
        baseline_date=first,
        measure_titles=["Abendbus-Taktung prüfen"],
        stage="anreise",
        targets=[(midway, 70), (horizon, 85)],
        values=_series(quarters, 35, 48, rng, 1.0),
    )
    add(
        "PARKING_OCC",
        name_de="Auslastung der Parkhäuser (Samstag)",
        name_en="Car park occupancy (Saturday)",
        unit="%",
        direction=KPI.Direction.BAND,
        band_low=Decimal("70"),
        band_high=Decimal("90"),
        frequency=KPI.Frequency.MONTHLY,
        catalogue_key="parking_occupancy",
        definition="Mittlere Auslastung der Innenstadt-Parkhäuser samstags 11–16 Uhr; Ziel ist ein Band.",
        data_source="Parkleitsystem",
        owner="Ordnungsamt",
        measure_titles=["Digitales Parkleitsystem"],
        stage="anreise",
        values=_series(months, 97, 86, rng, 1.2),
    )
    add(
        "PORTAL_VISITS",
        name_de="Besuche des Innenstadtportals",
        name_en="Visits to the city-centre portal",
        unit="Besuche/Monat",
        direction=KPI.Direction.HIGHER,
        frequency=KPI.Frequency.MONTHLY,
        catalogue_key="portal_visits",
        definition="Besuche des Innenstadtportals im Monat (cookielose Webanalyse).",
        data_source="Webanalyse des Portals",
        owner="Stadtmarketing",
        baseline_value=Decimal("4200"),
        baseline_date=first,
        measure_titles=["Digitales Schaufenster", "Gemeinsamer Veranstaltungskalender"],
        stage="information-planung",
        targets=[(horizon, 12000)],
        values=_series(months, 4200, 9800, rng, 250, 0),
    )
    grade = _survey_grade_kpi(add, programme, first, horizon)
    if grade is not None:
        services_kpis.kpi_refresh_from_survey(kpi=grade)
    if created:
        demo.log(f"Transformation: {created} KPIs with measurements for {programme.title}")


def _survey_grade_kpi(add, programme, first: date, horizon: date):
    """The overall grade, fed by the demo visitor survey's question grade_overall (mean per closed wave)."""
    from evaluation.models import Question

    question = (
        Question.objects.filter(survey__programme=programme, code="grade_overall")
        .order_by("survey_id")
        .first()
    )
    earlier = date(first.year, 5, 31) if first.month > 5 else date(first.year - 1, 5, 31)
    return add(
        "GRADE",
        name_de="Gesamtnote der Innenstadt",
        name_en="Overall visitor grade",
        unit="Note 1–6",
        direction=KPI.Direction.LOWER,
        frequency=KPI.Frequency.YEARLY,
        catalogue_key="visitor_grade",
        definition="Mittlere Gesamtnote der Innenstadt in der Besucherbefragung (Schulnote, 1 = sehr gut).",
        data_source="Besucherbefragung (Mittelwert der Frage grade_overall je abgeschlossener Welle)",
        owner="Stadtmarketing",
        baseline_value=Decimal("3.4"),
        baseline_date=earlier,
        targets=[(horizon, Decimal("2.8"))],
        source_question=question,
        source_aggregate=KPI.SurveyAggregate.MEAN if question else "",
        values=[(date(earlier.year, 4, 1), earlier, Decimal("3.4"))],
    )
