from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self) -> None:
        from programmes.navigation import NavEntry, programme_pages

        programme_pages.register_urls("evaluation/", "evaluation.urls")
        # a new cycle starts with repeating the surveys: say so on the programme page
        programme_pages.register_panel(
            "evaluation.next_cycle", "evaluation/_programme_next_cycle.html", order=10
        )
        programme_pages.register_nav(
            NavEntry(
                key="evaluation", label=_("Evaluation"), url_name="programmes:evaluation", order=20, abbr="E"
            )
        )

        from programmes.gates import gate_registry

        from . import gates

        for key, criterion in gates.CRITERIA:
            gate_registry.register("evaluation", key, criterion, thresholds=gates.THRESHOLDS.get(key, ()))

        from programmes.risks import risk_registry

        from . import risks

        for key, rule in risks.RULES:
            risk_registry.register(key, rule)

        from programmes.demo import register_demo_step

        from .demo import seed_evaluation

        register_demo_step(seed_evaluation)

        from .workshop_conversions import register as register_workshop_conversions

        register_workshop_conversions()
