"""Auth against a real gunicorn with several workers: every write to a user, every revocation and
every throttle count is seen by the very next request, whichever worker serves it."""

import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
import pytest

from harness import chain

PASSWORD = "workers-long-passphrase-3141"
NEW_PASSWORD = "workers-other-passphrase-2718"
WORKERS = 4
AUTH_LIMIT = 12
# Far more requests than workers, so each worker serves some (sync workers share one socket).
SPREAD = 4 * WORKERS


@pytest.fixture(scope="module")
def api(workdir: Path) -> Iterator[chain.Api]:
    database_url = chain.create_database()
    # Served directly, as `make run` does: no proxy, so the client address is the TCP peer. A
    # limit per day, so no window ends during a test.
    chain.clear_of_midnight()
    api = chain.start_api(database_url, workdir / "auth-workers", WEB_CONCURRENCY=str(WORKERS),
                          BEHIND_PROXY="false", SECURE_SSL_REDIRECT="false",
                          THROTTLE_AUTH_RATE=f"{AUTH_LIMIT}/day")  # fmt: skip
    yield api
    api.stop()
    chain.drop_database(database_url)


@pytest.fixture(autouse=True)
def _fresh_auth_counts(api: chain.Api) -> None:
    connection = psycopg2.connect(api.database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM users_authattemptcounter")
    finally:
        connection.close()


def call(api: chain.Api, method: str, path: str, body: Any = None, access: str = "", **headers: str) -> chain.Response:
    if access:
        headers["Authorization"] = f"Bearer {access}"
    return chain.request(method, api.port, path, body=body, headers=headers)


def login(api: chain.Api, email: str, password: str = PASSWORD) -> chain.Response:
    return call(api, "POST", "/api/v1/auth/token/", {"email": email, "password": password})


def new_account(api: chain.Api) -> tuple[str, dict[str, str]]:
    email = f"{uuid.uuid4().hex[:10]}@example.com"
    assert call(api, "POST", "/api/v1/auth/register/", {"email": email, "password": PASSWORD}).status == 201
    return email, login(api, email).json()


def statuses_of_me(api: chain.Api, access: str) -> list[int]:
    return [call(api, "GET", "/api/v1/users/me/", access=access).status for _ in range(SPREAD)]


def orm(api: chain.Api, statement: str) -> None:
    """Runs ORM code in a separate process, as a shell session or a management command would."""
    code = f"from apps.users.models import User; {statement}"
    subprocess.run([str(chain.ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", code],
                   cwd=chain.ROOT, env=api.env, check=True, capture_output=True)  # fmt: skip


def test_old_tokens_cannot_undo_a_password_change(api: chain.Api) -> None:
    email, tokens = new_account(api)
    statuses_of_me(api, tokens["access"])  # every worker has served this user
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert call(api, "POST", "/api/v1/users/me/password/", change, access=tokens["access"]).status == 204
    patches = [
        call(api, "PATCH", "/api/v1/users/me/", {"full_name": "x"}, access=tokens["access"]).status
        for _ in range(SPREAD)
    ]
    assert patches == [401] * SPREAD
    assert (login(api, email).status, login(api, email, NEW_PASSWORD).status) == (401, 200)


def test_new_tokens_work_in_every_worker_after_a_password_change(api: chain.Api) -> None:
    email, tokens = new_account(api)
    statuses_of_me(api, tokens["access"])
    change = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert call(api, "POST", "/api/v1/users/me/password/", change, access=tokens["access"]).status == 204
    fresh = login(api, email, NEW_PASSWORD).json()["access"]
    assert statuses_of_me(api, fresh) == [200] * SPREAD


def test_a_queryset_update_deactivation_applies_in_every_worker(api: chain.Api) -> None:
    email, tokens = new_account(api)
    statuses_of_me(api, tokens["access"])
    orm(api, f"User.objects.filter(email={email!r}).update(is_active=False)")
    assert statuses_of_me(api, tokens["access"]) == [401] * SPREAD


def test_a_queryset_delete_applies_in_every_worker(api: chain.Api) -> None:
    email, tokens = new_account(api)
    statuses_of_me(api, tokens["access"])
    orm(api, f"User.objects.filter(email={email!r}).delete()")
    assert statuses_of_me(api, tokens["access"]) == [401] * SPREAD
    note = call(api, "POST", "/api/v1/notes/", {"title": "orphan"}, access=tokens["access"])
    assert note.status == 401


def test_the_auth_limit_counts_across_workers(api: chain.Api) -> None:
    codes = [login(api, "nobody@example.com", "guess").status for _ in range(AUTH_LIMIT + 4)]
    assert codes == [401] * AUTH_LIMIT + [429] * 4


def test_a_forged_x_forwarded_for_does_not_escape_the_auth_limit(api: chain.Api) -> None:
    codes = [
        call(api, "POST", "/api/v1/auth/token/", {"email": "nobody@example.com", "password": "guess"},
             **{"X-Forwarded-For": f"203.0.113.{i}"}).status
        for i in range(AUTH_LIMIT + 4)
    ]  # fmt: skip
    assert codes == [401] * AUTH_LIMIT + [429] * 4


def test_parallel_refreshes_with_one_token_give_exactly_one_new_pair(api: chain.Api) -> None:
    _, tokens = new_account(api)
    parallel = AUTH_LIMIT - 2  # what the limit leaves after registering and logging in
    start = threading.Barrier(parallel)
    results: list[int] = []

    def refresh() -> None:
        start.wait()
        results.append(call(api, "POST", "/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}).status)

    threads = [threading.Thread(target=refresh) for _ in range(parallel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(results) == [200] + [401] * (parallel - 1)


def test_redis_hanging_does_not_hang_or_fail_requests(api: chain.Api, workdir: Path) -> None:
    with socket.socket() as hung:  # accepts connections (the kernel does) and never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(128)
        redis_url = f"redis://127.0.0.1:{hung.getsockname()[1]}/0"
        degraded = chain.start_api(api.database_url, workdir / "redis-hung", wait=False, REDIS_URL=redis_url,
                                   WEB_CONCURRENCY="2", BEHIND_PROXY="false", SECURE_SSL_REDIRECT="false")  # fmt: skip
        try:
            assert chain.wait_for_port(degraded.port, 60), degraded.log()
            _, tokens = new_account(degraded)
            notes = chain.request("GET", degraded.port, "/api/v1/notes/", timeout=10,
                                  headers={"Authorization": f"Bearer {tokens['access']}"})  # fmt: skip
        finally:
            degraded.stop()
    assert notes.status == 200
