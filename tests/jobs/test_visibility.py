"""Jobs can be seen (a management command, the admin) and a periodic job run on demand."""

from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import PeriodicJob
from apps.jobs.services import periodic_job_enqueue_now, worker_beat
from apps.jobs.tasks import flush_expired_tokens, send_email
from apps.users.models import User
from tests.core.test_urls import PLAIN_STATIC

pytestmark = pytest.mark.django_db


def test_jobs_command_lists_queued_running_and_failed_jobs() -> None:
    queued, running, failed, done = (send_email.enqueue(subject="s", body="b", to=["a@example.com"]) for _ in range(4))
    DBTaskResult.objects.get(pk=running.id).claim("w1")
    DBTaskResult.objects.get(pk=failed.id).set_failed(RuntimeError("boom"))
    DBTaskResult.objects.get(pk=done.id).set_successful(1)
    out = StringIO()
    call_command("jobs", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "READY=1  RUNNING=1  FAILED=1  SUCCESSFUL=1"
    assert [line.split()[:2] for line in lines[1:]] == [
        ["READY", queued.id],
        ["RUNNING", running.id],
        ["FAILED", failed.id],
    ]
    assert lines[3].endswith("RuntimeError")


def test_admin_run_now_enqueues_the_periodic_job(make_user: Callable[..., User]) -> None:
    row = PeriodicJob.objects.create(task_path=flush_expired_tokens.module_path, next_run_at="2100-01-01T00:00Z")
    client = Client()
    client.force_login(make_user("admin@example.com", is_staff=True, is_superuser=True))
    response = client.post("/admin/jobs/periodicjob/", {"action": "run_now", "_selected_action": [row.pk]})
    assert response.status_code == 302
    (job,) = DBTaskResult.objects.all()
    assert (job.task_path, job.status) == (flush_expired_tokens.module_path, TaskResultStatus.READY)


def test_admin_lists_failed_jobs(make_user: Callable[..., User], settings) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = PLAIN_STATIC
    failed, _ = (send_email.enqueue(subject="s", body="b", to=["a@example.com"]) for _ in range(2))
    DBTaskResult.objects.get(pk=failed.id).set_failed(RuntimeError("boom"))
    client = Client()
    client.force_login(make_user("admin@example.com", is_staff=True, is_superuser=True))
    page = client.get("/admin/django_tasks_database/dbtaskresult/", {"status__exact": "FAILED"})
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    assert failed.id in page.content.decode()


def test_admin_lists_live_workers(make_user: Callable[..., User], settings) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = PLAIN_STATIC
    worker_beat(worker_id="worker-on-node-7", now=timezone.now())
    client = Client()
    client.force_login(make_user("admin@example.com", is_staff=True, is_superuser=True))
    page = client.get("/admin/jobs/workerheartbeat/")
    assert page.status_code == 200
    assert "worker-on-node-7" in page.content.decode()


def test_run_now_refuses_a_task_no_longer_scheduled() -> None:
    row = PeriodicJob.objects.create(task_path="apps.jobs.tasks.gone", next_run_at="2100-01-01T00:00Z")
    assert periodic_job_enqueue_now(periodic_job=row) is False
    assert not DBTaskResult.objects.exists()
