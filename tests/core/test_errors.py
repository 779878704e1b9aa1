"""Every error, from DRF or from Django itself, is JSON of one shape; bad input is never a 500."""

from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

ERROR_KEYS = {"status", "code", "detail", "request_id"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) >= ERROR_KEYS
    assert (body["status"], body["code"]) == (status, code)
    return body


def test_unknown_url_is_a_json_404() -> None:
    assert_error(Client().get("/no/such/page"), 404, "not_found")


def test_unknown_host_is_a_json_400() -> None:
    assert_error(Client(HTTP_HOST="evil.example").get("/api/v1/users/me/"), 400, "bad_request")


@pytest.mark.django_db
def test_malformed_json_is_a_400(auth_client: APIClient) -> None:
    response = auth_client.patch("/api/v1/users/me/", data="{not json", content_type="application/json")
    body = assert_error(response, 400, "parse_error")
    assert "JSON parse error" in body["detail"]


@pytest.mark.django_db
def test_wrong_content_type_is_a_415(auth_client: APIClient) -> None:
    response = auth_client.patch(
        "/api/v1/users/me/", data="full_name=x", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.django_db
def test_oversized_body_is_a_413(auth_client: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = auth_client.patch("/api/v1/users/me/", data={"full_name": "y" * 2000}, format="json")
    assert_error(response, 413, "request_too_large")


@pytest.mark.django_db
def test_validation_errors_name_each_field(auth_client: APIClient) -> None:
    response = auth_client.patch("/api/v1/users/me/", data={"full_name": "x" * 151}, format="json")
    body = assert_error(response, 400, "validation_error")
    assert body["fields"] == {"full_name": ["Ensure this field has no more than 150 characters."]}


def test_method_not_allowed_is_json(api_client: APIClient) -> None:
    assert_error(api_client.get("/api/v1/auth/token/"), 405, "method_not_allowed")


@pytest.fixture
def failing_urls(settings) -> Client:  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.core.failing_urls"
    return Client(raise_request_exception=False)


def test_unhandled_exception_is_a_json_500(failing_urls: Client) -> None:
    assert_error(failing_urls.get("/crash/"), 500, "server_error")


def test_database_outage_is_a_503_with_retry_after(failing_urls: Client) -> None:
    response = failing_urls.get("/database-down/")
    assert_error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "5"


def test_error_carries_the_request_id(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/users/me/", HTTP_X_REQUEST_ID="trace-123")
    assert response["X-Request-ID"] == "trace-123"
    assert response.json()["request_id"] == "trace-123"


def test_unsafe_request_id_is_replaced(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/users/me/", HTTP_X_REQUEST_ID="bad id\nforged log line")
    assert response["X-Request-ID"] != "bad id\nforged log line"
    assert len(response["X-Request-ID"]) == 32


def test_csrf_failure_is_json() -> None:
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "a", "password": "b"})
    assert_error(response, 403, "csrf_failed")


class TestWithDebugOn:
    """Django's DEBUG pages are HTML; the API still answers JSON (the traceback is in the log)."""

    @pytest.fixture(autouse=True)
    def _debug(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.DEBUG = True

    def test_unknown_url(self) -> None:
        body = assert_error(Client().get("/no/such/page"), 404, "not_found")
        assert body["detail"] == "Not Found"

    def test_unknown_host(self) -> None:
        assert_error(Client(HTTP_HOST="evil.example").get("/api/v1/users/me/"), 400, "bad_request")

    def test_crash(self, failing_urls: Client) -> None:
        assert_error(failing_urls.get("/crash/"), 500, "server_error")
