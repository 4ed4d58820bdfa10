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
