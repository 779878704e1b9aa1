"""The worker runs queued jobs, retries failures with backoff and gives up after the last attempt."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.services import job_retry_or_fail
from apps.jobs.tasks import send_email
from tests.jobs.sample_tasks import always_fails

# The worker loop closes connections between jobs as a request would: real commits, not a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("worker", batch=True)


def job_of(result_id: str) -> DBTaskResult:  # type: ignore[type-arg]
    return DBTaskResult.objects.get(pk=result_id)


def test_worker_sends_a_queued_email() -> None:
    result = send_email.enqueue(subject="Hi", body="plain", html_body="<p>rich</p>", to=["a@example.com"])
    run_worker()
    assert job_of(result.id).status == TaskResultStatus.SUCCESSFUL
    (message,) = mail.outbox
    assert (message.subject, message.body, message.to) == ("Hi", "plain", ["a@example.com"])
    assert message.alternatives[0][0] == "<p>rich</p>"  # type: ignore[attr-defined]


def test_failed_job_is_queued_again_after_the_backoff(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_RETRY_BACKOFF_SECONDS = 30
    result = always_fails.enqueue()
    before = timezone.now()
    run_worker()
    job = job_of(result.id)
    assert job.status == TaskResultStatus.READY
    assert before + timedelta(seconds=30) <= job.run_after <= timezone.now() + timedelta(seconds=30)
    assert job.exception_class_path == "builtins.RuntimeError"  # the last error stays visible


def test_backoff_doubles_with_each_attempt(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_RETRY_BACKOFF_SECONDS = 10
    result = always_fails.enqueue()
    job = job_of(result.id)
    job.worker_ids = ["w1", "w2", "w3"]
    now = timezone.now()
    assert job_retry_or_fail(job=job, now=now)
    assert job_of(result.id).run_after == now + timedelta(seconds=40)


def test_job_stays_failed_after_its_last_attempt(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_MAX_ATTEMPTS = 1
    result = always_fails.enqueue()
    run_worker()
    job = job_of(result.id)
    assert job.status == TaskResultStatus.FAILED
    assert len(job.worker_ids) == 1


def signup_failing_after_enqueueing_its_email() -> None:
    with transaction.atomic():
        send_email.enqueue(subject="Welcome", body="b", to=["a@example.com"])
        raise RuntimeError("the signup failed after the email was enqueued")


def test_job_enqueued_in_a_rolled_back_transaction_is_never_queued() -> None:
    with pytest.raises(RuntimeError):
        signup_failing_after_enqueueing_its_email()
    assert not DBTaskResult.objects.exists()
