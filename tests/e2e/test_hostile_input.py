"""Hostile input, sent as raw bytes straight to gunicorn and through nginx, with DEBUG on and off.

Every case must answer the API's JSON error shape with the same status and code in all four
set-ups, and never a 500. The exceptions are requests gunicorn refuses before Django runs
(`REFUSED_BY_GUNICORN`): reached directly, gunicorn answers those with its own HTML page, which no
setting changes (README, "Deploying behind nginx"); through nginx they are JSON like the rest.
"""

import base64
import http.client
import json
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import chain

PASSWORD = "hostile-long-passphrase-3391"
EMAIL = "hostile@example.com"


@dataclass
class Target:
    """One way in: gunicorn directly or nginx, in front of an API with DEBUG on or off."""

    name: str
    api: chain.Api
    nginx: chain.Nginx | None
    token: str = ""

    def send(self, raw: bytes) -> chain.Response:
        if self.nginx is None:
            sock = socket.create_connection(("127.0.0.1", self.api.port), timeout=20)
        else:
            plain = socket.create_connection(("127.0.0.1", self.nginx.https_port), timeout=20)
            sock = chain.tls_context(self.nginx.certificate).wrap_socket(plain, server_hostname=chain.SERVER_NAME)
        with sock:
            sock.sendall(raw)
            response = http.client.HTTPResponse(sock)
            response.begin()
            return chain.Response(response.status, response.headers, response.read())


def http_request(
    method: str = "GET",
    target: str = "/api/v1/notes/",
    *,
    headers: dict[str, str] | None = None,
    extra: bytes = b"",
    body: bytes = b"",
    token: str = "",
) -> bytes:
    """A request as bytes, so nothing between the test and the server cleans it up."""
    lines = [f"{method} {target} HTTP/1.1".encode("latin-1"), f"Host: {chain.SERVER_NAME}".encode()]
    all_headers = {"Connection": "close", **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    if body:
        all_headers.setdefault("Content-Type", "application/json")
        all_headers.setdefault("Content-Length", str(len(body)))
    lines += [f"{name}: {value}".encode("latin-1") for name, value in all_headers.items()]
    return b"\r\n".join(lines) + b"\r\n" + extra + b"\r\n" + body


def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


NUL_PARAMETERS = ["search", "ordering", "is_archived", "created_after", "page_size", "cursor", "unknown"]


Build = Callable[[str], bytes]  # a request, given the access token of the test's account
Case = tuple[str, Build, int, str]  # name, request, expected status, expected code ("" if not an error)
NOTES = "/api/v1/notes/"
TOKEN = "/api/v1/auth/token/"


def get(target: str = NOTES, **kwargs: Any) -> Build:
    return lambda token: http_request("GET", target, token=token, **kwargs)


def post(target: str, body: bytes, **kwargs: Any) -> Build:
    return lambda token: http_request("POST", target, token=token, body=body, **kwargs)


def method(name: str) -> Build:
    return lambda token: http_request(name, token=token)


CASES: list[Case] = [
    ("deep JSON nesting", post(TOKEN, b"[" * 100_000), 400, "parse_error"),
    ("deep JSON nesting in an object", post(NOTES, b'{"a":' * 50_000), 400, "parse_error"),
    ("a number of 5000 digits", post(TOKEN, b'{"email": 1' + b"0" * 5000 + b"}"), 400, "parse_error"),
    ("an infinite number", post(NOTES, b'{"title": 1e999999}'), 201, ""),
    ("a huge page size", get(f"{NOTES}?page_size={'9' * 400}"), 200, ""),
    ("a 5000-byte request line", get(f"{NOTES}?search={'x' * 5000}"), 200, ""),
    ("a huge id", get(f"{NOTES}{'9' * 40}/"), 404, "not_found"),
    ("invalid UTF-8 in the body", post(NOTES, b'{"title": "\xff\xfe"}'), 400, "parse_error"),
    ("invalid UTF-8 in the query", get(f"{NOTES}?search=%ff%fe"), 200, ""),
    ("invalid UTF-8 in the path", get(f"{NOTES}%ff/"), 404, "not_found"),
    ("NUL in the path", get(f"{NOTES}%00/"), 400, "bad_request"),
    ("NUL in a JSON string", post(NOTES, b'{"title": "a\\u0000b"}'), 400, "validation_error"),
    ("NUL in a JSON key", post(NOTES, b'{"ti\\u0000tle": "a"}'), 400, "validation_error"),
    *[(f"NUL in ?{name}=", get(f"{NOTES}?{name}=a%00b"), 400, "bad_request") for name in NUL_PARAMETERS],
    ("NUL in a query parameter name", get(f"{NOTES}?se%00arch=a"), 400, "bad_request"),
    ("a cursor of garbage", get(f"{NOTES}?cursor={cursor('p=garbage')}"), 400, "invalid_cursor"),
    ("a cursor with a NUL", get(f"{NOTES}?ordering=title&cursor={cursor('p=a%00b')}"), 400, "invalid_cursor"),
    ("a cursor that is not base64", get(f"{NOTES}?cursor=%C3%A9"), 400, "invalid_cursor"),
    ("TRACE", method("TRACE"), 405, "method_not_allowed"),
    ("PROPFIND", method("PROPFIND"), 405, "method_not_allowed"),
    ("an unknown URL", get("/no/such/page"), 404, "not_found"),
    ("a form body", post(NOTES, b"title=x", headers={"Content-Type": "application/x-www-form-urlencoded"}),
     415, "unsupported_media_type"),
    ("a body over 1 MiB", post(NOTES, b'{"title": "' + b"x" * 2_000_000 + b'"}'), 413, "request_too_large"),
    ("a forged token", lambda token: http_request(token="x.y.z"), 401, "token_not_valid"),
]  # fmt: skip

REFUSED_BY_GUNICORN: list[Case] = [
    ("a Content-Length not a number", post(NOTES, b"{}", headers={"Content-Length": "abc"}), 400, "bad_request"),
    ("a method with a character no method has", method("G@T"), 400, "bad_request"),
    ("a request line over 8 KiB", get(f"{NOTES}?q={'x' * 9000}"), 414, "uri_too_long"),
    ("a header over 8 KiB", get(headers={"X-Padding": "x" * 9000}), 431, "headers_too_large"),
    ("150 headers", get(headers={f"X-Header-{i}": "x" for i in range(150)}), 431, "headers_too_large"),
    ("a NUL in a header value", get(extra=b"X-Evil: a\x00b\r\n"), 400, "bad_request"),
    ("a lone CR inside a header value", get(extra=b"X-Evil: a\rb\r\n"), 400, "bad_request"),
]  # fmt: skip


@pytest.fixture(scope="module", params=["production", "debug"])
def api(request: pytest.FixtureRequest, database_url: str, workdir: Path) -> Iterator[chain.Api]:
    debug = request.param == "debug"
    api = chain.start_api(
        database_url,
        workdir / f"hostile-{request.param}",
        DEBUG="true" if debug else "false",
        SECURE_SSL_REDIRECT="false",
        WEB_CONCURRENCY="1",
    )
    yield api
    api.stop()


@pytest.fixture(scope="module")
def nginx(api: chain.Api, workdir: Path) -> Iterator[chain.Nginx]:
    nginx = chain.start_nginx(api.port, workdir / f"hostile-nginx-{api.port}")
    yield nginx
    nginx.stop()


@pytest.fixture(scope="module", params=["direct", "nginx"])
def target(request: pytest.FixtureRequest, api: chain.Api, nginx: chain.Nginx) -> Target:
    target = Target(f"{request.param}, DEBUG={api.env['DEBUG']}", api, nginx if request.param == "nginx" else None)
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    target.send(http_request("POST", "/api/v1/auth/register/", body=body))  # 201, or 400 once it exists
    tokens = target.send(http_request("POST", "/api/v1/auth/token/", body=body))
    assert tokens.status == 200, tokens.body
    target.token = tokens.json()["access"]
    return target


def assert_json_error(response: chain.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status == status, response.body[:300]
    assert response.headers["Content-Type"] == "application/json", response.body[:300]
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert set(body) >= {"status", "code", "detail", "request_id"}
    return dict(body)


@pytest.mark.parametrize(("name", "build", "status", "code"), CASES, ids=[case[0] for case in CASES])
def test_hostile_request_answers_json_with_its_status(
    target: Target, name: str, build: Callable[[str], bytes], status: int, code: str
) -> None:
    response = target.send(build(target.token))
    if code:
        assert_json_error(response, status, code)
    else:  # harmless once parsed: answered normally, as JSON
        assert response.status == status, response.body[:300]
        assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("name", "build", "status", "code"), REFUSED_BY_GUNICORN, ids=[case[0] for case in REFUSED_BY_GUNICORN]
)
def test_request_gunicorn_refuses_is_json_through_nginx(
    target: Target, name: str, build: Callable[[str], bytes], status: int, code: str
) -> None:
    response = target.send(build(target.token))
    if target.nginx is not None:
        assert_json_error(response, status, code)
    else:  # documented: gunicorn's own answer, before Django runs
        assert response.status == status
        assert response.headers["Content-Type"].startswith("text/html")


def test_not_found_detail_is_the_same_with_debug_on_and_off(target: Target) -> None:
    body = assert_json_error(target.send(http_request(target="/no/such/page")), 404, "not_found")
    assert body["detail"] == "Not found."


def test_a_forged_request_id_is_replaced_everywhere(target: Target) -> None:
    forged = 'x", "status": 200, "admin": true, "z": "'
    for build in (
        lambda: http_request(target="/no/such/page", headers={"X-Request-ID": forged}),
        lambda: http_request("POST", "/api/v1/notes/", headers={"X-Request-ID": forged}, body=b"x" * 2_000_000),
    ):
        response = target.send(build())
        body = response.json()
        assert set(body) == {"status", "code", "detail", "request_id"}
        assert body["request_id"] == response.headers["X-Request-ID"] != forged
        assert len(response.headers["X-Request-ID"]) == 32


def _log_lines_with(path: Path, request_id: str) -> list[dict[str, Any]]:
    # Bytes a client sent raw (not percent-encoded) are logged as they came, not always UTF-8.
    lines = [json.loads(line) for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return [line for line in lines if line.get("request_id") == request_id]


def test_one_request_id_in_nginx_log_header_body_and_django_log(target: Target) -> None:
    if target.nginx is None:
        pytest.skip("nginx's log is only written through nginx")
    for sent in ("hostile-trace-1", "bad id\tforged"):
        response = target.send(http_request(target="/no/such/page", headers={"X-Request-ID": sent}))
        request_id = response.headers["X-Request-ID"]
        assert response.json()["request_id"] == request_id
        time.sleep(0.3)  # both access lines are written after the response
        nginx_log = Path(target.nginx.log_path).parent / "nginx-access.log"
        assert [line["status"] for line in _log_lines_with(nginx_log, request_id)] == [404]
        django = {line["logger"] for line in _log_lines_with(target.api.log_path, request_id)}
        assert django == {"django.request", "gunicorn.access"}
        if sent == "hostile-trace-1":
            assert request_id == sent


def test_nginx_tells_the_client_when_to_retry_when_the_api_is_down(workdir: Path) -> None:
    nginx = chain.start_nginx(chain.free_port(), workdir / "hostile-nginx-no-upstream")
    try:
        response = Target("nginx, no upstream", api=None, nginx=nginx).send(http_request())  # type: ignore[arg-type]
    finally:
        nginx.stop()
    assert_json_error(response, 503, "service_unavailable")
    assert response.headers.get_all("Retry-After") == ["5"]
