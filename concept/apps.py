from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConceptConfig(AppConfig):
    name = "concept"
    verbose_name = _("Konzeption")

    def ready(self) -> None:
        from programmes.gates import gate_registry

        from . import gates

        for key, criterion in gates.CRITERIA:
            gate_registry.register("konzeption", key, criterion, thresholds=gates.THRESHOLDS.get(key, ()))

        from programmes.risks import risk_registry

        from . import risks

        for key, rule in risks.RULES:
            risk_registry.register(key, rule, thresholds=risks.THRESHOLDS.get(key, ()))

        from programmes.demo import register_demo_step

        from .demo import seed_concept

        register_demo_step(seed_concept)

        from .workshop_conversions import register as register_workshop_conversions

        register_workshop_conversions()
