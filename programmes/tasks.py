"""Background jobs of the hub. A task takes ids, loads the rows and calls a service; retries cover transient errors."""

from smtplib import SMTPException

from celery import shared_task


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_invitation_email(invitation_id: int, url: str, language: str) -> bool:
    """E-mail an invitation link; while the mail server is unreachable, retry with growing pauses.

    The raw token exists only in ``url`` (the database holds its hash), so the link travels with the task.
    """
    from .services import invitation_email_send

    return invitation_email_send(invitation_id=invitation_id, url=url, language=language)


@shared_task
def sweep_risk_acknowledgements() -> int:
    """Nightly: lapse acknowledgements whose warnings cleared or changed (docs/gates-and-risks.md)."""
    from .risks import risk_acknowledgements_sweep

    return risk_acknowledgements_sweep()
