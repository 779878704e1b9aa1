"""The worker process type for real: worker.sh on PostgreSQL, a job enqueued by an HTTP request
(the admin's "Run now" through gunicorn), the worker killed or stopped while the job is running,
and its metrics scraped from the port METRICS_PORT names.

To hold a job mid-run without a test-only task, the test locks the table the token flush deletes
from: the job then waits on that lock inside the task until the test lets go.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg2
import pytest

from harness import chain

FLUSH = "apps.jobs.tasks.flush_expired_tokens"
PRUNE = "apps.jobs.tasks.prune_finished_jobs"
JOBS = "django_tasks_database_dbtaskresult"  # django-tasks-db's job table
PASSWORD = "correct-horse-battery-staple"
# A worker whose heartbeat is this old counts as dead; short, so a killed one is noticed soon.
LOST_AFTER = "3"


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def cookies_set(response: chain.Response) -> dict[str, str]:
    cookies: dict[str, str] = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies |= {name: morsel.value for name, morsel in SimpleCookie(header).items()}
    return cookies


@dataclass
class Site:
    api: chain.Api
    workdir: Path
    cookies: dict[str, str]

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        return chain.query(self.api.database_url, statement)

    def execute(self, statement: str) -> None:
        connection = psycopg2.connect(self.api.database_url)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def form_post(self, path: str, fields: dict[str, Any]) -> chain.Response:
        body = urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]}, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        response = chain.request("POST", self.api.port, path, headers=headers, body=body)
        self.cookies |= cookies_set(response)
        return response

    def run_now(self, task_path: str) -> str:
        """Press the admin's "Run now" on a periodic job; returns the id of the job it enqueued."""
        (pk,) = self.query(f"SELECT id FROM jobs_periodicjob WHERE task_path = '{task_path}'")[0]
        before = {row[0] for row in self.query(f"SELECT id FROM {JOBS}")}
        response = self.form_post("/admin/jobs/periodicjob/", {"action": "run_now", "_selected_action": pk})
        assert (response.status, response.headers["Location"]) == (302, "/admin/jobs/periodicjob/")
        (new,) = {row[0] for row in self.query(f"SELECT id FROM {JOBS}")} - before
        return str(new)

    def job(self, job_id: str) -> tuple[str, list[str]]:
        (row,) = self.query(f"SELECT status, worker_ids FROM {JOBS} WHERE id = '{job_id}'")
        return row[0], row[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    workdir = tmp_path_factory.mktemp("worker")
    url = chain.create_database()
    # Plain HTTP straight to gunicorn: the admin's cookies and CSRF without TLS in the way.
    api = chain.start_api(
        url, workdir, SECURE_SSL_REDIRECT="false", SECURE_COOKIES="false", SECURE_HSTS_SECONDS="0",
        BEHIND_PROXY="false", JOBS_WORKER_LOST_AFTER_SECONDS=LOST_AFTER,
    )  # fmt: skip
    try:
        subprocess.run(
            [sys.executable, "manage.py", "createsuperuser", "--noinput", "--email", "admin@example.com"],
            cwd=chain.ROOT, env=api.env | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}, check=True, capture_output=True,
        )  # fmt: skip
        login = chain.get(api.port, "/admin/login/")
        site = Site(api=api, workdir=workdir, cookies=cookies_set(login))
        response = site.form_post(
            "/admin/login/", {"username": "admin@example.com", "password": PASSWORD, "next": "/admin/"}
        )
        assert (response.status, response.headers["Location"]) == (302, "/admin/"), response.body
        # A first worker creates the schedule rows and runs the start-up housekeeping.
        worker = chain.start_worker(api, workdir)
        try:
            wait_for(
                lambda: site.query(f"SELECT 1 FROM {JOBS} WHERE task_path = '{FLUSH}' AND status = 'SUCCESSFUL'"),
                "the first housekeeping run",
            )
        finally:
            assert worker.stop() == 0, worker.log()
        yield site
    finally:
        api.stop()
        chain.drop_database(url)


@pytest.fixture
def tokens(site: Site) -> Iterator[None]:
    """One expired and one live session of the admin, for the flush to tell apart."""
    site.execute(
        "INSERT INTO users_tokenfamily (id, current_jti, expires_at, user_id) "
        "SELECT gen_random_uuid(), 'expired', now() - interval '1 day', id FROM users_user "
        "UNION ALL SELECT gen_random_uuid(), 'live', now() + interval '1 day', id FROM users_user"
    )
    yield
    site.execute("DELETE FROM users_tokenfamily")


@pytest.fixture
def token_table_locked(site: Site) -> Iterator[Callable[[], None]]:
    """Holds the flush job inside its DELETE until the returned function is called."""
    connection = psycopg2.connect(site.api.database_url)
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE users_tokenfamily IN ACCESS EXCLUSIVE MODE")
    yield connection.rollback
    connection.rollback()
    connection.close()


def wait_until_mid_job(site: Site, job_id: str) -> None:
    wait_for(lambda: site.job(job_id)[0] == "RUNNING", "the job to start")
    wait_for(
        lambda: site.query(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ),
        "the job to block on the locked table",
    )


def token_jtis(site: Site) -> set[str]:
    return {row[0] for row in site.query("SELECT current_jti FROM users_tokenfamily")}


@pytest.fixture
def start_worker(site: Site) -> Iterator[Callable[..., chain.Process]]:
    started: list[chain.Process] = []

    def start(**overrides: str) -> chain.Process:
        started.append(chain.start_worker(site.api, site.workdir, **overrides))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def test_job_of_a_killed_worker_finishes_once_on_a_restarted_worker(
    site: Site, tokens: None, token_table_locked: Callable[[], None], start_worker: Callable[..., chain.Process]
) -> None:
    worker = start_worker()
    job_id = site.run_now(FLUSH)
    wait_until_mid_job(site, job_id)

    os.killpg(worker.popen.pid, signal.SIGKILL)
    worker.popen.wait()
    token_table_locked()
    start_worker()
    wait_for(lambda: site.job(job_id)[0] == "SUCCESSFUL", "the job to finish on the restarted worker")

    _, worker_ids = site.job(job_id)
    assert len(worker_ids) == 2  # claimed by the killed worker, then run again by the new one
    assert token_jtis(site) == {"live"}


def test_sigterm_lets_the_running_job_finish_before_the_worker_exits(
    site: Site, tokens: None, token_table_locked: Callable[[], None], start_worker: Callable[..., chain.Process]
) -> None:
    worker = start_worker()
    job_id = site.run_now(FLUSH)
    wait_until_mid_job(site, job_id)

    worker.signal(signal.SIGTERM)
    token_table_locked()
    assert worker.popen.wait(60) == 0, worker.log()

    status, worker_ids = site.job(job_id)
    assert (status, len(worker_ids)) == ("SUCCESSFUL", 1)
    assert token_jtis(site) == {"live"}


@dataclass
class MeteredWorker:
    process: chain.Process
    metrics_port: int

    def scrape(self) -> str:
        return chain.get(self.metrics_port, "/metrics", host="127.0.0.1").body.decode()

    def sample(self, name: str, labels: str = "") -> float:
        return chain.metric_sample(self.scrape(), name, labels)


@pytest.fixture
def metered_worker(site: Site, start_worker: Callable[..., chain.Process]) -> Callable[[], MeteredWorker]:
    def start() -> MeteredWorker:
        port = chain.free_port()
        # As an environment shared with gunicorn might hand it down: worker.sh drops it, or the
        # worker would not start, prometheus_client unable to create its sample files there.
        missing_folder = site.workdir / "no-such-metrics-folder"
        process = start_worker(
            METRICS_PORT=str(port), PROMETHEUS_MULTIPROC_DIR=str(missing_folder),
            JOBS_MAX_ATTEMPTS="2", JOBS_RETRY_BACKOFF_SECONDS="1",
        )  # fmt: skip
        if not chain.wait_for_port(port, 60):
            raise AssertionError(f"the worker serves no metrics:\n{process.log()}")
        return MeteredWorker(process=process, metrics_port=port)

    return start


def enqueue_sample_tasks(site: Site, *names: str) -> None:
    code = "from tests.jobs import sample_tasks\n" + "".join(f"sample_tasks.{name}.enqueue()\n" for name in names)
    subprocess.run(
        [sys.executable, "manage.py", "shell", "--command", code],
        cwd=chain.ROOT, env=site.api.env, check=True, capture_output=True,
    )  # fmt: skip


def test_worker_metrics_count_each_attempt_by_task_and_outcome(
    site: Site, metered_worker: Callable[[], MeteredWorker]
) -> None:
    worker = metered_worker()
    enqueue_sample_tasks(site, "succeeds", "always_fails")

    def attempts(task: str, outcome: str) -> float:
        return worker.sample("job_duration_seconds_count", f'outcome="{outcome}",task="tests.jobs.sample_tasks.{task}"')

    counted = [("succeeds", "succeeded"), ("always_fails", "retried"), ("always_fails", "failed")]
    # Three attempts: the failing job runs twice (JOBS_MAX_ATTEMPTS=2).
    wait_for(lambda: sum(attempts(task, outcome) for task, outcome in counted) >= 3, "three attempts")
    assert [attempts(task, outcome) for task, outcome in counted] == [1, 1, 1]
    assert chain.listening_ports(worker.process.popen.pid) == {worker.metrics_port}


def test_worker_metrics_report_the_backlog_behind_a_busy_worker_at_its_next_beat(
    site: Site, token_table_locked: Callable[[], None], metered_worker: Callable[[], MeteredWorker]
) -> None:
    worker = metered_worker()
    wait_until_mid_job(site, site.run_now(FLUSH))
    waiting = [site.run_now(PRUNE), site.run_now(PRUNE)]

    wait_for(lambda: worker.sample("jobs_ready") == len(waiting), "the beat to count the waiting jobs")
    assert worker.sample("jobs_oldest_ready_age_seconds") > 0
    token_table_locked()
    wait_for(lambda: all(site.job(job_id)[0] == "SUCCESSFUL" for job_id in waiting), "the waiting jobs to run")
    wait_for(lambda: worker.sample("jobs_ready") == 0, "the beat to see the queue empty")
    assert worker.sample("jobs_worker_last_beat_timestamp_seconds") > 0


def test_worker_without_metrics_port_listens_on_no_port(site: Site, start_worker: Callable[..., chain.Process]) -> None:
    heartbeat = site.workdir / "unmetered-heartbeat"
    worker = start_worker(JOBS_HEARTBEAT_FILE=str(heartbeat))
    wait_for(heartbeat.exists, "the worker's first beat")  # the exporter, if any, starts before it
    assert chain.listening_ports(worker.popen.pid) == set()
