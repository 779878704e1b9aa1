"""A long-running worker keeps beating from its own thread, so its running job is not taken."""

import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.management.commands.worker import DurableWorker
from apps.jobs.models import WorkerHeartbeat
from apps.jobs.tasks import send_email


def durable_worker(**overrides: object) -> DurableWorker:
    options: dict[str, object] = {
        "queue_names": ["*"],
        "interval": 0.1,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "long-runner",
        "excluded_queue_names": [],
    }
    return DurableWorker(**(options | overrides))  # type: ignore[arg-type]


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_keeps_a_busy_workers_job_its_own(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_WORKER_LOST_AFTER_SECONDS = 2  # more than a beat's lateness on a loaded machine
    worker = durable_worker()
    worker.maintain()
    job = DBTaskResult.objects.get(pk=send_email.enqueue(subject="s", body="b", to=["a@example.com"]).id)
    job.claim(worker.worker_id)
    started = timezone.now()
    beating = threading.Thread(target=worker._heartbeat)
    beating.start()
    try:
        # Several beats, each reclaiming dead workers' jobs: this worker's is not among them.
        deadline = time.monotonic() + 30
        while WorkerHeartbeat.objects.get(worker_id=worker.worker_id).seen_at <= started + timedelta(seconds=2):
            assert time.monotonic() < deadline, "the heartbeat thread did not beat"
            time.sleep(0.1)
    finally:
        worker._stopped.set()
        beating.join()
    job.refresh_from_db()
    assert job.status == TaskResultStatus.RUNNING


@pytest.mark.django_db(transaction=True)
def test_worker_outside_batch_mode_runs_queued_jobs() -> None:
    result = send_email.enqueue(subject="s", body="b", to=["a@example.com"])
    durable_worker(max_tasks=1).run()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_each_beat_touches_the_heartbeat_file_a_healthcheck_reads(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_HEARTBEAT_FILE = str(tmp_path / "heartbeat")
    durable_worker().maintain()
    assert (tmp_path / "heartbeat").stat().st_mtime > time.time() - 60
