"""The demo-data registry: phase apps add their part of the demo city to ``manage.py seed_demo``.

The hub's own steps (accounts, organisation, programmes, stakeholders) live in
``programmes/management/commands/seed_demo.py``. A phase app registers further steps in its
``AppConfig.ready()``, the same way it registers gate criteria::

    def ready(self):
        from programmes.demo import register_demo_step

        from .demo import seed_evaluation

        register_demo_step(seed_evaluation)

A step is a callable ``(demo: DemoContext) -> None``. It runs after every hub step, in registration order
(which follows ``INSTALLED_APPS``, so evaluation runs before concept and transformation). A step must be
idempotent: look its rows up first (``get_or_create`` or an ``exists()`` check) so that running the command
twice neither duplicates nor fails. ``seed_demo --reset`` deletes the demo programmes before the steps run,
and with them every row that hangs off them, even rows that PROTECT themselves (such as survey responses),
so a step needs no reset of its own as long as its data belongs to a demo programme.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What the steps share: the demo organisation, programmes by slug and users by key."""

    password: str
    organisation: Any = None
    programmes: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    created_users: list[Any] = field(default_factory=list)
    log: Callable[[str], None] = print


DemoStep = Callable[[DemoContext], None]

_steps: list[DemoStep] = []


def register_demo_step(step: DemoStep) -> DemoStep:
    """Add a step to ``seed_demo``; registering the same step twice keeps one. Usable as a decorator."""
    if step not in _steps:
        _steps.append(step)
    return step


def unregister_demo_step(step: DemoStep) -> None:
    if step in _steps:
        _steps.remove(step)


def registered_demo_steps() -> list[DemoStep]:
    return list(_steps)
