"""A job whose worker died mid-job (SIGKILL, crash, lost node) is run again, or fails for good."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import WorkerHeartbeat
from apps.jobs.services import jobs_reclaim_lost, worker_beat
from apps.jobs.tasks import send_email

pytestmark = pytest.mark.django_db


def running_job(worker_id: str) -> DBTaskResult:  # type: ignore[type-arg]
    job = DBTaskResult.objects.get(pk=send_email.enqueue(subject="s", body="b", to=["a@example.com"]).id)
    job.claim(worker_id)
    return job


def test_running_job_of_a_silent_worker_is_queued_again(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_WORKER_LOST_AFTER_SECONDS = 60
    job = running_job("dead")
    now = timezone.now()
    worker_beat(worker_id="dead", now=now - timedelta(seconds=61))
    assert jobs_reclaim_lost(now=now) == 1
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.filter(worker_id="dead").exists()


def test_running_job_of_a_beating_worker_is_left_running(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_WORKER_LOST_AFTER_SECONDS = 60
    job = running_job("alive")
    now = timezone.now()
    worker_beat(worker_id="alive", now=now - timedelta(seconds=59))
    assert jobs_reclaim_lost(now=now) == 0
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING


def test_lost_job_on_its_last_attempt_fails_naming_the_lost_worker(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_MAX_ATTEMPTS = 1
    job = running_job("dead")
    jobs_reclaim_lost(now=timezone.now())
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "apps.jobs.services.WorkerLost"
    assert "worker dead stopped mid-job" in job.traceback
