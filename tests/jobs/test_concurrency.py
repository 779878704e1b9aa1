"""Several workers at once, on PostgreSQL where replicas really race: one job, one claimer; one
periodic run, one enqueue."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.services import periodic_jobs_enqueue_due
from apps.jobs.tasks import flush_expired_tokens, send_email

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the race needs PostgreSQL")


def other_connection() -> Any:
    """A second session on the test database, as another replica's worker would have."""
    params = connection.get_connection_params()
    return psycopg2.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port", "password")})


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def sessions_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def test_a_job_another_worker_has_claimed_is_skipped_not_run_twice() -> None:
    result = send_email.enqueue(subject="s", body="b", to=["a@example.com"])
    other = other_connection()
    try:
        with other.cursor() as cursor:  # the other worker's claim, not yet committed
            cursor.execute(f"SELECT 1 FROM {DBTaskResult._meta.db_table} WHERE id = %s FOR UPDATE", [result.id])
        call_command("worker", batch=True)
    finally:
        other.rollback()
        other.close()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY


def test_two_workers_due_at_once_enqueue_a_periodic_run_once() -> None:
    now = timezone.now()
    periodic_jobs_enqueue_due(now=now - timedelta(hours=2))  # the schedule rows exist, due again at `now`
    first_may_commit = threading.Event()
    results: dict[str, list[str]] = {}

    def first() -> None:
        with transaction.atomic():  # holds its row locks until the second worker is waiting on them
            results["first"] = periodic_jobs_enqueue_due(now=now)
            first_may_commit.wait(30)
        connection.close()

    def second() -> None:
        results["second"] = periodic_jobs_enqueue_due(now=now)
        connection.close()

    threads = [threading.Thread(target=first)]
    threads[0].start()
    wait_until(lambda: "first" in results, "the first worker's enqueue")
    threads.append(threading.Thread(target=second))
    threads[1].start()
    wait_until(lambda: sessions_waiting_on_a_lock() > 0, "the second worker to wait on the first's lock")
    first_may_commit.set()
    for thread in threads:
        thread.join()

    assert flush_expired_tokens.module_path in results["first"]
    assert results["second"] == []
    assert DBTaskResult.objects.filter(task_path=flush_expired_tokens.module_path).count() == 2
