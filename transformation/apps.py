from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransformationConfig(AppConfig):
    name = "transformation"
    verbose_name = _("Transformation")

    def ready(self) -> None:
        from programmes.demo import register_demo_step

        from .demo import seed_transformation

        register_demo_step(seed_transformation)
