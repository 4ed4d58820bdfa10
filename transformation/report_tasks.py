"""Celery tasks of recurring reports: beat's periodic dispatch, and one build-and-send task per report.

Both are idempotent: the dispatch creates each (schedule, period) report once (database constraint), and a
second run of ``build_and_send_report`` finds the snapshot built and every delivered address marked sent.
``acks_late`` gives a report whose worker died to the next worker; mail errors retry with growing pauses.
"""

from smtplib import SMTPException

from celery import shared_task

__all__ = ["build_and_send_report", "dispatch_due_reports"]


@shared_task
def dispatch_due_reports(today: str | None = None) -> int:
    """Create the due reports of every active schedule and enqueue their builds (beat, hourly).

    ``today`` (ISO date) is for tests and catching up by hand; beat passes nothing (the local date).
    """
    from datetime import date

    from .reports import report_dispatch_due

    return len(report_dispatch_due(date.fromisoformat(today) if today else None))


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=5,
)
def build_and_send_report(self, report_id: int) -> str | None:
    """Build the report's frozen snapshot once and e-mail it to every recipient not yet reached."""
    from .reports import report_build_and_send, report_mark_failed

    try:
        report = report_build_and_send(report_id=report_id)
    except (SMTPException, ConnectionError, OSError) as error:
        if self.request.retries >= self.max_retries:
            report_mark_failed(report_id=report_id, error=str(error))
        raise
    except Exception as error:
        report_mark_failed(report_id=report_id, error=repr(error))
        raise
    return None if report is None else report.status
