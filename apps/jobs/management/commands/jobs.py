"""`manage.py jobs`: what is queued, running and failed, for a shell without the admin."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "List queued, running and failed background jobs (newest first) and count them all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=20, help="Jobs listed per status (default 20).")

    def handle(self, *args: Any, limit: int, **options: Any) -> None:
        counts = dict(DBTaskResult.objects.values_list("status").annotate(Count("id")).order_by())
        self.stdout.write("  ".join(f"{status}={counts.get(status, 0)}" for status in TaskResultStatus.values))
        for status in (TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED):
            for job in DBTaskResult.objects.filter(status=status).order_by("-enqueued_at")[:limit]:
                attempts = len(job.worker_ids)
                error = job.exception_class_path.rsplit(".", 1)[-1] if job.exception_class_path else ""
                self.stdout.write(
                    f"{status:<10} {job.id}  {job.task_path}  attempts={attempts}  "
                    f"enqueued={job.enqueued_at.isoformat(timespec='seconds')}  {error}".rstrip()
                )
