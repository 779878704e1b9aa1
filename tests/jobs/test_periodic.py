"""Housekeeping runs on a schedule, each run enqueued once however many workers ask."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from apps.jobs.models import PeriodicJob
from apps.jobs.services import periodic_jobs_enqueue_due
from apps.jobs.tasks import flush_expired_tokens, prune_finished_jobs, send_email
from apps.users.models import AuthAttemptCounter, TokenFamily, User
from apps.users.tokens import SessionRefreshToken

pytestmark = pytest.mark.django_db


def enqueued(task_path: str) -> int:
    return DBTaskResult.objects.filter(task_path=task_path).count()


def test_each_periodic_run_is_enqueued_once_whoever_asks() -> None:
    now = timezone.now()
    periodic_jobs_enqueue_due(now=now)
    assert periodic_jobs_enqueue_due(now=now) == []
    assert enqueued(flush_expired_tokens.module_path) == 1
    assert enqueued(prune_finished_jobs.module_path) == 1


def test_periodic_job_is_enqueued_again_once_its_period_is_over(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_HOUSEKEEPING_SECONDS = 600
    now = timezone.now()
    periodic_jobs_enqueue_due(now=now)
    assert periodic_jobs_enqueue_due(now=now + timedelta(seconds=599)) == []
    assert flush_expired_tokens.module_path in periodic_jobs_enqueue_due(now=now + timedelta(seconds=600))
    assert enqueued(flush_expired_tokens.module_path) == 2


def test_a_worker_that_read_the_row_before_another_won_the_run_enqueues_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    periodic_jobs_enqueue_due(now=now)
    # What a second replica saw when it read the rows just before the first moved them on.
    stale = {row.task_path: row for row in PeriodicJob.objects.all()}
    for row in stale.values():
        row.next_run_at = now
    monkeypatch.setattr(PeriodicJob.objects, "get_or_create", lambda task_path, **_: (stale[task_path], False))
    assert periodic_jobs_enqueue_due(now=now) == []
    assert enqueued(flush_expired_tokens.module_path) == 1


def test_flush_deletes_only_expired_sessions(user: User) -> None:
    fresh = SessionRefreshToken.for_user(user)
    expired = SessionRefreshToken.for_user(user)
    TokenFamily.objects.filter(current_jti=expired["jti"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    flush_expired_tokens.call()
    assert list(TokenFamily.objects.values_list("current_jti", flat=True)) == [fresh["jti"]]


def test_flush_deletes_ended_throttle_windows() -> None:
    AuthAttemptCounter.objects.create(key="ended", hits=3, window_end=int(timezone.now().timestamp()) - 1)
    AuthAttemptCounter.objects.create(key="open", hits=3, window_end=int(timezone.now().timestamp()) + 60)
    flush_expired_tokens.call()
    assert list(AuthAttemptCounter.objects.values_list("key", flat=True)) == ["open"]


def test_prune_deletes_finished_jobs_older_than_the_retention(settings) -> None:  # type: ignore[no-untyped-def]
    settings.JOBS_KEEP_FINISHED_DAYS = 7
    old, recent, queued = (send_email.enqueue(subject="s", body="b", to=["a@example.com"]).id for _ in range(3))
    DBTaskResult.objects.filter(pk__in=[old, recent]).update(status=TaskResultStatus.SUCCESSFUL)
    DBTaskResult.objects.filter(pk=old).update(finished_at=timezone.now() - timedelta(days=8))
    DBTaskResult.objects.filter(pk=recent).update(finished_at=timezone.now() - timedelta(days=6))
    assert prune_finished_jobs.call() == 1
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {recent, queued}
