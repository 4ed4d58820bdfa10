"""The gate registry: phase apps contribute the criteria a programme must meet before it leaves a phase.

A phase app registers in its ``AppConfig.ready()``::

    from programmes.gates import gate_registry
    gate_registry.register("evaluation", "evaluation.closed_wave", closed_wave_criterion)

A criterion is a callable ``(programme) -> CriterionResult``. The hub knows nothing of surveys or measures;
it only asks the registered callables.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    met: bool
    detail: str = ""
    url: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


Criterion = Callable[["object"], CriterionResult]


@dataclass
class GateRegistry:
    _criteria: dict[str, dict[str, Criterion]] = field(default_factory=dict)

    def register(self, phase: str, key: str, criterion: Criterion) -> None:
        self._criteria.setdefault(phase, {})[key] = criterion

    def unregister(self, phase: str, key: str) -> None:
        self._criteria.get(phase, {}).pop(key, None)

    def criteria_for(self, phase: str) -> list[tuple[str, Criterion]]:
        return list(self._criteria.get(phase, {}).items())

    def evaluate(self, programme) -> list[CriterionResult]:
        """Every registered criterion for leaving the programme's current phase, evaluated now."""
        return [criterion(programme) for _key, criterion in self.criteria_for(programme.phase)]


gate_registry = GateRegistry()
