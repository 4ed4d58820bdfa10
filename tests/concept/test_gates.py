from decimal import Decimal

import pytest

from concept import gates, services
from programmes.gates import gate_registry

pytestmark = pytest.mark.django_db


def _results(programme):
    return {key: criterion(programme) for key, criterion in gates.CRITERIA}


def test_registered_for_konzeption():
    keys = [key for key, _c in gate_registry.criteria_for("konzeption")]
    assert keys == [key for key, _c in gates.CRITERIA]


def test_nothing_selected(world):
    results = _results(world.programme)
    assert not any(r.met for r in results.values())
    assert results["konzeption.selected_measure"].detail
    assert all(r.url for r in results.values())


def test_criteria_walk_to_green(world, measure):
    services.measure_select(measure=measure)
    results = _results(world.programme)
    assert results["konzeption.selected_measure"].met
    assert results["konzeption.evidence"].met
    assert not results["konzeption.feasibility"].met
    assert "Parkleitsystem" in results["konzeption.feasibility"].detail
    assert f"/measures/{measure.pk}/feasibility/" in results["konzeption.feasibility"].url
    assert not results["konzeption.operating"].met
    services.measure_update(measure=measure, one_off_costs=Decimal("1000"))
    services.feasibility_update(
        measure=measure,
        organisation_verdict="feasible",
        provider_verdict="feasible",
        operating_verdict="conditional",
        financing_verdict="not_feasible",
        staff_hours_per_month=Decimal("10"),
    )
    results = _results(world.programme)
    assert results["konzeption.operating"].met
    assert not results["konzeption.feasibility"].met  # "not feasible" blocks
    assert not results["konzeption.financing"].met
    services.feasibility_update(
        measure=measure, financing_verdict="feasible", gap_accepted=True, gap_reason="Haushalt 2027"
    )
    results = _results(world.programme)
    assert all(r.met for r in results.values()), {k: r.detail for k, r in results.items()}


def test_evidence_criterion_fails_for_finding_without_evidence(world, stages):
    from evaluation import services as evaluation_services

    finding = evaluation_services.finding_create(programme=world.programme, statement="ohne Beleg")
    measure = services.measure_create(programme=world.programme, title="M", findings=[finding])
    services.measure_select(measure=measure)
    assert not _results(world.programme)["konzeption.evidence"].met
