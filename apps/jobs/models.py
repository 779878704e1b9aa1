"""What the worker adds to django-tasks-db's job table (`django_tasks_db.DBTaskResult`).

The job table says what is queued, running, done or failed; these two say which workers are alive
(so a job a dead worker was running can be run again) and when each periodic job is next due
(so every replica's worker may schedule, and only one of them enqueues each run).
"""

from django.db import models


class WorkerHeartbeat(models.Model):
    """A worker process writes its row every JOBS_WORKER_LOST_AFTER_SECONDS / 3 seconds."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id


class PeriodicJob(models.Model):
    """One row per scheduled task; moving `next_run_at` on is how a worker wins a run."""

    task_path = models.CharField(max_length=200, unique=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["task_path"]

    def __str__(self) -> str:
        return self.task_path
