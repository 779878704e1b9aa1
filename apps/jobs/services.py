"""What django-tasks-db's worker leaves out, added thinly on its job table: retries with backoff,
jobs of a dead worker run again, and periodic jobs enqueued once per run across all replicas.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Min, When
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from apps.jobs.models import PeriodicJob, WorkerHeartbeat
from apps.jobs.tasks import flush_expired_tokens, prune_finished_jobs

logger = logging.getLogger("apps.jobs")


class WorkerLost(Exception):
    """Recorded as a job's error when its worker stopped beating mid-job on the last attempt."""


def periodic_tasks() -> dict[Task, int]:
    """Each scheduled task and its period in seconds."""
    every = settings.JOBS_HOUSEKEEPING_SECONDS
    return {flush_expired_tokens: every, prune_finished_jobs: every}


def job_retry_or_fail(*, job: DBTaskResult, now: datetime, error: BaseException | None = None) -> bool:
    """Put a failed or abandoned job back in the queue after an exponential backoff, unless it has
    had JOBS_MAX_ATTEMPTS attempts (each claim by a worker is one); then it stays failed."""
    attempts = len(job.worker_ids)
    if attempts >= settings.JOBS_MAX_ATTEMPTS:
        if error is not None:
            job.set_failed(error)
        logger.error("job failed for good", extra={"job_id": str(job.id), "task": job.task_path, "attempts": attempts})
        return False
    delay = settings.JOBS_RETRY_BACKOFF_SECONDS * 2 ** (attempts - 1)
    DBTaskResult.objects.filter(pk=job.pk).update(
        status=TaskResultStatus.READY, run_after=now + timedelta(seconds=delay), finished_at=None
    )
    logger.warning(
        "job will be retried",
        extra={"job_id": str(job.id), "task": job.task_path, "attempts": attempts, "retry_in_seconds": delay},
    )
    return True


@dataclass(frozen=True)
class Backlog:
    ready: int
    oldest_wait_seconds: float


def jobs_backlog(*, now: datetime) -> Backlog:
    """The jobs due to run that no worker has claimed, and how long the longest-waiting one has
    waited: a job enqueued to run at once waits from its enqueueing, a retried one from its
    `run_after`, so a backoff does not count as waiting."""
    waiting_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    found = DBTaskResult.objects.ready().aggregate(ready=Count("pk"), oldest=Min(waiting_since))
    # ready() reads the clock after `now` was taken: a job due in between has waited nothing, not less.
    waited = max(0.0, (now - found["oldest"]).total_seconds()) if found["oldest"] else 0.0
    return Backlog(ready=found["ready"], oldest_wait_seconds=waited)


def worker_beat(*, worker_id: str, now: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})


def jobs_reclaim_lost(*, now: datetime) -> int:
    """Requeue (or fail) the running jobs whose worker has stopped beating; returns how many."""
    lost_before = now - timedelta(seconds=settings.JOBS_WORKER_LOST_AFTER_SECONDS)
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=lost_before).values_list("worker_id", flat=True))
    reclaimed = 0
    with transaction.atomic():
        for job in DBTaskResult.objects.running().select_for_update(skip_locked=True):
            worker_id = job.worker_ids[-1] if job.worker_ids else ""
            if worker_id not in alive:
                job_retry_or_fail(job=job, now=now, error=WorkerLost(f"worker {worker_id} stopped mid-job"))
                reclaimed += 1
    WorkerHeartbeat.objects.filter(seen_at__lt=lost_before).delete()
    return reclaimed


def periodic_jobs_enqueue_due(*, now: datetime) -> list[str]:
    """Enqueue each periodic task whose time has come; returns their paths.

    Every worker calls this. A run is won by moving the row's `next_run_at` on with an UPDATE
    conditioned on the value read: of workers racing for one run, one UPDATE matches, the others
    match nothing (PostgreSQL re-checks the condition after the winner commits), so no run is
    enqueued twice however many replicas there are.
    """
    enqueued = []
    for task, every in periodic_tasks().items():
        row, _ = PeriodicJob.objects.get_or_create(task_path=task.module_path, defaults={"next_run_at": now})
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            won = PeriodicJob.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=now + timedelta(seconds=every), last_enqueued_at=now
            )
            if won:
                task.enqueue()
                enqueued.append(task.module_path)
    return enqueued


def periodic_job_enqueue_now(*, periodic_job: PeriodicJob) -> bool:
    """Run a scheduled task now, outside its schedule (the admin's "Run now"); False if the row
    names no task that is still scheduled."""
    for task in periodic_tasks():
        if task.module_path == periodic_job.task_path:
            task.enqueue()
            return True
    return False
