"""The gate registry: phase apps contribute the criteria a programme must meet before it leaves a phase.

A phase app registers in its ``AppConfig.ready()``::

    from programmes.gates import gate_registry
    gate_registry.register("evaluation", "evaluation.closed_wave", closed_wave_criterion)

A criterion is a callable ``(programme) -> CriterionResult``. The hub knows nothing of surveys or measures;
it only asks the registered callables.

A criterion may also declare named thresholds with defaults (``thresholds=[Threshold(...)]``); a lead can
change them per programme (``Programme.gate_settings``), and the criterion reads the value in force with
``gate_registry.threshold(programme, key, name)``. Criteria registered without thresholds work as before.
"""

from collections.abc import Callable, Iterable
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


def threshold_in_force(programme, key: str, declared: "Threshold") -> int:
    """The programme's stored value of a threshold (``Programme.gate_settings[key][name]``) if it is a whole
    number within range, otherwise the declared default. Gate criteria and risk rules share this store."""
    value = ((getattr(programme, "gate_settings", None) or {}).get(key) or {}).get(declared.name)
    valid = isinstance(value, int) and not isinstance(value, bool)
    if valid and declared.min_value <= value <= declared.max_value:
        return value
    return declared.default


@dataclass(frozen=True)
class Threshold:
    """A whole-number setting of a criterion (e.g. the minimum number of findings), editable per programme."""

    name: str
    label: str
    default: int
    min_value: int = 0
    max_value: int = 1_000_000


@dataclass
class ThresholdsMixin:
    """The thresholds each registered key (a gate criterion, a risk rule) declares, and their values in force."""

    _thresholds: dict[str, tuple[Threshold, ...]] = field(default_factory=dict)

    def find_threshold(self, key: str, name: str) -> Threshold | None:
        return next((t for t in self._thresholds.get(key, ()) if t.name == name), None)

    def threshold(self, programme, key: str, name: str) -> int:
        """The value in force for the programme: its own setting if valid, otherwise the declared default."""
        declared = self.find_threshold(key, name)
        if declared is None:
            raise KeyError(f"{key} declares no threshold {name!r}")
        return threshold_in_force(programme, key, declared)


@dataclass
class GateRegistry(ThresholdsMixin):
    _criteria: dict[str, dict[str, Criterion]] = field(default_factory=dict)

    def register(
        self, phase: str, key: str, criterion: Criterion, *, thresholds: Iterable[Threshold] = ()
    ) -> None:
        self._criteria.setdefault(phase, {})[key] = criterion
        self._thresholds[key] = tuple(thresholds)

    def unregister(self, phase: str, key: str) -> None:
        self._criteria.get(phase, {}).pop(key, None)
        self._thresholds.pop(key, None)

    def thresholds_for(self, phase: str) -> list[tuple[str, Threshold]]:
        """(criterion key, threshold) of every criterion of the phase that declares thresholds."""
        return [
            (key, threshold)
            for key, _criterion in self.criteria_for(phase)
            for threshold in self._thresholds.get(key, ())
        ]

    def criteria_for(self, phase: str) -> list[tuple[str, Criterion]]:
        return list(self._criteria.get(phase, {}).items())

    def evaluate(self, programme) -> list[CriterionResult]:
        """Every registered criterion for leaving the programme's current phase, evaluated now."""
        return [criterion(programme) for _key, criterion in self.criteria_for(programme.phase)]


gate_registry = GateRegistry()
