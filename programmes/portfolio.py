"""Portfolio columns: figures per programme that phase apps add to the organisation's portfolio.

A phase app registers a column in its ``AppConfig.ready()``::

    from programmes.portfolio import portfolio_registry
    portfolio_registry.register("transformation.overdue", _("Overdue milestones"), overdue_milestones)

A column's ``compute`` takes the list of programmes and returns ``{programme_id: value}`` with a fixed number
of queries however many programmes there are. Values are JSON-friendly (a number, a string or a dict of
numbers); ``display`` turns a value into the text shown on the portfolio page (default: ``str``). The hub
knows nothing of KPIs or milestones; it only asks the registered columns.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Compute = Callable[[list], dict[int, object]]


@dataclass(frozen=True)
class PortfolioColumn:
    key: str
    label: str
    compute: Compute
    display: Callable[[object], str] = str


@dataclass(frozen=True)
class PortfolioCell:
    column: PortfolioColumn
    value: object

    @property
    def text(self) -> str:
        return self.column.display(self.value)


@dataclass
class PortfolioRegistry:
    _columns: dict[str, PortfolioColumn] = field(default_factory=dict)

    def register(self, key: str, label, compute: Compute, *, display: Callable[[object], str] = str) -> None:
        self._columns[key] = PortfolioColumn(key=key, label=label, compute=compute, display=display)

    def unregister(self, key: str) -> None:
        self._columns.pop(key, None)

    def columns(self) -> list[PortfolioColumn]:
        return list(self._columns.values())

    def evaluate(self, programmes: Iterable) -> dict[int, list[PortfolioCell]]:
        """programme id → one cell per registered column, in the order of registration."""
        programmes = list(programmes)
        cells: dict[int, list[PortfolioCell]] = {programme.pk: [] for programme in programmes}
        if not programmes:
            return cells
        for column in self._columns.values():
            values = column.compute(programmes)
            for programme in programmes:
                cells[programme.pk].append(PortfolioCell(column=column, value=values.get(programme.pk)))
        return cells


portfolio_registry = PortfolioRegistry()
