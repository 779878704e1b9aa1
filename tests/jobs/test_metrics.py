"""The worker's metrics: each attempt timed by task and outcome, the backlog measured at each beat."""

import urllib.request
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from apps.jobs import metrics, services
from apps.jobs.services import Backlog, jobs_backlog
from apps.observability.exporter import start_exporter
from harness.chain import free_port
from tests.jobs.sample_tasks import always_fails, succeeds
from tests.jobs.test_heartbeat import durable_worker

pytestmark = pytest.mark.django_db(transaction=True)


def attempts(task_path: str, outcome: str) -> float:
    """Attempts counted so far in this process (the registry outlives each test)."""
    labels = {"task": task_path, "outcome": outcome}
    return REGISTRY.get_sample_value("job_duration_seconds_count", labels) or 0.0


def test_attempts_are_counted_by_task_and_outcome(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_MAX_ATTEMPTS = 2
    outcomes = [(succeeds, "succeeded"), (always_fails, "retried"), (always_fails, "failed")]
    before = [attempts(task.module_path, outcome) for task, outcome in outcomes]
    succeeds.enqueue()
    failing = always_fails.enqueue()
    call_command("worker", batch=True)
    DBTaskResult.objects.filter(pk=failing.id).update(run_after=timezone.now())  # the backoff is over
    call_command("worker", batch=True)
    after = [attempts(task.module_path, outcome) for task, outcome in outcomes]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 1]


def test_backlog_counts_due_jobs_and_how_long_the_first_has_waited() -> None:
    now = timezone.now()
    waiting = succeeds.enqueue()
    retried = succeeds.enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=now - timedelta(seconds=120))
    # Enqueued long ago, but due again only since its backoff ended: it has waited 30 s, not 300.
    DBTaskResult.objects.filter(pk=retried.id).update(
        enqueued_at=now - timedelta(seconds=300), run_after=now - timedelta(seconds=30)
    )
    later = succeeds.enqueue()
    DBTaskResult.objects.filter(pk=later.id).update(run_after=now + timedelta(hours=1))
    DBTaskResult.objects.get(pk=succeeds.enqueue().id).claim("w1")
    assert jobs_backlog(now=now) == Backlog(ready=2, oldest_wait_seconds=120.0)


def test_an_empty_queue_has_kept_no_one_waiting() -> None:
    assert jobs_backlog(now=timezone.now()) == Backlog(ready=0, oldest_wait_seconds=0.0)


def test_each_beat_publishes_the_backlog_and_when_it_beat() -> None:
    before = timezone.now()
    DBTaskResult.objects.filter(pk=succeeds.enqueue().id).update(enqueued_at=before - timedelta(seconds=60))
    durable_worker().maintain()
    after = timezone.now()
    # The job, and the housekeeping jobs a first beat enqueues.
    assert REGISTRY.get_sample_value("jobs_ready") == 1 + len(services.periodic_tasks())
    assert REGISTRY.get_sample_value("jobs_oldest_ready_age_seconds") >= 60  # type: ignore[operator]
    beat = REGISTRY.get_sample_value("jobs_worker_last_beat_timestamp_seconds")
    assert before.timestamp() <= beat <= after.timestamp()  # type: ignore[operator]


def test_the_exporter_without_a_folder_serves_this_process_own_metrics() -> None:
    port = free_port()
    metrics.JOBS_READY.set(7)
    start_exporter(host="127.0.0.1", port=port)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        exposition = response.read().decode()
    assert "jobs_ready 7.0" in exposition.splitlines()
