"""The worker process type (worker.sh execs it): django-tasks-db's worker loop, plus a heartbeat
thread that also requeues the jobs of dead workers and enqueues periodic jobs, retries, and
Prometheus metrics on METRICS_PORT when it is set (apps.jobs.metrics).

SIGTERM (docker stop, a Kubernetes rollout) lets the running job finish, then exits; a job cut
short by SIGKILL, a crash or a lost node is run again once its worker has missed its beats.
"""

import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from apps.jobs import metrics, services
from apps.observability.exporter import start_exporter

logger = logging.getLogger("apps.jobs")


class DurableWorker(Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._stopped = threading.Event()

    def run(self) -> None:
        self.maintain()
        if self.batch:  # done within one beat: nothing can take its jobs from it meanwhile
            super().run()
            return
        threading.Thread(target=self._heartbeat, name="jobs-heartbeat", daemon=True).start()
        try:
            super().run()
        finally:
            self._stopped.set()

    def maintain(self) -> None:
        """One beat: say this worker is alive, rescue dead workers' jobs, enqueue what is due."""
        now = timezone.now()
        services.worker_beat(worker_id=self.worker_id, now=now)
        if settings.JOBS_HEARTBEAT_FILE:  # what a container healthcheck can read without Django
            Path(settings.JOBS_HEARTBEAT_FILE).touch()
        reclaimed = services.jobs_reclaim_lost(now=now)
        enqueued = services.periodic_jobs_enqueue_due(now=now)
        if reclaimed or enqueued:
            logger.info("worker beat", extra={"jobs_reclaimed": reclaimed, "periodic_enqueued": enqueued})
        # Measured here, once a beat, so a scrape reads memory and never waits on the database.
        backlog = services.jobs_backlog(now=now)
        metrics.JOBS_READY.set(backlog.ready)
        metrics.JOBS_OLDEST_READY_AGE.set(backlog.oldest_wait_seconds)
        metrics.WORKER_LAST_BEAT.set(now.timestamp())

    def _heartbeat(self) -> None:
        while not self._stopped.wait(settings.JOBS_WORKER_LOST_AFTER_SECONDS / 3):
            try:
                self.maintain()
            except DatabaseError:
                # The next beat tries again; should the database stay away longer than
                # JOBS_WORKER_LOST_AFTER_SECONDS, another worker may rerun this one's job.
                logger.exception("worker beat failed")
            finally:
                connection.close()  # this thread's own connection; the next beat opens a fresh one

    def run_task(self, db_task_result: DBTaskResult) -> None:
        started = time.perf_counter()
        super().run_task(db_task_result)
        ran_for = time.perf_counter() - started
        outcome = "succeeded"
        if db_task_result.status == TaskResultStatus.FAILED:
            retried = services.job_retry_or_fail(job=db_task_result, now=timezone.now())
            outcome = "retried" if retried else "failed"
        metrics.JOB_DURATION.labels(task=db_task_result.task_path, outcome=outcome).observe(ran_for)


class Command(BaseCommand):
    help = "Run background jobs until SIGTERM (configured by JOBS_* in the environment)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the jobs that are due, then exit (tests, a one-off catch-up); SIGTERM stops it at once.",
        )

    def handle(self, *args: Any, batch: bool, **options: Any) -> None:
        worker = DurableWorker(
            queue_names=["*"],
            interval=settings.JOBS_WORKER_POLL_SECONDS,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if not batch:
            worker.configure_signals()
            if settings.METRICS_PORT:
                start_exporter(host=settings.METRICS_HOST, port=settings.METRICS_PORT)
        worker.run()
