from decimal import Decimal

import pytest

from concept import gates, services
from evaluation import services as evaluation_services
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


# --- Thresholds of the K → T criteria, set per programme ----------------------------------------------------


def set_thresholds(programme, values):
    from programmes import services as programme_services

    programme_services.programme_gate_settings_update(programme=programme, values=values)
    programme.refresh_from_db()


def green_measure(programme, measure, **feasibility):
    services.measure_select(measure=measure)
    services.measure_update(measure=measure, one_off_costs=Decimal("1000"))
    services.feasibility_update(
        measure=measure,
        organisation_verdict="feasible",
        provider_verdict="feasible",
        operating_verdict="feasible",
        financing_verdict="feasible",
        **{"staff_hours_per_month": Decimal("10"), **feasibility},
    )


def test_konzeption_declares_thresholds_with_defaults_that_keep_the_rules():
    declared = {(key, t.name): t.default for key, t in gate_registry.thresholds_for("konzeption")}
    assert declared == {
        ("konzeption.selected_measure", "min"): 1,
        ("konzeption.evidence", "min_findings"): 1,
        ("konzeption.operating", "min_staff_hours"): 0,
        ("konzeption.financing", "max_gap"): 0,
    }


def test_more_selected_measures_can_be_required(world, measure):
    services.measure_select(measure=measure)
    assert _results(world.programme)["konzeption.selected_measure"].met
    set_thresholds(world.programme, {"konzeption.selected_measure": {"min": 2}})
    result = _results(world.programme)["konzeption.selected_measure"]
    assert not result.met and "2" in result.label


def test_more_findings_with_evidence_per_measure_can_be_required(world, measure, finding):
    services.measure_select(measure=measure)
    set_thresholds(world.programme, {"konzeption.evidence": {"min_findings": 2}})
    assert not _results(world.programme)["konzeption.evidence"].met
    second = evaluation_services.finding_create(programme=world.programme, statement="Zu wenig Schatten")
    measure.findings.add(second)
    assert not _results(world.programme)["konzeption.evidence"].met  # a finding without evidence counts not
    evaluation_services.evidence_add(finding=second, kind="workshop", label="Begehung")
    assert _results(world.programme)["konzeption.evidence"].met


def test_a_minimum_of_staff_hours_can_be_required(world, measure):
    green_measure(world.programme, measure, staff_hours_per_month=Decimal("10"))
    assert _results(world.programme)["konzeption.operating"].met
    set_thresholds(world.programme, {"konzeption.operating": {"min_staff_hours": 20}})
    result = _results(world.programme)["konzeption.operating"]
    assert not result.met and "Parkleitsystem" in result.detail and "20" in result.label


def test_a_small_financing_gap_can_be_tolerated(world, measure):
    green_measure(world.programme, measure)
    services.funding_source_add(
        measure=measure, kind="grant", name="Städtebauförderung", year=2026, amount=Decimal("600")
    )
    assert not _results(world.programme)["konzeption.financing"].met  # 400 € open, not accepted
    set_thresholds(world.programme, {"konzeption.financing": {"max_gap": 500}})
    assert _results(world.programme)["konzeption.financing"].met
    set_thresholds(world.programme, {"konzeption.financing": {"max_gap": 399}})
    assert not _results(world.programme)["konzeption.financing"].met


def test_konzeption_thresholds_are_validated(world):
    from django.core.exceptions import ValidationError

    from programmes import services as programme_services

    with pytest.raises(ValidationError) as error:
        programme_services.programme_gate_settings_update(
            programme=world.programme,
            values={
                "konzeption.selected_measure": {"min": 0},
                "konzeption.evidence": {"min_findings": 51},
                "konzeption.financing": {"max_gap": -1},
                "konzeption.operating": {"min_staff_hours": 1.5},
            },
        )
    assert set(error.value.message_dict) == {
        "konzeption.selected_measure__min",
        "konzeption.evidence__min_findings",
        "konzeption.financing__max_gap",
        "konzeption.operating__min_staff_hours",
    }
    world.programme.refresh_from_db()
    assert world.programme.gate_settings == {}


def test_an_unmet_criterion_names_how_many_measures_fail_in_both_languages(world, measure):
    from django.utils.translation import override

    services.measure_select(measure=measure)
    with override("en"):
        detail = _results(world.programme)["konzeption.feasibility"].detail
    assert detail.startswith("not met by 1 of 1 selected measure: ") and "Parkleitsystem" in detail
    with override("de"):
        detail = _results(world.programme)["konzeption.feasibility"].detail
    assert detail.startswith("nicht erfüllt bei 1 von 1 ausgewählten Maßnahme: ")
