"""Background mail: the invitation e-mail goes through Celery.

The worker test starts a real Celery worker (in a thread of this process) against the Redis broker of
REDIS_URL; CI sets REDIS_URL, so it runs there. The retry tests run the same task inline (eager).
"""

import os
import threading
import uuid
from smtplib import SMTPServerDisconnected

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from programmes import services
from programmes.models import Invitation, Role
from tests.programmes.factories import MembershipFactory, ProgrammeFactory

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def real_worker_app():
    """A Celery app like config.celery_app, but with a real broker, not eager, and a queue of its own.

    A queue of its own keeps a developer's running worker (same Redis) from taking the test's task.
    """
    from config.celery_app import app as project_app

    app = Celery("stadtlotse-test-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=REDIS_URL,
        result_backend=None,
        task_always_eager=False,
        task_default_queue=f"stadtlotse-test-{uuid.uuid4().hex}",
        worker_hijack_root_logger=False,
    )
    import programmes.tasks  # noqa: F401  (registers the shared task)

    yield app
    project_app.set_current()
    project_app.set_default()


@pytest.mark.celery_worker
@pytest.mark.skipif(not REDIS_URL, reason="needs a Redis broker: set REDIS_URL (CI does)")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_email(real_worker_app):
    programme = ProgrammeFactory(title="Digitale Innenstadt")
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    done = threading.Event()
    states = []
    main_thread = threading.current_thread()

    def on_postrun(sender=None, state=None, **kwargs):
        if sender is not None and sender.name == "programmes.tasks.send_invitation_email":
            states.append((state, sender.request.is_eager, threading.current_thread() is main_thread))
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(real_worker_app, perform_ping_check=False, shutdown_timeout=30):
            invitation, token = services.invitation_create(
                programme=programme, email="neu@example.org", role=Role.MEMBER, invited_by=lead
            )
            assert done.wait(timeout=30), "the worker did not run the task within 30 s"
    finally:
        task_postrun.disconnect(on_postrun)

    assert states == [("SUCCESS", False, False)]  # run by the worker thread, not inline
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["neu@example.org"]
    assert f"/invitations/{token}/" in mail.outbox[0].body
    assert Invitation.objects.get(pk=invitation.pk).is_pending


class FlakyMailServer(EmailBackend):
    """The in-memory backend, but the first ``failures`` deliveries fail like a dropped SMTP connection."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyMailServer.attempts += 1
        if FlakyMailServer.failures:
            FlakyMailServer.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def flaky_mail_server(settings, monkeypatch):
    """A flaky mail server, and eager tasks that retry inline like a worker would (instead of raising Retry)."""
    from config.celery_app import app

    settings.EMAIL_BACKEND = f"{__name__}.FlakyMailServer"
    monkeypatch.setattr(app.conf, "task_eager_propagates", False)
    FlakyMailServer.attempts = 0
    yield FlakyMailServer
    FlakyMailServer.failures = 0


@pytest.mark.django_db
def test_invitation_email_is_retried_when_the_mail_server_hiccups(
    flaky_mail_server, django_capture_on_commit_callbacks
):
    flaky_mail_server.failures = 2
    programme = ProgrammeFactory()
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            programme=programme, email="a@example.org", role=Role.MEMBER, invited_by=lead
        )

    assert flaky_mail_server.attempts == 3
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


@pytest.mark.django_db
def test_invitation_email_gives_up_after_the_last_retry(
    flaky_mail_server, django_capture_on_commit_callbacks
):
    from programmes.tasks import send_invitation_email

    flaky_mail_server.failures = 1000
    programme = ProgrammeFactory()
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            programme=programme, email="b@example.org", role=Role.MEMBER, invited_by=lead
        )

    assert flaky_mail_server.attempts == send_invitation_email.max_retries + 1
    assert mail.outbox == []
    # The invitation itself stays; the lead can revoke it and invite again.
    assert Invitation.objects.get(email="b@example.org").is_pending


@pytest.mark.django_db
def test_the_task_does_not_mail_a_revoked_invitation():
    from programmes.tasks import send_invitation_email

    programme = ProgrammeFactory()
    lead = MembershipFactory(programme=programme, role=Role.LEAD).user
    invitation, _token = services.invitation_create(
        programme=programme, email="c@example.org", role=Role.MEMBER, invited_by=lead
    )
    services.invitation_revoke(invitation=invitation)

    result = send_invitation_email.delay(invitation.pk, "http://testserver/invitations/x/", "de")

    assert result.get() is False
    assert mail.outbox == []
