"""A small, fully known dashboard dataset and bulk builders for query-count tests (dashboards and portfolio)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from concept.models import Measure
from programmes.models import RiskAcknowledgement
from programmes.risks import RiskWarning
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation.models import KPI, BenefitLine, BusinessCase, CostLine, KPITarget, Measurement, Milestone

PERSON = "Erika Mustermann"  # a name that must never reach the stakeholder view or a shared link


def make_measure(programme, title="Parkleitsystem") -> Measure:
    return Measure.objects.create(programme=programme, title=title, status=Measure.Status.IMPLEMENTATION)


def make_case(
    programme, *, title, approved: bool, investment=Decimal("100000"), previous=None
) -> BusinessCase:
    """The worked example of DOMAIN.md (I0 = 100,000, 30,000 a year for 5 years, 2 %): NPV 41,403.79."""
    case = BusinessCase.objects.create(
        programme=programme,
        title=title,
        price_basis_year=2026,
        version=previous.version + 1 if previous else 1,
        previous=previous,
        status=BusinessCase.Status.APPROVED if approved else BusinessCase.Status.DRAFT,
        approved_at=timezone.now() if approved else None,
    )
    CostLine.objects.create(case=case, kind="investment", year=0, amount=investment, label="Sensoren")
    CostLine.objects.create(case=case, kind="running", year=1, amount=Decimal("0"), label="Betrieb")
    for year in range(1, 6):
        BenefitLine.objects.create(case=case, kind="savings", year=year, amount=Decimal("30000"), label="B")
    return case


@dataclass
class KnownData:
    today: date
    on_track: KPI
    off_track: KPI
    no_data: KPI
    overdue: Milestone
    next_due: Milestone
    quick_open: Milestone
    quick_done: Milestone


def known_dataset(programme, today: date) -> KnownData:
    """3 KPIs (on track, off track, no data), 4 milestones (1 done, 1 overdue, 2 open, 2 quick wins),
    business cases: 2 series, 1 approved version in force (the worked example), plus a superseded version."""
    path = {"baseline_value": Decimal("10"), "baseline_date": today - timedelta(days=365)}
    targets = [(today + timedelta(days=365), 30)]
    on_track = KPIFactory(programme=programme, code="A-ON", owner=PERSON, targets=targets, **path)
    off_track = KPIFactory(programme=programme, code="B-OFF", targets=targets, **path)
    no_data = KPIFactory(programme=programme, code="C-NONE", targets=targets, **path)
    for kpi, values in ((on_track, [12, 18, 25]), (off_track, [10, 9, 8])):
        for index, value in enumerate(values):
            end = today - timedelta(days=30 * (len(values) - 1 - index) + 1)
            MeasurementFactory(kpi=kpi, period_start=end, period_end=end, value=Decimal(value))
    # a measurement after "today" must not count
    MeasurementFactory(
        kpi=off_track, period_start=today + timedelta(days=5), period_end=today + timedelta(days=5), value=99
    )

    measure = make_measure(programme)
    quick_done = Milestone.objects.create(
        measure=measure, title="WLAN am Markt", owner=PERSON, start=today - timedelta(days=60),
        due=today - timedelta(days=20), status="done", quick_win=True,
    )  # fmt: skip
    overdue = Milestone.objects.create(
        measure=measure, title="Ausschreibung", owner=PERSON, start=today - timedelta(days=60),
        due=today - timedelta(days=3), status="planned",
    )  # fmt: skip
    quick_open = Milestone.objects.create(
        measure=measure, title="Infostele Rathaus", start=today - timedelta(days=10),
        due=today + timedelta(days=10), status="in_progress", quick_win=True,
    )  # fmt: skip
    next_due = quick_open
    Milestone.objects.create(
        measure=measure, title="Sensoren montiert", start=today, due=today + timedelta(days=40),
        status="blocked",
    )  # fmt: skip

    first = make_case(programme, title="Parkleitsystem", approved=True, investment=Decimal("80000"))
    make_case(programme, title="Parkleitsystem", approved=True, previous=first)  # supersedes the first
    make_case(programme, title="Stadt-App", approved=False)
    return KnownData(today, on_track, off_track, no_data, overdue, next_due, quick_open, quick_done)


def risk_rule(programme):
    yield RiskWarning(
        rule="tests.stale",
        title="Stale content",
        explanation="Nobody updated the app for 90 days.",
        url="/x/",
    )
    yield RiskWarning(
        rule="tests.money",
        title="Artificial footfall",
        explanation="Money goes into events instead of the concept.",
        subject="measure:1",
    )


def acknowledge_money_warning(programme, user) -> RiskAcknowledgement:
    return RiskAcknowledgement.objects.create(
        programme=programme,
        rule="tests.money",
        subject="measure:1",
        note=f"{PERSON} kümmert sich",
        acknowledged_by=user,
    )


def bulk_kpis(programme, count: int, *, measurements: int = 3, start: date = date(2025, 1, 1)) -> list[KPI]:
    kpis = KPI.objects.bulk_create(
        KPI(
            programme=programme,
            code=f"K{index:03d}",
            name_de=f"Kennzahl {index}",
            unit="%",
            direction="higher",
            frequency="daily",
            baseline_value=Decimal("10"),
            baseline_date=start,
        )
        for index in range(count)
    )
    KPITarget.objects.bulk_create(
        KPITarget(kpi=kpi, value=Decimal("50"), date=date(2030, 1, 1)) for kpi in kpis
    )
    Measurement.objects.bulk_create(
        Measurement(
            kpi=kpi,
            period_start=start + timedelta(days=day),
            period_end=start + timedelta(days=day),
            value=Decimal(10 + day % 7),
        )
        for kpi in kpis
        for day in range(measurements)
    )
    return kpis


def bulk_milestones(programme, count: int, *, today: date) -> None:
    measure = make_measure(programme, title=f"Maßnahme {programme.pk}")
    Milestone.objects.bulk_create(
        Milestone(
            measure=measure,
            title=f"M{index}",
            start=today - timedelta(days=30),
            due=today + timedelta(days=index - count // 2),
            status=["planned", "in_progress", "done", "blocked"][index % 4],
            quick_win=index % 3 == 0,
        )
        for index in range(count)
    )


# Names of people seeded in every place a programme keeps one; none may leave the team (shared link, stakeholder
# view, dashboard API, reports and their e-mails). Surnames only, so an escaped first name cannot hide a leak.
STAKEHOLDER_PERSON = "Bürgermeisterin Dr. Sabine Krämer"
STAKEHOLDER_EMAIL = "sabine.kraemer@musterstadt.example"
TOUCHPOINT_OWNER = "Jürgen Weißhaupt"
UNREVIEWED_TOUCHPOINT_OWNER = "Hanna Vogelsang"
MEASURE_OWNER = "Dieter Sonnenschein"
LEAD_NAME = "Lothar Leitmann"
FACILITATOR = "Frieda Moderatorin-Kleist"
GUEST = "Gisela Gastfreund"
PRIVATE_WORDS = [
    "Krämer",
    STAKEHOLDER_EMAIL,
    "Weißhaupt",
    "Vogelsang",
    "Mustermann",  # PERSON: KPI owner, milestone owners, acknowledgement note
    "Sonnenschein",
    "Leitmann",
    "Kleist",
    "Gastfreund",
]


def seed_personal_data(programme, lead, today: date) -> None:
    """known_dataset plus a name wherever the programme keeps one, with the real risk rules firing on them:

    an influential stakeholder never engaged (name and e-mail), a stale touchpoint and a never-reviewed one
    (owners named), KPI and milestone owners, a measure owner, a workshop with facilitator and guest, a gate
    override by a lead with a name, and an acknowledgement (by that lead) whose note names a person.
    """
    from concept import services as concept_services
    from programmes import services as programme_services
    from programmes.models import Workshop, WorkshopParticipant
    from programmes.risks import risk_acknowledge, risk_warnings
    from tests.programmes.factories import UserFactory

    known_dataset(programme, today)
    lead.name = LEAD_NAME
    lead.save(update_fields=["name"])
    programme_services.stakeholder_create(
        programme=programme,
        name=STAKEHOLDER_PERSON,
        group="politics",
        contact=STAKEHOLDER_EMAIL,
        influence=5,
        interest=4,
    )
    stage = concept_services.journey_ensure_defaults(programme=programme)[0]
    concept_services.touchpoint_create(
        stage=stage,
        name="Innenstadt-Website",
        channel="online",
        owner=TOUCHPOINT_OWNER,
        last_content_update=today - timedelta(days=400),
    )
    concept_services.touchpoint_create(
        stage=stage, name="Infotafel Markt", channel="offline", owner=UNREVIEWED_TOUCHPOINT_OWNER
    )
    Measure.objects.filter(programme=programme).update(
        owner=UserFactory(name=MEASURE_OWNER, email="dieter@example.org")
    )
    workshop = Workshop.objects.create(
        programme=programme,
        title="Journey-Walk",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
        facilitator=FACILITATOR,
        created_by=lead,
    )
    WorkshopParticipant.objects.create(workshop=workshop, name=GUEST, email="gisela@example.org")
    programme_services.programme_transition(
        programme=programme, user=lead, rationale="Ratsbeschluss vom März", override=True
    )
    stale = next(w for w in risk_warnings(programme) if w.rule == "concept.stale_content")
    risk_acknowledge(
        programme=programme, rule=stale.rule, subject=stale.subject, note=f"{PERSON} kümmert sich", user=lead
    )
