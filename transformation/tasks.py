"""Celery tasks of Transformation. Celery's autodiscovery imports this module; the tasks live beside their code."""

from .import_tasks import *  # noqa: F403
from .report_tasks import *  # noqa: F403
