"""The API's error codes, declared once: one exception class per code, with its status and detail.

Services raise these (or Django's ValidationError) and import nothing from DRF; apps.core.errors
turns them into the one JSON error shape. Everything else that speaks of an error code is derived
from this table (Django's error handlers, the middleware, the OpenAPI responses) or tested against
it (the JSON bodies nginx answers with, DRF's own exception classes).

Like DRF's `APIException`, each class carries `status_code`, `default_code` and `default_detail`;
a subclass in an app (`class NoteLocked(Conflict): default_code = "note_locked"`) is a new code.
"""

from typing import Any


class ApiError(Exception):
    """An error the client caused or can act on. Not raised itself: raise a subclass."""

    status_code = 500
    default_code = "server_error"
    default_detail = "Internal server error."
    headers: dict[str, str] = {}

    def __init__(self, detail: str | None = None, *, fields: dict[str, Any] | None = None) -> None:
        self.detail = detail or self.default_detail
        self.fields = fields
        super().__init__(self.detail)


class BadRequest(ApiError):
    status_code = 400
    default_code = "bad_request"
    default_detail = "The request could not be understood."


class ValidationFailed(ApiError):
    """Invalid input; `fields` maps each field name (or non_field_errors) to its messages."""

    status_code = 400
    default_code = "validation_error"
    default_detail = "Invalid input."


class ParseError(ApiError):
    status_code = 400
    default_code = "parse_error"
    default_detail = "Malformed request."


class InvalidCursor(ApiError):
    status_code = 400
    default_code = "invalid_cursor"
    default_detail = "Invalid cursor."


class NotAuthenticated(ApiError):
    status_code = 401
    default_code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."


class AuthenticationFailed(ApiError):
    status_code = 401
    default_code = "authentication_failed"
    default_detail = "Incorrect authentication credentials."


class TokenNotValid(AuthenticationFailed):
    """simplejwt's code for a token that is malformed, expired or revoked."""

    default_code = "token_not_valid"
    default_detail = "Token is invalid or expired"


class PermissionDenied(ApiError):
    status_code = 403
    default_code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class CsrfFailed(ApiError):
    status_code = 403
    default_code = "csrf_failed"
    default_detail = "CSRF verification failed."


class NotFound(ApiError):
    status_code = 404
    default_code = "not_found"
    default_detail = "Not found."


class MethodNotAllowed(ApiError):
    status_code = 405
    default_code = "method_not_allowed"
    default_detail = "Method not allowed."


class NotAcceptable(ApiError):
    status_code = 406
    default_code = "not_acceptable"
    default_detail = "Could not satisfy the request Accept header."


class RequestTimeout(ApiError):
    status_code = 408
    default_code = "request_timeout"
    default_detail = "The request was not received in time."


class Conflict(ApiError):
    status_code = 409
    default_code = "conflict"
    default_detail = "The request conflicts with the current state of the resource."


class LengthRequired(ApiError):
    status_code = 411
    default_code = "length_required"
    default_detail = "The request needs a Content-Length header."


class RequestTooLarge(ApiError):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is too large."


class UriTooLong(ApiError):
    status_code = 414
    default_code = "uri_too_long"
    default_detail = "The request URI is too long."


class UnsupportedMediaType(ApiError):
    status_code = 415
    default_code = "unsupported_media_type"
    default_detail = "Unsupported media type: send application/json."


class ExpectationFailed(ApiError):
    status_code = 417
    default_code = "expectation_failed"
    default_detail = "The Expect header cannot be met."


class Throttled(ApiError):
    status_code = 429
    default_code = "throttled"
    default_detail = "Request was throttled."


class HeadersTooLarge(ApiError):
    status_code = 431
    default_code = "headers_too_large"
    default_detail = "The request headers are too large."


class ServerError(ApiError):
    pass


class NotImplementedByServer(ApiError):
    status_code = 501
    default_code = "not_implemented"
    default_detail = "The server does not support this request."


class ServiceUnavailable(ApiError):
    """A dependency (the database) is down: the client should retry, not report a bug."""

    status_code = 503
    default_code = "service_unavailable"
    default_detail = "The service is temporarily unavailable."
    headers = {"Retry-After": "5"}


class HttpVersionNotSupported(ApiError):
    status_code = 505
    default_code = "http_version_not_supported"
    default_detail = "The HTTP version is not supported."


def declared() -> list[type[ApiError]]:
    """Every error class, apps' own subclasses included, each after its parent."""
    classes = [ApiError]
    for cls in classes:
        classes.extend(cls.__subclasses__())
    return classes


def by_code() -> dict[str, type[ApiError]]:
    return {cls.default_code: cls for cls in declared()}


# The generic error of each status, for a status that comes without its exception (an HTML page
# from Django's DEBUG views, an error nginx produces itself): the first class declared for it.
BY_STATUS: dict[int, type[ApiError]] = {}
for _cls in (
    BadRequest, NotAuthenticated, PermissionDenied, NotFound, MethodNotAllowed, NotAcceptable, RequestTimeout,
    Conflict, LengthRequired, RequestTooLarge, UriTooLong, UnsupportedMediaType, ExpectationFailed, Throttled,
    HeadersTooLarge, ServerError, NotImplementedByServer, ServiceUnavailable, HttpVersionNotSupported,
):  # fmt: skip
    BY_STATUS[_cls.status_code] = _cls


def for_status(status: int) -> type[ApiError]:
    return BY_STATUS.get(status) or (BadRequest if status < 500 else ServerError)
