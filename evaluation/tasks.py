"""Celery tasks of Evaluation, run periodically by beat (config/settings/base.py, CELERY_BEAT_SCHEDULE).

Both are idempotent: a second run finds nothing left to do.
"""

from celery import shared_task

__all__ = ["close_ended_surveys", "purge_abandoned_imports"]


@shared_task
def close_ended_surveys() -> int:
    """Close the open surveys whose end date has passed, with their running waves."""
    from .services import surveys_close_ended

    return len(surveys_close_ended())


@shared_task
def purge_abandoned_imports() -> int:
    """Delete uploaded response files that were never imported (older than a day)."""
    from .services import import_uploads_purge

    return import_uploads_purge()
