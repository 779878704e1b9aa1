"""One JSON error shape for every 4xx and 5xx, from DRF views and from Django itself.

    {"status": 400, "code": "validation_error", "detail": "Invalid input.",
     "fields": {"title": ["This field is required."]}, "request_id": "…"}

`fields` appears only on validation errors. Clients branch on `code`; `detail` is for people.
The codes are the classes of apps.core.exceptions; this module only maps exceptions onto them.
"""

import logging
import sys
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler, set_rollback

from apps.core import exceptions as errors
from apps.core.logging import current_request_id
from apps.core.outages import is_outage

logger = logging.getLogger(__name__)


def error_body(status_code: int, code: str, detail: str, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status_code, "code": code, "detail": detail}
    if fields is not None:
        body["fields"] = fields
    body["request_id"] = current_request_id()
    return body


def _django_fields(exc: DjangoValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {
            api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
            for name, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def error_for(exc: BaseException | None) -> errors.ApiError | None:
    """The declared error an exception stands for, or None for a bug (a 500)."""
    if isinstance(exc, errors.ApiError):
        return exc
    if isinstance(exc, DjangoValidationError):
        return errors.ValidationFailed(fields=_django_fields(exc))
    if isinstance(exc, RequestDataTooBig):
        return errors.RequestTooLarge()
    if is_outage(exc):
        return errors.ServiceUnavailable()
    if isinstance(exc, Http404):
        return errors.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return errors.PermissionDenied()
    if isinstance(exc, SuspiciousOperation):  # a bad Host, too many fields: Django answers 400
        return errors.BadRequest()
    return None


def error_response(error: errors.ApiError) -> JsonResponse:
    response = JsonResponse(
        error_body(error.status_code, error.default_code, error.detail, error.fields), status=error.status_code
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


def status_response(status_code: int) -> JsonResponse:
    """The generic error of a status that arrives without its exception."""
    return error_response(errors.for_status(status_code)())


def log_outage(error: errors.ApiError, exc: BaseException) -> None:
    if error.status_code >= 500:  # no traceback from Django for an answer it did not fail to make
        logger.error("%s: %s", error.default_code, exc, exc_info=exc)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped; exceptions it does not know fall through to `server_error`."""
    error = error_for(exc)
    if error is not None:
        set_rollback()
        log_outage(error, exc)
        body = error_body(error.status_code, error.default_code, error.detail, error.fields)
        return Response(body, status=error.status_code, headers=error.headers)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        response.data = error_body(
            response.status_code, errors.ValidationFailed.default_code, errors.ValidationFailed.default_detail, fields
        )
        return response
    data = response.data if isinstance(response.data, dict) else {"detail": response.data}
    # simplejwt puts its own code ("token_not_valid", "user_inactive") beside the detail.
    code = data.get("code") or (exc.get_codes() if isinstance(exc, exceptions.APIException) else None)
    if not isinstance(code, str):
        code = errors.for_status(response.status_code).default_code
    response.data = error_body(response.status_code, code, str(data.get("detail", "")))
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(error_for(exception) or errors.BadRequest())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(errors.PermissionDenied())


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(errors.NotFound())


def server_error(request: HttpRequest) -> JsonResponse:
    """500, unless the exception is a declared error (an unreachable database is a 503)."""
    return error_response(error_for(sys.exc_info()[1]) or errors.ServerError())


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(errors.CsrfFailed(f"{errors.CsrfFailed.default_detail[:-1]}: {reason}"))
