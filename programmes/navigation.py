"""Programme pages the phase apps contribute: their URL includes and their links in the main navigation.

A phase app registers in its ``AppConfig.ready()``, the same way it registers gate criteria::

    from programmes.navigation import NavEntry, programme_pages

    programme_pages.register_urls("evaluation/", "evaluation.urls")
    programme_pages.register_nav(
        NavEntry(key="evaluation", label=_("Evaluation"), url_name="programmes:evaluation", order=20, abbr="E")
    )

``register_urls`` mounts the app's URLconf under the programme's address (``p/<org>/<slug>/<prefix>``) inside
the ``programmes`` namespace, so a page keeps its reverse name (``programmes:evaluation:survey_detail``).
programmes/urls.py reads the registry when Django first loads the URLconf, which is after every ``ready()``.

A navigation entry links to a page that takes the programme's ``org`` and ``slug``; the main navigation shows
the entries in ``order`` (the hub's own pages use 100 and above), each only to the ``roles`` named
(``None``: every role of the programme). The hub knows nothing of surveys or measures; it renders what is
registered.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    url_name: str
    order: int = 50
    abbr: str = ""  # shown before the label, spelled out by the label (e.g. "E" for Evaluation)
    roles: frozenset[str] | None = None  # effective roles (see programmes.rules) that see the link; None: all
    exact: bool = False  # marked as the current page only on its own address, not on the pages below it

    def visible_to(self, role: str | None) -> bool:
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class NavLink:
    """A navigation entry resolved for one programme and request."""

    entry: NavEntry
    url: str
    current: bool

    @property
    def label(self) -> str:
        return self.entry.label

    @property
    def abbr(self) -> str:
        return self.entry.abbr


@dataclass
class ProgrammePages:
    _includes: dict[str, str] = field(default_factory=dict)
    _nav: dict[str, NavEntry] = field(default_factory=dict)
    _panels: dict[str, tuple[int, str]] = field(default_factory=dict)

    def register_urls(self, prefix: str, urlconf: str) -> None:
        """Mount ``urlconf`` (a dotted module path) under ``p/<org>/<slug>/<prefix>``."""
        if not prefix.endswith("/"):
            raise ValueError(f"URL prefix {prefix!r} must end with a slash")
        self._includes[prefix] = urlconf

    def unregister_urls(self, prefix: str) -> None:
        self._includes.pop(prefix, None)

    def includes(self) -> list[tuple[str, str]]:
        """(prefix, urlconf) in the order of registration."""
        return list(self._includes.items())

    def register_nav(self, entry: NavEntry) -> None:
        self._nav[entry.key] = entry

    def unregister_nav(self, key: str) -> None:
        self._nav.pop(key, None)

    def register_panel(self, key: str, template_name: str, order: int = 50) -> None:
        """A section a phase app adds to the programme page: a template that gets the page's context
        (``programme``, ``can_edit``, …) and renders nothing when it has nothing to say."""
        self._panels[key] = (order, template_name)

    def unregister_panel(self, key: str) -> None:
        self._panels.pop(key, None)

    def panels(self) -> list[str]:
        """The panel templates in their order (ties keep the order of registration)."""
        return [name for _order, name in sorted(self._panels.values(), key=lambda panel: panel[0])]

    def nav_entries(self, role: str | None = None) -> list[NavEntry]:
        """The entries the role sees, in their order (ties keep the order of registration)."""
        return self._nav_sorted(lambda entry: entry.visible_to(role))

    def _nav_sorted(self, keep) -> list[NavEntry]:
        return sorted((entry for entry in self._nav.values() if keep(entry)), key=lambda entry: entry.order)

    def nav_links(self, programme, *, user, path: str) -> list[NavLink]:
        """The entries the user's role sees, resolved for the programme; ``path`` (the request's) marks the
        current one. The role is looked up only if some entry is meant for some roles only."""
        from .rules import effective_role

        restricted = any(entry.roles is not None for entry in self._nav.values())
        role = effective_role(user, programme) if restricted else None
        links = []
        for entry in self._nav_sorted(lambda e: not restricted or e.visible_to(role)):
            url = reverse(entry.url_name, kwargs=programme.url_kwargs)
            current = path == url if entry.exact else path.startswith(url)
            links.append(NavLink(entry=entry, url=url, current=current))
        return links


programme_pages = ProgrammePages()
