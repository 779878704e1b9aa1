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


@pytest.mark.django_db  # the login throttle counts in the database before the body is parsed
def test_deeply_nested_json_is_a_400(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/token/", data="[" * 100_000, content_type="application/json")
    body = assert_error(response, 400, "parse_error")
    assert "nested too deeply" in body["detail"]


def test_django_validation_error_from_a_service_names_each_field(failing_urls: Client) -> None:
    body = assert_error(failing_urls.get("/service-refuses/"), 400, "validation_error")
    assert body["fields"] == {"email": ["A user with this email address already exists."]}


def test_django_validation_error_without_a_field_is_a_non_field_error(failing_urls: Client) -> None:
    body = assert_error(failing_urls.post("/service-refuses/"), 400, "validation_error")
    assert body["fields"] == {"non_field_errors": ["Not today."]}


def test_a_domain_error_answers_its_own_status_code_and_detail(failing_urls: Client) -> None:
    body = assert_error(failing_urls.get("/domain-conflict/"), 409, "note_locked")
    assert body["detail"] == "The note is locked."


@pytest.mark.django_db
def test_nul_in_a_query_parameter_is_a_400(auth_client: APIClient) -> None:
    assert_error(auth_client.get("/api/v1/users/me/", {"search": "a\x00b"}), 400, "bad_request")


@pytest.mark.django_db
def test_nul_in_a_query_parameter_name_is_a_400(auth_client: APIClient) -> None:
    assert_error(auth_client.get("/api/v1/users/me/?se%00arch=a"), 400, "bad_request")


@pytest.mark.django_db
def test_nul_in_the_path_is_a_400(auth_client: APIClient) -> None:
    assert_error(auth_client.get("/api/v1/users/%00/"), 400, "bad_request")


def _body_without_request_id(response: Any) -> dict[str, Any]:
    return {key: value for key, value in response.json().items() if key != "request_id"}


class TestWithDebugOn:
    """Django's DEBUG pages are HTML; the API still answers JSON (the traceback is in the log),
    with the status, code and detail it answers with DEBUG off."""

    @pytest.fixture(autouse=True)
    def _debug(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.DEBUG = True

    def test_unknown_url_has_the_production_body(self, settings) -> None:  # type: ignore[no-untyped-def]
        debug = Client().get("/no/such/page")
        settings.DEBUG = False
        production = Client().get("/no/such/page")
        assert_error(debug, 404, "not_found")
        assert _body_without_request_id(debug) == _body_without_request_id(production)

    def test_unknown_host(self) -> None:
        assert_error(Client(HTTP_HOST="evil.example").get("/api/v1/users/me/"), 400, "bad_request")

    def test_crash(self, failing_urls: Client) -> None:
        assert_error(failing_urls.get("/crash/"), 500, "server_error")

    def test_database_outage_is_a_503_with_retry_after(self, failing_urls: Client) -> None:
        response = failing_urls.get("/database-down/")
        assert_error(response, 503, "service_unavailable")
        assert response["Retry-After"] == "5"

    def test_database_outage_in_a_django_view_is_a_503(self, failing_urls: Client) -> None:
        response = failing_urls.get("/plain-database-down/")
        assert_error(response, 503, "service_unavailable")
        assert response["Retry-After"] == "5"

    @pytest.mark.django_db
    def test_oversized_body_is_a_413(self, auth_client: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        response = auth_client.patch("/api/v1/users/me/", data={"full_name": "y" * 2000}, format="json")
        assert_error(response, 413, "request_too_large")

    @pytest.mark.django_db
    def test_deeply_nested_json_is_a_400(self, api_client: APIClient) -> None:
        response = api_client.post("/api/v1/auth/token/", data="[" * 100_000, content_type="application/json")
        assert_error(response, 400, "parse_error")
