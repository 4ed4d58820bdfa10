from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from . import risk_rules
        from .risks import risk_registry

        for key, rule in risk_rules.RULES:
            risk_registry.register(key, rule)

        from .navigation import NavEntry, programme_pages

        # The hub's own pages follow the phases' (which register orders below 100).
        for order, key, label, url_name in [
            (100, "members", _("Members"), "programmes:members"),
            (110, "stakeholders", _("Stakeholders"), "programmes:stakeholders"),
            (120, "workshops", _("Workshops"), "programmes:workshop_list"),
        ]:
            programme_pages.register_nav(NavEntry(key=key, label=label, url_name=url_name, order=order))
