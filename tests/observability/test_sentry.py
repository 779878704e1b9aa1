"""Error reports go to Sentry's real transport, received by an HTTP server on loopback."""

import gzip
import http.client
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import sentry_sdk
from django.apps import apps
from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

SECRETS = {
    "password": "body-password-5f1c",
    "token": "query-signature-9a2e",
    "authorization": "header-jwt-77d3",
    "cookie": "cookie-session-c04b",
}


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
        pass


class _QuietWSGIRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def sentry_inbox() -> Iterator[list[bytes]]:
    """Sentry initialised the way the app does it, with a DSN pointing at a loopback collector."""
    handler = type("Collector", (_Collector,), {"received": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
    with override_settings(SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="staging", SENTRY_RELEASE="3f9c2ab"):
        apps.get_app_config("observability").ready()
    try:
        yield handler.received
    finally:
        sentry_sdk.init()  # no DSN: reporting off again for the tests that follow
        server.shutdown()
        server.server_close()


def _crash() -> None:
    """A request through Django's WSGI handler, as gunicorn calls it (the test client skips the
    WSGI layer, where the SDK reads headers, cookies and the query string)."""
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=_QuietWSGIRequestHandler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
    try:
        connection.request(
            "POST",
            f"/crash/?signature={SECRETS['token']}",
            body=json.dumps({"email": "someone@example.com", "password": SECRETS["password"]}),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {SECRETS['authorization']}",
                "Cookie": f"sessionid={SECRETS['cookie']}",
                "X-Request-ID": "req-sentry-1",
            },
        )
        assert connection.getresponse().status == 500
    finally:
        connection.close()
        server.server_close()
    assert sentry_sdk.flush(timeout=10) is None


def _events(received: list[bytes]) -> list[dict[str, Any]]:
    events = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@override_settings(ROOT_URLCONF="tests.observability.failing_urls")
def test_an_unhandled_error_reaches_sentry_with_environment_release_and_request_id(
    sentry_inbox: list[bytes],
) -> None:
    _crash()
    [event] = _events(sentry_inbox)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["environment"] == "staging"
    assert event["release"] == "3f9c2ab"
    assert event["tags"]["request_id"] == "req-sentry-1"


@override_settings(ROOT_URLCONF="tests.observability.failing_urls")
def test_an_error_report_carries_no_password_token_authorization_header_or_cookie(
    sentry_inbox: list[bytes],
) -> None:
    _crash()
    sent = b"".join(sentry_inbox).decode()
    assert "RuntimeError" in sent
    leaked = [name for name, value in SECRETS.items() if value in sent]
    assert leaked == []
