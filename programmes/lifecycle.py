"""What the phase apps do when the hub creates a programme (e.g. Konzeption lays out the default journey).

A phase app registers in its ``AppConfig.ready()``::

    from programmes.lifecycle import register_on_programme_created

    from .services import journey_ensure_defaults

    register_on_programme_created(journey_ensure_defaults)

``services.programme_create`` calls every hook with ``programme=`` inside its transaction, in the order of
registration (which follows ``INSTALLED_APPS``): a hook that fails leaves no programme behind. Pages then only
read what the hooks created, so a GET writes nothing.
"""

from collections.abc import Callable

ProgrammeHook = Callable[..., object]

_on_created: list[ProgrammeHook] = []


def register_on_programme_created(hook: ProgrammeHook) -> ProgrammeHook:
    """Call ``hook(programme=...)`` for every new programme; registering a hook twice keeps one."""
    if hook not in _on_created:
        _on_created.append(hook)
    return hook


def unregister_on_programme_created(hook: ProgrammeHook) -> None:
    if hook in _on_created:
        _on_created.remove(hook)


def programme_created(programme) -> None:
    """Run the registered hooks for a programme just created."""
    for hook in list(_on_created):
        hook(programme=programme)
