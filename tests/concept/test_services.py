from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from concept import selectors, services
from concept.models import DEFAULT_STAGES, Feasibility, JourneyStage, Measure, MeasureTemplate, Verdict
from evaluation import services as evaluation_services

pytestmark = pytest.mark.django_db


def test_journey_defaults_created_once(world):
    first = services.journey_ensure_defaults(programme=world.programme)
    second = services.journey_ensure_defaults(programme=world.programme)
    assert [s.key for s in first] == [key for key, _name in DEFAULT_STAGES]
    assert len(second) == len(DEFAULT_STAGES)
    assert JourneyStage.objects.filter(programme=world.programme).count() == len(DEFAULT_STAGES)


def test_stage_move_and_create(world, stages):
    anreise = next(s for s in stages if s.key == "anreise")
    services.stage_move(stage=anreise, direction="up")
    keys = list(selectors.programme_stages(world.programme).values_list("key", flat=True))
    assert keys[1:3] == ["anreise", "information-planung"]
    first = selectors.programme_stages(world.programme).first()
    services.stage_move(stage=first, direction="up")  # at the top: stays
    assert selectors.programme_stages(world.programme).first() == first
    new = services.stage_create(programme=world.programme, name="Anreise")
    assert new.key == "anreise-2" and new.position == len(DEFAULT_STAGES) + 1
    with pytest.raises(ValidationError):
        services.stage_move(stage=new, direction="sideways")


def test_touchpoint_quality_range(stages):
    with pytest.raises(ValidationError) as exc:
        services.touchpoint_create(stage=stages[0], name="Website", channel="online", quality=6)
    assert "quality" in exc.value.message_dict
    touchpoint = services.touchpoint_create(stage=stages[0], name="Website", channel="online", quality=2)
    assert touchpoint.pk


def test_select_refuses_without_finding(bare_measure):
    with pytest.raises(ValidationError) as exc:
        services.measure_select(measure=bare_measure)
    assert exc.value.message_dict["findings"]
    bare_measure.refresh_from_db()
    assert bare_measure.status == Measure.Status.IDEA


def test_status_flow(measure):
    services.measure_shortlist(measure=measure)
    services.measure_select(measure=measure)
    assert measure.status == Measure.Status.SELECTED
    services.measure_start_implementation(measure=measure)
    with pytest.raises(ValidationError):
        services.measure_reject(measure=measure, reason="zu teuer")


def test_reject_needs_reason(measure):
    with pytest.raises(ValidationError) as exc:
        services.measure_reject(measure=measure, reason="  ")
    assert "rejection_reason" in exc.value.message_dict
    services.measure_reject(measure=measure, reason="Zu teuer im Betrieb")
    assert measure.status == Measure.Status.REJECTED


def test_rejection_reason_constraint_in_database(measure):
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(status="rejected", rejection_reason="")


def test_selected_measure_keeps_evidence(measure):
    services.measure_select(measure=measure)
    with pytest.raises(ValidationError):
        services.measure_update(measure=measure, findings=[])


def test_relations_must_belong_to_programme(world, stages):
    other_finding = evaluation_services.finding_create(programme=world.other_programme, statement="fremd")
    with pytest.raises(ValidationError) as exc:
        services.measure_create(programme=world.programme, title="X", findings=[other_finding])
    assert "findings" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.measure_create(programme=world.programme, title="X", owner=world.user("other_lead"))
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.measure_create(programme=world.programme, title="X", target_groups=["aliens"])
    assert "target_groups" in exc.value.message_dict


def test_negative_amounts_refused(measure):
    with pytest.raises(ValidationError) as exc:
        services.measure_update(measure=measure, one_off_costs=Decimal("-1"))
    assert "one_off_costs" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.feasibility_update(measure=measure, running_costs_per_year=Decimal("-5"))
    assert "running_costs_per_year" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.funding_source_add(
            measure=measure, kind="grant", name="Land", year=2026, amount=Decimal("-10")
        )
    assert "amount" in exc.value.message_dict


def test_operating_not_feasible_without_staff_hours(measure):
    with pytest.raises(ValidationError) as exc:
        services.feasibility_update(measure=measure, operating_verdict=Verdict.FEASIBLE)
    assert "operating_verdict" in exc.value.message_dict
    feasibility = services.feasibility_update(
        measure=measure, operating_verdict=Verdict.FEASIBLE, staff_hours_per_month=Decimal("20")
    )
    assert feasibility.pk


def test_operating_constraint_in_database(measure):
    services.feasibility_update(measure=measure, operator="Stadtmarketing")
    with pytest.raises(IntegrityError), transaction.atomic():
        Feasibility.objects.filter(measure=measure).update(
            operating_verdict="feasible", staff_hours_per_month=None
        )


def test_accepted_gap_needs_reason(measure):
    with pytest.raises(ValidationError) as exc:
        services.feasibility_update(measure=measure, gap_accepted=True)
    assert "gap_reason" in exc.value.message_dict


def test_criteria_weights_must_sum_to_100(world):
    with pytest.raises(ValidationError) as exc:
        services.criteria_set_create(
            organisation=world.organisation,
            name="IT",
            criteria=[{"name": "Preis", "weight": 50}, {"name": "Qualität", "weight": 40}],
        )
    assert "100" in " ".join(exc.value.message_dict["criteria"])
    with pytest.raises(ValidationError):
        services.criteria_set_create(organisation=world.organisation, name="IT", criteria=[])


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("stakeholder", False), ("member", True), ("lead", True), ("org_admin", True), ("other_lead", False)],
)
def test_only_who_edits_a_programme_of_the_organisation_adds_criteria_sets_to_it(world, role, allowed):
    def add():
        return services.criteria_set_create(
            organisation=world.organisation,
            name="IT",
            criteria=[{"name": "Preis", "weight": 100}],
            user=world.user(role),
        )

    if allowed:
        assert add().organisation == world.organisation
    else:
        with pytest.raises(ValidationError) as exc:
            add()
        assert set(exc.value.message_dict) == {"organisation"}
        assert not world.organisation.criteria_sets.exists()


@pytest.fixture
def comparison(world, measure):
    criteria_set = services.criteria_set_create(
        organisation=world.organisation,
        name="Dienstleister",
        criteria=[
            {"name": "Preis", "weight": 40},
            {"name": "Betrieb", "weight": 35},
            {"name": "Referenzen", "weight": 25},
        ],
    )
    services.feasibility_update(measure=measure, criteria_set=criteria_set)
    price, ops, refs = criteria_set.criteria.all()
    providers = {}
    for name, scores in {"A": (8, 6, 5), "B": (5, 9, 9), "C": (10, 2, 3)}.items():
        provider = services.provider_create(measure=measure, name=name)
        services.provider_scores_set(
            provider=provider, scores=dict(zip([price.pk, ops.pk, refs.pk], scores, strict=True))
        )
        providers[name] = provider
    return criteria_set, providers


def test_utility_ranking(measure, comparison):
    criteria_set, _providers = comparison
    ranking = selectors.provider_ranking(measure, criteria_set)
    # A: .4*8+.35*6+.25*5 = 6.55; B: 2+3.15+2.25 = 7.40; C: 4+.7+.75 = 5.45
    assert [(p.name, p.utility, p.rank) for p in ranking] == [
        ("B", Decimal("7.40"), 1),
        ("A", Decimal("6.55"), 2),
        ("C", Decimal("5.45"), 3),
    ]


def test_scores_out_of_range_and_foreign_criteria(world, measure, comparison):
    criteria_set, providers = comparison
    criterion = criteria_set.criteria.first()
    with pytest.raises(ValidationError):
        services.provider_scores_set(provider=providers["A"], scores={criterion.pk: 11})
    with pytest.raises(ValidationError):
        services.provider_scores_set(provider=providers["A"], scores={999999: 3})


def test_financing_summary(measure):
    services.measure_update(measure=measure, one_off_costs=Decimal("10000"))
    feasibility = services.feasibility_update(
        measure=measure, running_costs_per_year=Decimal("5000"), years=3
    )
    services.funding_source_add(
        measure=measure, kind="grant", name="Förderung", year=2026, amount=Decimal("20000")
    )
    summary = selectors.financing_summary(measure, feasibility)
    assert summary["expected"] == Decimal("25000.00")
    assert summary["gap"] == Decimal("5000.00")
    assert summary["covered"] is False


def test_templates_shipped_and_roundtrip(world, measure):
    shipped = MeasureTemplate.objects.filter(organisation__isnull=True)
    assert shipped.count() >= 10
    app = shipped.get(key="parkleitsystem")
    created = services.measure_create_from_template(programme=world.programme, template=app)
    assert set(created.stages.values_list("key", flat=True)) == {"information-planung", "anreise"}
    assert created.feasibility.running_costs_per_year == app.typical_running_costs
    template = services.measure_save_as_template(measure=measure, shared_with_network=True)
    assert template.organisation == world.organisation and template.typical_stages == ["anreise"]
    assert template in selectors.templates_for(world.other_programme.organisation)


def test_journey_map_matches_findings_by_name_or_key(world, stages, finding, bare_measure):
    evaluation_services.finding_create(
        programme=world.programme, statement="Info fehlt", journey_stage="service"
    )
    evaluation_services.finding_create(programme=world.programme, statement="Ohne Stufe")
    data = selectors.journey_map(world.programme)
    by_key = {c.stage.key: c for c in data["columns"]}
    assert [f.statement for f in by_key["anreise"].findings] == [finding.statement]
    assert by_key["service"].is_gap and by_key["anreise"].is_gap
    assert [f.statement for f in data["unassigned_findings"]] == ["Ohne Stufe"]
    services.measure_update(measure=bare_measure, stages=[by_key["anreise"].stage])
    data = selectors.journey_map(world.programme)
    assert {c.stage.key for c in data["gaps"]} == {"service"}


def test_the_migration_gives_the_default_journey_to_programmes_without_stages(world):
    """Programmes created before the stages came with the programme get them once; others keep theirs."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("concept.migrations.0004_default_journey_stages_for_existing_programmes")
    services.stage_create(programme=world.other_programme, name="Eigene Etappe")

    migration.add_default_stages(apps, None)
    migration.add_default_stages(apps, None)

    assert list(JourneyStage.objects.filter(programme=world.programme).values_list("key", flat=True)) == [
        key for key, _name in DEFAULT_STAGES
    ]
    assert list(
        JourneyStage.objects.filter(programme=world.other_programme).values_list("name", flat=True)
    ) == ["Eigene Etappe"]
