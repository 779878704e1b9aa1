"""The jobs this project ships. Enqueue with `task.enqueue(**kwargs)`; `manage.py worker` runs them.

A job may run more than once (a worker killed after the work but before recording it), so each
one is written to be safe to repeat.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from apps.users import services


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html_body: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one message; an SMTP error fails the attempt, and the worker retries it with backoff."""
    message = EmailMultiAlternatives(subject, body, from_email, to, reply_to=reply_to)
    if html_body is not None:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@task()
def flush_expired_tokens() -> None:
    """Sessions past their refresh token's `exp`, and ended throttle windows, are dead weight."""
    services.sessions_expired_delete()


@task()
def prune_finished_jobs() -> int:
    """Finished jobs are kept JOBS_KEEP_FINISHED_DAYS for inspection, then deleted."""
    cutoff = timezone.now() - timedelta(days=settings.JOBS_KEEP_FINISHED_DAYS)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
