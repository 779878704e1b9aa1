"""The production chain, end to end: client -> nginx (TLS) -> gunicorn (start.sh) -> PostgreSQL."""

import json
import re
import signal
import ssl
import threading
import time
from pathlib import Path

import pytest

from harness import chain
from tests.e2e.conftest import Chain

PASSWORD = "e2e-long-passphrase-7781"


@pytest.fixture(scope="module")
def account(running_chain: Chain) -> dict[str, str]:
    email = "e2e@example.com"
    registered = running_chain.https("POST", "/api/v1/auth/register/", body={"email": email, "password": PASSWORD})
    assert registered.status == 201, registered.body
    tokens = running_chain.https("POST", "/api/v1/auth/token/", body={"email": email, "password": PASSWORD}).json()
    return {"email": email, "id": str(registered.json()["id"]), **tokens}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def access_lines(api: chain.Api) -> list[dict]:  # type: ignore[type-arg]
    return [entry for entry in chain.json_lines(api.log_lines()) if entry["logger"] == "gunicorn.access"]


def test_full_jwt_flow_through_nginx(running_chain: Chain, account: dict[str, str]) -> None:
    auth = bearer(account["access"])
    changed = running_chain.https("PATCH", "/api/v1/users/me/", headers=auth, body={"full_name": "é ✓"})
    assert changed.status == 200, changed.body
    assert running_chain.https("GET", "/api/v1/users/me/", headers=auth).json()["full_name"] == "é ✓"

    # A session of its own to end: the module's account stays logged in for the other tests.
    login = {"email": account["email"], "password": PASSWORD}
    session = running_chain.https("POST", "/api/v1/auth/token/", body=login).json()
    refreshed = running_chain.https("POST", "/api/v1/auth/token/refresh/", body={"refresh": session["refresh"]})
    assert refreshed.status == 200
    new_tokens = refreshed.json()
    assert running_chain.https("GET", "/api/v1/users/me/", headers=bearer(new_tokens["access"])).status == 200

    logout = running_chain.https("POST", "/api/v1/auth/logout/", body={"refresh": new_tokens["refresh"]})
    assert logout.status == 204
    reuse = running_chain.https("POST", "/api/v1/auth/token/refresh/", body={"refresh": new_tokens["refresh"]})
    assert reuse.status == 401
    assert reuse.json()["code"] == "token_not_valid"
    assert running_chain.https("GET", "/api/v1/users/me/").status == 401


def test_https_through_nginx_is_seen_as_secure(running_chain: Chain, account: dict[str, str]) -> None:
    # A client's own X-Forwarded-Proto is overwritten by nginx, not appended to.
    response = running_chain.https(
        "GET", "/api/v1/users/me/", headers={**bearer(account["access"]), "X-Forwarded-Proto": "http"}
    )
    assert response.status == 200  # SECURE_SSL_REDIRECT would have redirected an insecure request


def a_collection(running_chain: Chain) -> tuple[str, dict[str, str]]:
    """An installed app's list endpoint and the smallest body its POST accepts, read from the schema."""
    schema = running_chain.https("GET", "/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    for path, operations in schema["paths"].items():
        if "{" in path or not {"get", "post"} <= set(operations):
            continue
        reference = operations["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        body = schema["components"]["schemas"][reference.rsplit("/", 1)[1]]
        if all(body["properties"][name].get("type") == "string" for name in body.get("required", [])):
            return path, dict.fromkeys(body.get("required", []), "e2e")
    pytest.skip("no installed app has a list endpoint to page through")


def test_page_links_through_nginx_are_https(running_chain: Chain, account: dict[str, str]) -> None:
    path, body = a_collection(running_chain)
    auth = bearer(account["access"])
    for _ in range(2):
        assert running_chain.https("POST", path, headers=auth, body=body).status == 201
    page = running_chain.https("GET", f"{path}?page_size=1", headers={**auth, "X-Forwarded-Proto": "http"})
    assert page.json()["next"].startswith(f"https://{chain.SERVER_NAME}")


def test_forwarded_proto_is_trusted_from_the_proxy(running_chain: Chain) -> None:
    direct = running_chain.api.port
    insecure = chain.get(direct, "/api/v1/users/me/")
    assert insecure.status == 301
    assert insecure.headers["Location"] == f"https://{chain.SERVER_NAME}/api/v1/users/me/"
    secure = chain.get(direct, "/api/v1/users/me/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status == 401  # past the redirect: Django saw HTTPS
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_plain_http_redirects_to_https(running_chain: Chain) -> None:
    response = chain.get(running_chain.nginx.http_port, "/api/v1/users/me/?page_size=2")
    assert response.status == 301
    assert response.headers["Location"] == f"https://{chain.SERVER_NAME}/api/v1/users/me/?page_size=2"


SECURITY_HEADERS = (
    "Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
    "Referrer-Policy", "Cross-Origin-Opener-Policy",
)  # fmt: skip


def test_security_headers_appear_once(running_chain: Chain) -> None:
    response = running_chain.https("GET", "/api/v1/users/me/")
    for header in (*SECURITY_HEADERS, "X-Request-ID"):
        assert len(response.headers.get_all(header) or []) == 1, header


@pytest.mark.parametrize("path", ["/api/v1/users/me/", "/api/docs/"])
def test_security_headers_are_the_same_through_nginx_and_direct(running_chain: Chain, path: str) -> None:
    proxied = running_chain.https("GET", path)
    direct = chain.get(running_chain.api.port, path, headers={"X-Forwarded-Proto": "https"})
    assert [proxied.headers[h] for h in SECURITY_HEADERS] == [direct.headers[h] for h in SECURITY_HEADERS]


def test_the_host_reaches_django_with_its_port(running_chain: Chain, account: dict[str, str]) -> None:
    auth = bearer(account["access"])
    for title in ("three", "four"):
        running_chain.https("POST", "/api/v1/notes/", headers=auth, body={"title": title})
    host = f"{chain.SERVER_NAME}:{running_chain.nginx.https_port}"
    page = running_chain.https("GET", "/api/v1/notes/?page_size=1", headers={**auth, "Host": host})
    assert page.json()["next"].startswith(f"https://{host}/api/v1/notes/?")


def test_nginx_does_not_announce_its_version(running_chain: Chain) -> None:
    assert running_chain.https("GET", "/api/v1/users/me/").headers["Server"] == "nginx"
    assert chain.get(running_chain.nginx.http_port, "/").headers["Server"] == "nginx"


def test_unknown_host_is_refused(running_chain: Chain) -> None:
    with pytest.raises((ConnectionError, OSError)):  # 444: nginx closes without a word
        chain.get(running_chain.nginx.http_port, "/api/v1/users/me/", host="evil.example")
    with pytest.raises(ssl.SSLError):
        chain.request("GET", running_chain.nginx.https_port, "/", host="evil.example", tls=running_chain.tls)


def test_request_id_round_trip(running_chain: Chain, account: dict[str, str]) -> None:
    sent = running_chain.https(
        "GET", "/api/v1/users/me/", headers={**bearer(account["access"]), "X-Request-ID": "e2e-trace-42"}
    )
    assert sent.headers["X-Request-ID"] == "e2e-trace-42"
    generated = running_chain.https("GET", "/api/v1/users/me/", headers=bearer(account["access"]))
    generated_id = generated.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated_id)  # nginx's $request_id

    time.sleep(0.3)  # the access line is written after the response
    lines = {line["request_id"]: line for line in access_lines(running_chain.api)}
    for request_id in ("e2e-trace-42", generated_id):
        line = lines[request_id]
        assert (line["method"], line["path"], line["status"]) == ("GET", "/api/v1/users/me/", 200)
        assert line["user_id"] == account["id"]
        assert isinstance(line["duration_ms"], float)


def test_application_log_lines_carry_the_request_id(running_chain: Chain) -> None:
    running_chain.https("GET", "/no/such/page", headers={"X-Request-ID": "e2e-missing-page"})
    time.sleep(0.3)
    entries = [e for e in chain.json_lines(running_chain.api.log_lines()) if e.get("request_id") == "e2e-missing-page"]
    assert {e["logger"] for e in entries} == {"django.request", "gunicorn.access"}
    warning = next(e for e in entries if e["logger"] == "django.request")
    assert (warning["level"], warning["status_code"], warning["path"]) == ("WARNING", 404, "/no/such/page")


def test_every_log_line_is_json_with_the_common_fields(running_chain: Chain, account: dict[str, str]) -> None:
    lines = running_chain.api.log_lines()
    assert len(lines) > 10
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "logger", "message"} <= set(entry), line


def test_no_secret_reaches_the_logs(running_chain: Chain, account: dict[str, str]) -> None:
    running_chain.https("GET", f"/api/v1/users/me/?token={account['access']}", headers=bearer(account["access"]))
    running_chain.https(
        "POST", "/api/v1/auth/token/", body={"email": account["email"], "password": "wrong-" + PASSWORD}
    )
    time.sleep(0.3)
    logs = running_chain.api.log() + (running_chain.workdir / "nginx" / "nginx-access.log").read_text()
    for secret in (PASSWORD, account["access"], account["refresh"], running_chain.api.env["SECRET_KEY"]):
        assert secret not in logs


def test_static_files_are_served_with_long_lived_cache_headers(running_chain: Chain) -> None:
    manifest = json.loads((Path(running_chain.api.env["STATIC_ROOT"]) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    # What a browser accepts: the README promises gzip, and only gzip, for static files.
    response = running_chain.https("GET", f"/static/{hashed}", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Content-Encoding"] == "gzip"


def test_nginx_answers_an_oversized_body_with_json(running_chain: Chain) -> None:
    response = running_chain.https("POST", "/api/v1/auth/register/", body=b"x" * (2 * 1024 * 1024))
    assert response.status == 413
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["code"] == "request_too_large"


def test_probes_answer_an_ip_host(running_chain: Chain) -> None:
    response = chain.get(running_chain.api.port, "/readyz", host="10.0.0.7")
    assert response.status == 200
    assert response.json()["checks"]["database"] == "ok"


def test_nginx_answers_json_when_the_api_is_down(workdir: Path) -> None:
    nginx = chain.start_nginx(chain.free_port(), workdir / "nginx-no-upstream")
    try:
        response = chain.request("GET", nginx.https_port, "/api/v1/users/me/", tls=chain.tls_context(nginx.certificate))
    finally:
        nginx.stop()
    assert response.status == 503
    assert response.json()["code"] == "service_unavailable"


# --- start-up and shutdown ------------------------------------------------------------------------


def test_two_replicas_starting_at_once_migrate_exactly_once(fresh_database: str, workdir: Path) -> None:
    replicas = [chain.start_api(fresh_database, workdir / f"replica-{i}", wait=False) for i in range(2)]
    try:
        for replica in replicas:
            chain.wait_until_ready(replica)
        applied = [
            next(
                e["migrations_applied"] for e in chain.json_lines(r.log_lines()) if e["message"] == "migrations applied"
            )
            for r in replicas
        ]
    finally:
        for replica in replicas:
            replica.stop()
    total = chain.query(fresh_database, "SELECT count(*) FROM django_migrations")[0][0]
    duplicates = chain.query(
        fresh_database, "SELECT app, name FROM django_migrations GROUP BY 1, 2 HAVING count(*) > 1"
    )
    assert duplicates == []
    assert sorted(applied) == [0, total]


def test_sigterm_under_load_loses_no_request(database_url: str, workdir: Path, running_chain: Chain) -> None:
    api = chain.start_api(database_url, workdir / "sigterm", WEB_CONCURRENCY="4", GUNICORN_GRACEFUL_TIMEOUT="10")
    email = "sigterm@example.com"
    assert chain.request("POST", api.port, "/api/v1/auth/register/", body={"email": email, "password": PASSWORD},
                         headers={"X-Forwarded-Proto": "https"}).status == 201  # fmt: skip
    stop_sending = threading.Event()
    results: list[tuple[float, float, int | str]] = []  # (started, finished, status or error)

    def client(slow: bool) -> None:
        while not stop_sending.is_set():
            started = time.monotonic()
            try:
                if slow:  # password hashing: ~0.5 s of work under this load, not to be cut short
                    body = {"email": email, "password": PASSWORD}
                    status: int | str = chain.request("POST", api.port, "/api/v1/auth/token/", body=body,
                                                      headers={"X-Forwarded-Proto": "https"}).status  # fmt: skip
                else:
                    status = chain.get(api.port, "/healthz").status
            except OSError as exc:
                status = type(exc).__name__
            results.append((started, time.monotonic(), status))

    # As many clients as workers, so every request is taken by a worker at once and none waits in
    # the listen backlog (which no server drains on shutdown); three of them keep the CPUs busy.
    threads = [threading.Thread(target=client, args=(i < 3,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    # As a load balancer does after a failed readiness check: no new requests, then SIGTERM.
    stop_sending.set()
    time.sleep(0.05)
    signalled = time.monotonic()
    api.signal(signal.SIGTERM)
    for thread in threads:
        thread.join(30)
    exit_code = api.popen.wait(15)
    exited = time.monotonic()

    assert exit_code == 0, api.log()
    # gunicorn kills what is left at GUNICORN_GRACEFUL_TIMEOUT; the margin is the master reaping its
    # workers on a loaded machine, well inside the 30 s that compose and Kubernetes wait.
    assert exited - signalled < 10 + 5
    assert [r for r in results if r[2] != 200] == []
    in_flight = [r for r in results if r[0] < signalled < r[1]]
    assert in_flight, "no request was in flight at SIGTERM; the test proved nothing"


def test_a_configuration_error_stops_the_start_with_its_message(database_url: str, workdir: Path) -> None:
    api = chain.start_api(database_url, workdir / "bad-config", wait=False, SECRET_KEY="", CONN_MAX_AGE="forever")
    assert api.popen.wait(30) == 78
    log = api.log()
    assert "SECRET_KEY is empty." in log
    assert "CONN_MAX_AGE='forever' is not valid" in log
    assert "Traceback" not in log


def test_an_unreachable_database_stops_the_start_after_the_wait(workdir: Path) -> None:
    dead = f"postgres://postgres@127.0.0.1:{chain.free_port()}/nothing"
    api = chain.start_api(dead, workdir / "no-db", wait=False, STARTUP_DB_WAIT_SECONDS="1")
    assert api.popen.wait(30) != 0
    assert "did not answer within 1s (STARTUP_DB_WAIT_SECONDS)" in api.log()
