from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConceptConfig(AppConfig):
    name = "concept"
    verbose_name = _("Konzeption")

    def ready(self) -> None:
        from programmes.navigation import NavEntry, programme_pages

        programme_pages.register_urls("konzeption/", "concept.urls")
        programme_pages.register_nav(
            NavEntry(
                key="konzeption", label=_("Konzeption"), url_name="programmes:konzeption", order=30, abbr="K"
            )
        )

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

        # A new programme starts with the default journey stages, so the journey pages only read.
        from programmes.lifecycle import register_on_programme_created

        from .services import journey_ensure_defaults

        register_on_programme_created(journey_ensure_defaults)
