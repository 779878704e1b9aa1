import json
import logging
import sys

import pytest
from django.test import Client

from apps.core.logging import JsonFormatter, RequestContextFilter, TextFormatter, current_request_id, request_id_var


def record(message: str = "hello %s", args: tuple = ("world",), **extra: object) -> logging.LogRecord:  # type: ignore[type-arg]
    entry = logging.LogRecord("apps.test", logging.WARNING, __file__, 1, message, args, None)
    entry.__dict__.update(extra)
    RequestContextFilter().filter(entry)
    return entry


def test_json_line_has_the_common_fields_and_the_request_id() -> None:
    token = request_id_var.set("req-1")
    try:
        line = json.loads(JsonFormatter().format(record(status=201)))
    finally:
        request_id_var.reset(token)
    assert line["level"] == "WARNING"
    assert line["logger"] == "apps.test"
    assert line["message"] == "hello world"
    assert line["request_id"] == "req-1"
    assert line["status"] == 201
    assert line["time"].endswith("+00:00")


def test_secret_looking_fields_are_redacted() -> None:
    line = json.loads(JsonFormatter().format(record(password="hunter2", refresh_token="abc", api_key="k")))
    assert line["password"] == line["refresh_token"] == line["api_key"] == "[redacted]"


def test_a_request_is_logged_without_its_query_string() -> None:
    class FakeRequest:
        method = "GET"
        path = "/api/v1/users/me/"

        def __repr__(self) -> str:
            return "<WSGIRequest: GET '/api/v1/users/me/?token=secret'>"

    line = JsonFormatter().format(record(request=FakeRequest()))
    assert "secret" not in line
    assert json.loads(line)["path"] == "/api/v1/users/me/"


def test_exceptions_are_kept_in_one_line() -> None:
    try:
        raise ValueError("bad")
    except ValueError:
        entry = record()
        entry.exc_info = sys.exc_info()
    line = JsonFormatter().format(entry)
    assert "\n" not in line
    assert "ValueError: bad" in json.loads(line)["exception"]


def test_text_format_is_readable() -> None:
    line = TextFormatter().format(record(status=404))
    assert "WARNING apps.test: hello world [status=404]" in line


def test_text_format_escapes_line_breaks_and_control_characters() -> None:
    line = TextFormatter().format(record("Not Found: %s", ("/a\nFORGED 12:00:00 INFO x\r\x1b[31m\u2028",), path="/b\n"))
    assert not {"\n", "\r", "\x1b", "\u2028"} & set(line)
    assert "/a\\nFORGED 12:00:00 INFO x\\r\\x1b[31m\\u2028" in line
    assert "path=/b\\n" in line


@pytest.mark.django_db
def test_request_id_is_forgotten_when_the_response_is_closed() -> None:
    response = Client().get("/api/v1/users/me/", HTTP_X_REQUEST_ID="closing-1")
    assert response["X-Request-ID"] == "closing-1"
    assert current_request_id() is None
