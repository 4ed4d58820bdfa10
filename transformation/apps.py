from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransformationConfig(AppConfig):
    name = "transformation"
    verbose_name = _("Transformation")

    def ready(self) -> None:
        from programmes.navigation import NavEntry, programme_pages

        programme_pages.register_urls("transformation/", "transformation.urls")
        # The dashboard comes first, right after the programme itself; it is current only on its own page.
        programme_pages.register_nav(
            NavEntry(
                key="dashboard",
                label=_("Dashboard"),
                url_name="programmes:transformation:dashboard",
                order=10,
                exact=True,
            )
        )
        programme_pages.register_nav(
            NavEntry(
                key="transformation",
                label=_("Transformation"),
                url_name="programmes:transformation",
                order=40,
                abbr="T",
            )
        )

        from programmes.demo import register_demo_step

        from .dashboards import register_portfolio_columns
        from .demo import seed_transformation

        register_demo_step(seed_transformation)

        from . import receivers_kpis
        from .demo_kpis import seed_kpis

        register_demo_step(seed_kpis)  # KPIs right after the business cases; imports fill FOOTFALL later

        from .demo_imports import seed_imports

        register_demo_step(seed_imports)  # after the KPIs: fills FOOTFALL from a synthetic counter export
        receivers_kpis.connect()

        from programmes.gates import gate_registry
        from programmes.risks import risk_registry

        from . import gates, risks

        for key, criterion in gates.CRITERIA:
            gate_registry.register("transformation", key, criterion, thresholds=gates.THRESHOLDS.get(key, ()))
        for key, rule in risks.RULES:
            risk_registry.register(key, rule)
        register_portfolio_columns()

        # Workshops last: the demo workshop turns an idea into a measure of Konzeption.
        from programmes.demo_workshops import seed_workshops

        from .workshop_conversions import register as register_workshop_conversions

        register_workshop_conversions()
        register_demo_step(seed_workshops)

        # Gates and risks after every data step (the override lies in the past), before the reports freeze it.
        from .demo_gates import seed_gates

        register_demo_step(seed_gates)

        # Reports last of all: the archived demo reports freeze the figures of every step before.
        from .demo_reports import seed_reports

        register_demo_step(seed_reports)
