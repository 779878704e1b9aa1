"""Jobs themselves are listed by django-tasks-db's own admin ("Task results", filter by status)."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from apps.jobs.models import PeriodicJob, WorkerHeartbeat
from apps.jobs.services import periodic_job_enqueue_now


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ("task_path", "last_enqueued_at", "next_run_at")
    readonly_fields = ("task_path", "last_enqueued_at")
    actions = ["run_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from the schedule in code (apps.jobs.services.periodic_tasks)

    @admin.action(description="Run now (enqueue once, outside the schedule)")
    def run_now(self, request: HttpRequest, queryset: QuerySet[PeriodicJob]) -> None:
        enqueued = [job for job in queryset if periodic_job_enqueue_now(periodic_job=job)]
        self.message_user(request, f"Enqueued {len(enqueued)} job(s).", messages.SUCCESS)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("worker_id", "seen_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WorkerHeartbeat | None = None) -> bool:
        return False
