"""Faults under load: the database going away and coming back, and a sustained load."""

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from harness import chain

PASSWORD = "faults-long-passphrase-5512"


def token_for(api: chain.Api, email: str) -> str:
    body = {"email": email, "password": PASSWORD}
    assert (
        chain.request(
            "POST", api.port, "/api/v1/auth/register/", body=body, headers={"X-Forwarded-Proto": "https"}
        ).status
        == 201
    )
    return str(
        chain.request(
            "POST", api.port, "/api/v1/auth/token/", body=body, headers={"X-Forwarded-Proto": "https"}
        ).json()["access"]
    )


def test_database_outage_answers_503_json_and_recovers_by_itself(fresh_database: str, workdir: Path) -> None:
    postgres_port = int(re.search(r":(\d+)/", fresh_database)[1])  # type: ignore[index]
    proxy = chain.TcpProxy(postgres_port)
    proxy.start()
    through_proxy = re.sub(r":\d+/", f":{proxy.port}/", fresh_database)
    # With the user cache off, every authenticated request reads the database.
    api = chain.start_api(
        through_proxy,
        workdir / "outage",
        DATABASE_CONNECT_TIMEOUT="2",
        WEB_CONCURRENCY="2",
        AUTH_USER_CACHE_SECONDS="0",
    )
    try:
        headers = {"Authorization": f"Bearer {token_for(api, 'outage@example.com')}", "X-Forwarded-Proto": "https"}
        seen: list[tuple[int, str]] = []
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                response = chain.get(api.port, "/api/v1/users/me/", headers=headers, timeout=10)
                seen.append((response.status, response.headers.get("Content-Type", "")))
                if response.status != 200:
                    assert response.json()["code"] == "service_unavailable"

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        proxy.stop()
        time.sleep(2)
        readiness = chain.get(api.port, "/readyz", host="127.0.0.1")
        during = chain.get(api.port, "/api/v1/users/me/", headers=headers)
        proxy.start()
        deadline = time.monotonic() + 15
        while chain.get(api.port, "/readyz", host="127.0.0.1").status != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(15)
        after = chain.get(api.port, "/api/v1/users/me/", headers=headers)
    finally:
        api.stop()
        proxy.stop()

    assert readiness.status == 503
    assert readiness.json()["checks"]["database"].startswith("error")
    assert during.status == 503
    assert during.headers["Content-Type"] == "application/json"
    assert during.json()["code"] == "service_unavailable"
    assert after.status == 200
    statuses = {status for status, _ in seen}
    assert statuses == {200, 503}, statuses  # served, then refused cleanly, then served again
    assert {content_type for _, content_type in seen} == {"application/json"}
    assert seen[-1][0] == 200


def test_sustained_load_has_no_errors_and_bounded_database_connections(fresh_database: str, workdir: Path) -> None:
    if not shutil.which("wrk"):
        pytest.fail("wrk is not installed (apt-get install wrk)")
    workers, threads = 3, 1
    api = chain.start_api(
        fresh_database, workdir / "sustained", WEB_CONCURRENCY=str(workers), GUNICORN_THREADS=str(threads),
        AUTH_USER_CACHE_SECONDS="0",  # every request reads the database
    )  # fmt: skip
    database = fresh_database.rsplit("/", 1)[1]
    peak_connections = 0
    try:
        token = token_for(api, "sustained@example.com")
        with subprocess.Popen(
            ["wrk", "-t2", "-c16", "-d60s", "--timeout", "10s", "-H", f"Authorization: Bearer {token}",
             "-H", "X-Forwarded-Proto: https", f"http://127.0.0.1:{api.port}/api/v1/users/me/"],
            stdout=subprocess.PIPE, text=True,
        ) as load:  # fmt: skip
            while load.poll() is None:
                count = chain.query(
                    chain.POSTGRES_ADMIN_URL, f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}'"
                )
                peak_connections = max(peak_connections, count[0][0])
                time.sleep(0.5)
            output = load.communicate()[0]
    finally:
        api.stop()
    completed = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    assert completed > 1000, output
    assert "Socket errors" not in output, output
    assert "Non-2xx" not in output, output
    assert 0 < peak_connections <= workers * threads
