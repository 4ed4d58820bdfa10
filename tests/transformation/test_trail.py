"""The evidence trail of a measure, the retrospectives pages and the phase decisions on the timeline."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from concept import services as concept_services
from evaluation import services as evaluation_services
from programmes import services as programme_services
from programmes.models import Phase, Programme
from tests.permissions import FORBIDDEN, NOT_FOUND, OK, REDIRECT, check_matrix
from tests.transformation.factories_kpis import KPIFactory, MeasurementFactory
from transformation import retrospectives, services
from transformation.models import Report, Retrospective

VIEWERS = {
    "anonymous": REDIRECT,
    "stakeholder": OK,
    "member": OK,
    "lead": OK,
    "other_lead": NOT_FOUND,
    "org_admin": OK,
}
EDITORS = {**VIEWERS, "stakeholder": FORBIDDEN}


def t(name, programme, **kwargs):
    return reverse(f"programmes:transformation:{name}", kwargs={**programme.url_kwargs, **kwargs})


def build_story(world, measure, n):
    """n findings with evidence, n milestones, a business case, a KPI with values and a report."""
    programme = world.programme
    for i in range(n):
        finding = evaluation_services.finding_create(programme=programme, statement=f"Befund {i}")
        evaluation_services.evidence_add(finding=finding, kind="workshop", label=f"Workshop {i}")
        measure.findings.add(finding)
    concept_services.feasibility_update(
        measure=measure, organisation_verdict="feasible", organisation_reasoning="Stadtmarketing betreibt es"
    )
    provider = concept_services.provider_create(measure=measure, name="Parkdaten GmbH")
    concept_services.feasibility_update(measure=measure, chosen_provider=provider)
    case = services.business_case_create(
        programme=programme, measure=measure, horizon_years=5, price_basis_year=2026, title="Parkleitsystem"
    )
    services.line_add(
        case=case,
        side="cost",
        kind="investment",
        category="hardware",
        year=0,
        amount=Decimal("100000"),
        label="S",
    )
    concept_services.measure_start_implementation(measure=measure)
    start = date(2026, 1, 1)
    for i in range(n):
        services.milestone_create(
            measure=measure, title=f"Meilenstein {i}", start=start, due=start + timedelta(days=30 + i)
        )
    kpi = KPIFactory(programme=programme, code="PARK", name_de="Freie Plätze online")
    kpi.measures.add(measure)
    MeasurementFactory(
        kpi=kpi, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), value=Decimal("42")
    )
    covering = Report.objects.create(
        programme=programme,
        title="Bericht Oktober",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        status=Report.Status.SENT,
        html=f"<p>{measure.title}: 42 freie Plätze</p>",
    )
    covering.measures.add(measure)
    Report.objects.create(
        programme=programme,
        title="Bericht ohne Bezug",
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
        status=Report.Status.SENT,
        html=f"<p>anderes, nur der Titel {measure.title} im Text</p>",
    )
    return case


def test_every_role_of_the_programme_reads_the_trail(client_as, world, measure):
    check_matrix(client_as, t("measure_trail", world.programme, measure=measure.pk), VIEWERS)


def test_a_measure_of_another_programme_has_no_trail_here(client_as, world):
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremd")
    response = client_as("lead").get(t("measure_trail", world.programme, measure=foreign.pk))
    assert response.status_code == NOT_FOUND


def test_the_trail_tells_the_story_in_order(client_as, world, measure):
    build_story(world, measure, 2)
    page = (
        client_as("stakeholder").get(t("measure_trail", world.programme, measure=measure.pk)).content.decode()
    )
    order = [
        'id="trail-findings"',
        "Befund 0",
        "Workshop 0",
        'id="trail-measure"',
        'id="trail-priority"',
        'id="trail-feasibility"',
        "Stadtmarketing betreibt es",
        'id="trail-provider"',
        "Parkdaten GmbH",
        'id="trail-cases"',
        "Parkleitsystem v1",
        'id="trail-milestones"',
        "Meilenstein 0",
        'id="trail-kpis"',
        "PARK",
        "31.10.2026: 42",
        'id="trail-reports"',
        "Bericht Oktober",
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Bericht ohne Bezug" not in page


@pytest.mark.parametrize("n", [1, 25])
def test_trail_query_count_holds_for_one_and_many_rows(
    client_as, world, measure, n, django_assert_max_num_queries
):
    build_story(world, measure, n)
    for i in range(n):  # many history rows: the measure and every milestone change again and again
        concept_services.measure_update(measure=measure, description=f"Fassung {i}")
    for milestone in measure.milestones.all():
        for status in ["in_progress"] if n == 1 else ["in_progress", "blocked", "in_progress", "done"]:
            services.milestone_update(milestone=milestone, status=status)
    client = client_as("lead")
    with django_assert_max_num_queries(24):
        response = client.get(t("measure_trail", world.programme, measure=measure.pk))
    assert response.status_code == OK
    assert response.content.decode().count('class="trail-status-change"') >= n


def set_history_dates(model, pk, *days):
    """Date the history records of one object (oldest first) on the given days of 2026."""
    records = list(model.history.filter(id=pk).order_by("history_date", "history_id"))
    assert len(records) == len(days)
    for record, day in zip(records, days, strict=True):
        model.history.filter(history_id=record.history_id).update(
            history_date=timezone.make_aware(timezone.datetime(2026, *day, 10, 0))
        )


def test_the_trail_shows_when_the_measure_and_its_milestones_changed_status(client_as, world):
    from concept.models import Measure
    from transformation.models import Milestone

    finding = evaluation_services.finding_create(programme=world.programme, statement="Kein Parkplatz")
    measure = concept_services.measure_create(
        programme=world.programme, title="Parkleitsystem", findings=[finding]
    )
    concept_services.measure_shortlist(measure=measure)
    concept_services.measure_update(measure=measure, description="Ohne Statuswechsel")  # not a status change
    concept_services.measure_select(measure=measure)
    concept_services.measure_start_implementation(measure=measure)
    set_history_dates(Measure, measure.pk, (1, 5), (2, 10), (2, 11), (3, 15), (4, 20))
    milestone = services.milestone_create(
        measure=measure, title="Sensoren montiert", start=date(2026, 4, 20), due=date(2026, 6, 30)
    )
    services.milestone_update(milestone=milestone, status="in_progress")
    services.milestone_update(milestone=milestone, status="done")
    set_history_dates(Milestone, milestone.pk, (4, 20), (5, 2), (6, 28))

    page = (
        client_as("stakeholder").get(t("measure_trail", world.programme, measure=measure.pk)).content.decode()
    )
    history = page[page.index('id="measure-status-history"') : page.index('id="trail-priority"')]
    steps = [
        "05.01.2026",
        "Idee",
        "10.02.2026",
        "in der engeren Wahl",
        "15.03.2026",
        "ausgewählt",
        "20.04.2026",
    ]
    positions = [history.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "11.02.2026" not in history  # the description changed, not the status
    assert history.count("data-status=") == 4
    assert "älter als ihr Änderungsverlauf" not in page
    line = page[page.index(f'data-milestone="{milestone.pk}"') :].split("</li>")[0]
    assert "in Arbeit am 02.05.2026" in line and "erledigt am 28.06.2026" in line


def test_a_measure_older_than_its_history_says_so(client_as, world, measure):
    from concept.models import Measure

    Measure.history.filter(id=measure.pk).order_by("history_date").first().delete()  # as if created before
    page = client_as("lead").get(t("measure_trail", world.programme, measure=measure.pk)).content.decode()
    assert "älter als ihr Änderungsverlauf" in page


def test_measure_detail_and_plan_link_to_the_trail(client_as, world, measure):
    trail = t("measure_trail", world.programme, measure=measure.pk)
    detail = reverse(
        "programmes:konzeption:measure_detail", kwargs={**world.programme.url_kwargs, "pk": measure.pk}
    )
    assert trail in client_as("member").get(detail).content.decode()
    assert trail in client_as("member").get(t("plan", world.programme, measure=measure.pk)).content.decode()


# --- Retrospectives -----------------------------------------------------------------------------------------


RETRO = {
    "held_on": "2026-11-20",
    "went_well": "Schnelle erste Erfolge",
    "to_improve": "Datenlieferung der Parkhäuser",
    "decision": "scale",
    "decision_reason": "Nutzung über Ziel",
}


def test_retrospective_pages_matrix(client_as, world):
    retro = Retrospective.objects.create(
        programme=world.programme,
        cycle=1,
        held_on=date(2026, 1, 1),
        went_well="a",
        to_improve="b",
        decision="adjust",
    )
    check_matrix(client_as, t("retrospective_list", world.programme), VIEWERS)
    check_matrix(client_as, t("retrospective_create", world.programme), EDITORS)
    check_matrix(client_as, t("retrospective_edit", world.programme, pk=retro.pk), EDITORS)


def test_a_member_records_and_edits_the_retrospective_of_the_current_cycle(client_as, world):
    Programme.objects.filter(pk=world.programme.pk).update(cycle=3)
    client = client_as("member")
    response = client.post(t("retrospective_create", world.programme), RETRO)
    assert response.status_code == 302
    retro = Retrospective.objects.get()
    assert (retro.cycle, retro.decision, retro.created_by) == (3, "scale", world.user("member"))

    client.post(t("retrospective_edit", world.programme, pk=retro.pk), {**RETRO, "decision": "adjust"})
    retro.refresh_from_db()
    assert retro.decision == "adjust"
    page = client_as("stakeholder").get(t("retrospective_list", world.programme)).content.decode()
    assert "Schnelle erste Erfolge" in page


def test_an_incomplete_retrospective_shows_field_errors_and_saves_nothing(client_as, world):
    response = client_as("lead").post(
        t("retrospective_create", world.programme), {**RETRO, "went_well": "", "held_on": "kein Datum"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"went_well", "held_on"}
    assert not Retrospective.objects.exists()


def test_a_retrospective_of_another_programme_is_404(client_as, world):
    foreign = retrospectives.retrospective_create(
        programme=world.other_programme,
        created_by=world.user("other_lead"),
        **{**RETRO, "held_on": date(2026, 11, 20)},
    )
    assert (
        client_as("lead").get(t("retrospective_edit", world.programme, pk=foreign.pk)).status_code
        == NOT_FOUND
    )


@pytest.mark.parametrize("n", [1, 50])
def test_retrospective_list_query_count(client_as, world, n, django_assert_max_num_queries):
    for i in range(n):
        Retrospective.objects.create(
            programme=world.programme,
            cycle=i + 1,
            held_on=date(2026, 1, 1),
            went_well="a",
            to_improve="b",
            decision="stop",
        )
    client = client_as("lead")
    with django_assert_max_num_queries(12):
        assert client.get(t("retrospective_list", world.programme)).status_code == OK


# --- Phase decisions on the timeline and the gate page --------------------------------------------------------


def test_an_override_is_marked_on_the_timeline_with_its_reason(client_as, world, failing_gate):
    programme_services.programme_transition(
        programme=world.programme,
        user=world.user("lead"),
        rationale="Ratsbeschluss vom 12. März",
        override=True,
    )
    page = client_as("stakeholder").get(t("timeline", world.programme)).content.decode()
    assert 'id="phase-decisions"' in page and "is-override" in page
    assert "Ratsbeschluss vom 12. März" in page


def test_the_gate_page_links_every_criterion(client_as, world):
    Programme.objects.filter(pk=world.programme.pk).update(phase=Phase.TRANSFORMATION)
    page = (
        client_as("lead")
        .get(reverse("programmes:transition", kwargs=world.programme.url_kwargs))
        .content.decode()
    )
    assert page.count('class="criterion-') == 3
    assert t("retrospective_create", world.programme) in page


@pytest.mark.parametrize("n", [1, 30])
def test_timeline_query_count_with_many_decisions(client_as, world, n, django_assert_max_num_queries):
    for i in range(n):
        world.programme.transitions.create(
            from_phase="evaluation",
            to_phase="konzeption",
            cycle=1,
            rationale=f"Grund {i}",
            overridden=bool(i % 2),
            decided_at=timezone.now() - timedelta(days=i),
        )
    client = client_as("lead")
    with django_assert_max_num_queries(8):
        assert client.get(t("timeline", world.programme)).status_code == OK


# --- Reports on the trail: a structured link set when the report is built ---------------------------------


def build_report(programme, sections, start=date(2026, 10, 1), end=date(2026, 10, 31)):
    from tests.transformation.factories_reports import ReportScheduleFactory
    from transformation import reports

    schedule = ReportScheduleFactory(programme=programme, sections=sections)
    report = Report.objects.create(
        programme=programme, schedule=schedule, title="Bericht", period_start=start, period_end=end
    )
    return reports.report_build(report=report)


def trail_reports(client, programme, measure) -> list[str]:
    response = client.get(t("measure_trail", programme, measure=measure.pk))
    return [r["title"] for r in response.context["trail"].reports]


def test_a_report_whose_text_only_contains_the_title_is_not_on_the_trail(client_as, world, measure):
    # "Parkleitsystem Nord" has an overdue milestone: its title is in the report, "Parkleitsystem" is not covered.
    nord = concept_services.measure_create(
        programme=world.programme, title="Parkleitsystem Nord", findings=list(measure.findings.all())
    )
    concept_services.measure_select(measure=nord)
    concept_services.measure_start_implementation(measure=nord)
    services.milestone_create(
        measure=nord, title="Sensoren bestellt", start=date(2026, 9, 1), due=date(2026, 10, 15)
    )
    report = build_report(world.programme, ["milestones"])
    assert "Parkleitsystem Nord" in report.html
    assert report.data["measure_ids"] == [nord.pk]

    client = client_as("stakeholder")
    assert trail_reports(client, world.programme, measure) == []
    assert trail_reports(client, world.programme, nord) == ["Bericht"]

    # Renaming the measure later does not lose the link (a text search would).
    concept_services.measure_update(measure=nord, title="Parkleitsystem Nordstadt")
    assert trail_reports(client, world.programme, nord) == ["Bericht"]


def test_a_report_covers_the_measures_of_its_kpis_and_of_its_open_risks(client_as, world, measure):
    other = concept_services.measure_create(programme=world.programme, title="Digitales Schaufenster")
    kpi = KPIFactory(programme=world.programme, code="PARK", name_de="Freie Plätze online")
    kpi.measures.add(other)
    kpi_report = build_report(world.programme, ["kpis"])
    assert list(kpi_report.measures.all()) == [other]

    # The measure was selected for a finding without evidence: the radar warns about it.
    risk_report = build_report(world.programme, ["risks"], date(2026, 9, 1), date(2026, 9, 30))
    assert risk_report.data["measure_ids"] == [measure.pk]
    assert trail_reports(client_as("member"), world.programme, measure) == ["Bericht"]


def test_the_data_migration_links_reports_built_before_from_their_figures(world, measure):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("transformation.migrations.0005_report_measures_covered")
    kpi = KPIFactory(programme=world.programme, code="PARK", name_de="Freie Plätze online")
    other = concept_services.measure_create(programme=world.programme, title="Schaufenster")
    kpi.measures.add(other)
    foreign = concept_services.measure_create(programme=world.other_programme, title="Fremd")
    old = Report.objects.create(
        programme=world.programme,
        title="Alter Bericht",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        status=Report.Status.SENT,
        data={
            "kpis": {"rows": [{"code": "PARK"}]},
            "milestones": {"overdue": [{"measure": "Parkleitsystem"}], "quick_wins": "kaputt"},
            "risks": [{"subject": f"measure:{foreign.pk}"}, {"subject": "kpi:1"}],
        },
    )
    untouched = Report.objects.create(
        programme=world.programme,
        title="Ohne Zahlen",
        period_start=date(2026, 2, 1),
        period_end=date(2026, 2, 28),
        html="<p>Parkleitsystem</p>",
    )
    migration.link_existing_reports(apps, None)
    assert set(old.measures.all()) == {measure, other}
    assert not untouched.measures.exists()
