from decimal import Decimal

import pytest

from concept import services as concept_services
from evaluation import services as evaluation_services
from transformation import services


@pytest.fixture
def measure(world):
    finding = evaluation_services.finding_create(
        programme=world.programme, statement="Besucher finden keine Parkplätze.", priority="high"
    )
    measure = concept_services.measure_create(
        programme=world.programme, title="Parkleitsystem", findings=[finding], one_off_costs=Decimal("100000")
    )
    return concept_services.measure_select(measure=measure)


def add_worked_example(case):
    services.line_add(
        case=case,
        side="cost",
        kind="investment",
        category="hardware",
        year=0,
        amount=Decimal("100000"),
        label="Sensoren",
    )
    for year in range(1, 6):
        services.line_add(
            case=case, side="benefit", kind="savings", year=year, amount=Decimal("30000"), label="Einsparung"
        )


@pytest.fixture
def case(world, measure):
    case = services.business_case_create(
        programme=world.programme,
        measure=measure,
        horizon_years=5,
        discount_rate=Decimal("0.02"),
        price_basis_year=2026,
    )
    add_worked_example(case)
    return case


@pytest.fixture
def other_case(world):
    return services.business_case_create(
        programme=world.other_programme, title="Fremd", price_basis_year=2026
    )
