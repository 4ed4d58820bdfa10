import pytest

from concept import services
from evaluation import services as evaluation_services


@pytest.fixture
def stages(world):
    return services.journey_ensure_defaults(programme=world.programme)


@pytest.fixture
def finding(world):
    finding = evaluation_services.finding_create(
        programme=world.programme,
        statement="Autofahrende finden schwer einen Parkplatz.",
        journey_stage="Anreise",
        priority="high",
    )
    evaluation_services.evidence_add(finding=finding, kind="workshop", label="Workshop März")
    return finding


@pytest.fixture
def measure(world, stages, finding):
    anreise = next(s for s in stages if s.key == "anreise")
    return services.measure_create(
        programme=world.programme,
        title="Parkleitsystem",
        stages=[anreise],
        findings=[finding],
        impact=4,
        effort=2,
    )


@pytest.fixture
def bare_measure(world, stages):
    return services.measure_create(programme=world.programme, title="Innenstadt-App")
