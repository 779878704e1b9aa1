"""One JSON error shape for every 4xx and 5xx, from DRF views and from Django itself.

    {"status": 400, "code": "validation_error", "detail": "Invalid input.",
     "fields": {"title": ["This field is required."]}, "request_id": "…"}

`fields` appears only on validation errors. Clients branch on `code`; `detail` is for people.
"""

import logging
import sys
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, JsonResponse
from redis.exceptions import RedisError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.logging import current_request_id

logger = logging.getLogger(__name__)


def error_body(status_code: int, code: str, detail: str, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "code": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    body["request_id"] = current_request_id()
    return body


def error_response(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(status_code, code, detail), status=status_code)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped; exceptions it does not know fall through to `server_error`."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(response.status_code, "validation_error", "Invalid input.", fields)
        return response
    data = response.data if isinstance(response.data, dict) else {"detail": response.data}
    # simplejwt puts its own code ("token_not_valid", "user_inactive") beside the detail.
    code = data.get("code") or (exc.get_codes() if isinstance(exc, exceptions.APIException) else None)
    if not isinstance(code, str):
        code = getattr(exc, "default_code", "error")
    detail = data.get("detail", "")
    if isinstance(exc, exceptions.NotFound) or response.status_code == status.HTTP_404_NOT_FOUND:
        code = "not_found"
    response.data = error_body(response.status_code, code, str(detail))
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, "request_too_large", "The request body is too large.")
    return error_response(400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, "permission_denied", "You do not have permission to perform this action.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", "Not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    """500, or 503 when the cause is an unreachable database or cache: the client should retry, not
    report a bug."""
    exc = sys.exc_info()[1]
    if isinstance(exc, (OperationalError, InterfaceError, RedisError)):
        response = error_response(503, "service_unavailable", "The service is temporarily unavailable.")
        response["Retry-After"] = "5"
        return response
    return error_response(500, "server_error", "Internal server error.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", f"CSRF verification failed: {reason}")
