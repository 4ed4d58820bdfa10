"""Demo data of Konzeption for ``manage.py seed_demo``: Musterstadt's journey, a dozen measures, feasibility.

The story continues Evaluation's: parking and cleanliness were the worst grades, opening hours are hard to
find online. The programme answers with a parking guidance system (selected, fully assessed, three providers
compared) and a digital shop window (selected, assessed), keeps others on the shortlist and rejects the
inner-city app because nobody can operate it (seed 000). Idempotent: nothing happens if measures exist.
"""

from datetime import date
from decimal import Decimal

from evaluation.models import Finding

from . import services
from .models import Measure

PROGRAMME_SLUG = "digitale-innenstadt"

TOUCHPOINTS = {
    "inspiration": [("Instagram-Kanal Stadtmarketing", "online", "Stadtmarketing", 3, "", date(2026, 9, 1))],
    "information-planung": [
        (
            "Website innenstadt-musterstadt.de",
            "online",
            "Stadtmarketing",
            2,
            "Öffnungszeiten veraltet",
            date(2025, 11, 3),
        ),
        # nobody has recorded when these were last reviewed: the radar flags it
        ("Google-Unternehmensprofile", "online", "Händler*innen", 2, "uneinheitlich gepflegt", None),
    ],
    "anreise": [
        ("Parkhausbeschilderung", "offline", "Tiefbauamt", 2, "zeigt keine freien Plätze", date(2026, 4, 15)),
        ("Busfahrplan-Auskunft", "online", "Verkehrsbetriebe", 4, "", date(2026, 10, 1)),
    ],
    "ankommen-orientierung": [
        ("Stadtplan-Tafel am Bahnhof", "offline", "Stadtmarketing", 2, "veraltet", date(2019, 5, 1))
    ],
    "aufenthalt-erlebnis": [("Fußgängerzone", "offline", "Ordnungsamt", 2, "Sauberkeit", date(2026, 8, 1))],
    "einkauf-angebot": [("Schaufenster der Geschäfte", "offline", "Händler*innen", 3, "", date(2026, 7, 1))],
    "service": [("Tourist-Information", "offline", "Stadtmarketing", 4, "", date(2026, 10, 5))],
    "nachbereitung-teilen": [("Bewertungen auf Google", "online", "Händler*innen", 3, "", date(2026, 11, 2))],
}

# title, status, stage keys, finding statement prefix, impact, effort, one-off costs, reason
MEASURES = [
    (
        "Digitales Parkleitsystem",
        "selected",
        ["information-planung", "anreise"],
        "Autofahrende",
        5,
        3,
        "150000",
        "",
    ),
    (
        "Digitales Schaufenster",
        "selected",
        ["information-planung", "einkauf-angebot"],
        "Aktuelle Öffnungszeiten",
        4,
        2,
        "15000",
        "",
    ),
    (
        "Reinigungs-Melder per QR-Code",
        "shortlisted",
        ["aufenthalt-erlebnis"],
        "Die Sauberkeit",
        4,
        1,
        "3000",
        "",
    ),
    (
        "Gemeinsamer Veranstaltungskalender",
        "shortlisted",
        ["inspiration", "information-planung"],
        "Wer aus dem Umland",
        3,
        2,
        "10000",
        "",
    ),
    (
        "Öffentliches WLAN",
        "shortlisted",
        ["ankommen-orientierung", "aufenthalt-erlebnis"],
        "",
        3,
        3,
        "40000",
        "",
    ),
    ("Digitale Stelen am Bahnhof", "idea", ["ankommen-orientierung"], "", 3, 3, "35000", ""),
    ("Click & Collect", "idea", ["einkauf-angebot", "service"], "", 2, 3, "20000", ""),
    ("Kundenkarte Musterstadt", "idea", ["einkauf-angebot", "nachbereitung-teilen"], "", 2, 4, "25000", ""),
    ("Abendbus-Taktung prüfen", "idea", ["anreise", "abreise"], "", 3, 4, "0", ""),
    ("Bewertungs-Aktion mit Händler*innen", "idea", ["nachbereitung-teilen"], "", 2, 1, "500", ""),
    (
        "Innenstadt-App",
        "rejected",
        ["information-planung", "aufenthalt-erlebnis"],
        "",
        3,
        5,
        "60000",
        "Betrieb nicht gesichert: niemand kann die Inhalte dauerhaft pflegen; die mobile Website deckt den Bedarf.",
    ),
    (
        "Lokaler Online-Marktplatz",
        "rejected",
        ["einkauf-angebot"],
        "",
        2,
        5,
        "50000",
        "Zu wenige Händler*innen mit Warenwirtschaft; erst Schaufenster, dann Transaktion.",
    ),
]


def seed_concept(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    if programme is None or Measure.objects.filter(programme=programme).exists():
        return
    stages = {s.key: s for s in services.journey_ensure_defaults(programme=programme)}
    for key, rows in TOUCHPOINTS.items():
        for name, channel, owner, quality, pains, updated in rows:
            services.touchpoint_create(
                stage=stages[key],
                name=name,
                channel=channel,
                owner=owner,
                quality=quality,
                pain_points=pains,
                last_content_update=updated,
            )
    lead = demo.users.get("lead")
    findings = list(Finding.objects.filter(programme=programme))
    measures = {}
    for title, status, keys, finding_prefix, impact, effort, costs, reason in MEASURES:
        linked = [f for f in findings if finding_prefix and f.statement.startswith(finding_prefix)]
        measure = services.measure_create(
            programme=programme,
            title=title,
            stages=[stages[k] for k in keys],
            findings=linked,
            impact=impact,
            effort=effort,
            one_off_costs=Decimal(costs),
            owner=lead if lead and programme.memberships.filter(user=lead).exists() else None,
        )
        if status == "shortlisted":
            services.measure_shortlist(measure=measure)
        elif status == "selected" and linked:
            services.measure_select(measure=measure)
        elif status == "rejected":
            services.measure_reject(measure=measure, reason=reason)
        measures[title] = measure
    _seed_parking(demo, measures["Digitales Parkleitsystem"])
    _seed_shop_window(measures["Digitales Schaufenster"])
    demo.log(f"Konzeption: {len(measures)} measures, journey with touchpoints for {programme.title}")


def _seed_parking(demo, measure) -> None:
    criteria_set = services.criteria_set_create(
        organisation=demo.organisation,
        name="Dienstleisterauswahl Standard",
        criteria=[
            {"name": "Gesamtkosten über 5 Jahre", "weight": 30},
            {"name": "Betriebsaufwand für die Stadt", "weight": 25},
            {"name": "Offene Schnittstellen (DATEX II)", "weight": 20},
            {"name": "Referenzen in vergleichbaren Städten", "weight": 15},
            {"name": "Datenschutz / Hosting in der EU", "weight": 10},
        ],
    )
    services.feasibility_update(measure=measure, criteria_set=criteria_set)
    criteria = list(criteria_set.criteria.all())
    chosen = None
    for name, scores in {
        "ParkSense GmbH": (6, 8, 9, 7, 9),
        "CityFlow Systems": (8, 5, 6, 8, 7),
        "Verkehrstechnik Nord": (7, 6, 4, 5, 10),
    }.items():
        provider = services.provider_create(measure=measure, name=name)
        services.provider_scores_set(
            provider=provider, scores={c.pk: s for c, s in zip(criteria, scores, strict=True)}
        )
        chosen = chosen or provider
    services.feasibility_save(
        measure=measure,
        organisation_verdict="feasible",
        organisation_reasoning="Tiefbauamt verantwortet, Parkhausbetreiber haben Datenlieferung zugesagt.",
        responsible_unit="Tiefbauamt, Abteilung Verkehr",
        accountable_person="Leitung Tiefbauamt",
        partners="Parkhausbetreiber, Stadtwerke, Stadtmarketing",
        provider_verdict="feasible",
        provider_reasoning="Nutzwertanalyse mit drei Anbietern.",
        chosen_provider=chosen,
        chosen_provider_reason="Höchster Nutzwert, offene DATEX-II-Schnittstelle.",
        operating_verdict="feasible",
        operating_reasoning="Betrieb durch Stadtwerke, Wartungsvertrag mit dem Anbieter.",
        operator="Stadtwerke Musterstadt",
        staff_hours_per_month=Decimal("12"),
        content_maintenance="Stadtwerke, monatliche Prüfung der Anzeigen",
        running_costs_per_year=Decimal("15000"),
        support="Anbieter, Reaktionszeit 1 Werktag",
        hosting="Rechenzentrum der Stadtwerke",
        exit_plan="Daten und Schnittstelle gehören der Stadt; Anzeigen herstellerunabhängig ansteuerbar.",
        financing_verdict="conditional",
        financing_reasoning="Förderung beantragt, Bescheid erwartet.",
        years=3,
        raci_rows=[
            {
                "task": "Ausschreibung",
                "responsible": "Vergabestelle",
                "accountable": "Tiefbauamt",
                "consulted": "Stadtwerke",
                "informed": "Rat",
            },
            {
                "task": "Betrieb",
                "responsible": "Stadtwerke",
                "accountable": "Tiefbauamt",
                "consulted": "Parkhausbetreiber",
                "informed": "Stadtmarketing",
            },
        ],
        funding_sources=[
            {
                "kind": "grant",
                "name": "Landesförderung Innenstadt",
                "funding_rate": Decimal("60"),
                "deadline": date(2026, 12, 31),
                "year": 2027,
                "amount": Decimal("90000"),
            },
            {"kind": "own_budget", "name": "Haushalt Tiefbau", "year": 2027, "amount": Decimal("60000")},
            {"kind": "own_budget", "name": "Haushalt Tiefbau", "year": 2028, "amount": Decimal("15000")},
            {"kind": "revenue", "name": "Parkgebühren (Anteil)", "year": 2029, "amount": Decimal("15000")},
        ],
    )


def _seed_shop_window(measure) -> None:
    services.feasibility_save(
        measure=measure,
        organisation_verdict="feasible",
        responsible_unit="Stadtmarketing",
        accountable_person="Citymanagerin",
        partners="Werbegemeinschaft, IHK",
        provider_verdict="conditional",
        provider_reasoning="Zwei regionale Anbieter angefragt.",
        operating_verdict="conditional",
        operator="Stadtmarketing",
        staff_hours_per_month=Decimal("20"),
        content_maintenance="Kümmerin besucht jede Woche fünf Betriebe",
        running_costs_per_year=Decimal("6000"),
        financing_verdict="open",
        years=3,
        raci_rows=[
            {
                "task": "Betriebe gewinnen",
                "responsible": "Citymanagerin",
                "accountable": "Stadtmarketing",
                "consulted": "Werbegemeinschaft",
                "informed": "IHK",
            }
        ],
        funding_sources=[{"kind": "sponsor", "name": "Sparkasse", "year": 2027, "amount": Decimal("10000")}],
    )
