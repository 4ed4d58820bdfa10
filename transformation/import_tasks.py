"""Celery tasks of data imports: take an id, load the import, call the service.

A task that breaks marks its import failed with a readable message instead of leaving it "being checked"
forever; the page then shows the message (and the log keeps the traceback).
"""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

__all__ = ["apply_import", "check_import"]


def _run(import_id: int, service_name: str) -> str | None:
    from . import import_services
    from .models import DataImport
    from .services import ConflictError

    data_import = DataImport.objects.filter(pk=import_id).first()
    if data_import is None:
        return None
    try:
        data_import = getattr(import_services, service_name)(data_import=data_import)
    except ConflictError as error:  # already handled by another run: nothing to do
        logger.info("data import %s: %s", import_id, error.message)
        return data_import.status
    except Exception:
        logger.exception("data import %s failed in %s", import_id, service_name)
        data_import.refresh_from_db()
        import_services.data_import_fail(
            data_import=data_import,
            message=_("The file could not be processed because of an internal error; nothing was imported."),
        )
        return data_import.status
    return data_import.status


@shared_task(acks_late=True)
def check_import(import_id: int) -> str | None:
    """Parse an uploaded file and prepare its preview (or its list of errors)."""
    return _run(import_id, "data_import_check")


@shared_task(acks_late=True)
def apply_import(import_id: int) -> str | None:
    """Write a checked import in one transaction."""
    return _run(import_id, "data_import_apply")
