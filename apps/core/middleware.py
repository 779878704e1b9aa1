import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core import exceptions
from apps.core.errors import error_for, error_response, log_outage, status_response
from apps.core.health import readiness
from apps.core.logging import request_id_var, valid_request_id

Handler = Callable[[HttpRequest], HttpResponse]

# Keys in the WSGI environ (Django's request.META *is* the environ) that gunicorn's access logger
# reads back after the response, so its line carries the same request id and user.
ENVIRON_REQUEST_ID = "app.request_id"
ENVIRON_USER_ID = "app.user_id"


class JsonErrorMiddleware:
    """Turns any error page that is not JSON into the API's error shape.

    The handlers in apps.core.errors cover production; with DEBUG on, Django answers a 404 or a
    bad Host with its HTML debug page instead. Clients of this API never parse HTML, in any
    environment; the traceback is in the log either way. A declared error raised by a view
    (apps.core.exceptions, a database outage) is answered here before Django's DEBUG page can
    change its status.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            replacement = status_response(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = error_for(exception)
        if error is None or error.status_code == 500:
            return None  # a bug: Django logs the traceback and handler500 answers
        log_outage(error, exception)
        return error_response(error)


class RejectNulMiddleware:
    """A NUL byte in the path or the query string is a 400 (as nginx answers it), before any of it
    reaches a query.

    PostgreSQL refuses NUL in text, and psycopg raises ValueError (a 500) wherever a filter,
    search term or ordering carries one into SQL. Bodies are covered by DRF's CharField, which
    refuses NUL itself.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in text for key, values in request.GET.lists() for text in (key, *values)
        ):
            return error_response(exceptions.BadRequest())
        return self.get_response(request)


class HealthProbeMiddleware:
    """Answers /healthz and /readyz before any other middleware reads the Host header.

    Probes come from kubelets and load balancers that address the pod or host by IP, which is not
    in ALLOWED_HOSTS; they must also bypass throttling, SSL redirects and authentication.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            ready, checks = readiness()
            return JsonResponse(
                {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
            )
        return self.get_response(request)


class RequestIdMiddleware:
    """Takes X-Request-ID from the client (nginx sets one) or makes one, and returns it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if valid_request_id(sent) else uuid.uuid4().hex
        request.META[ENVIRON_REQUEST_ID] = request_id
        # Cleared by apps.core.apps on request_finished, not here: Django logs a 4xx/5xx after
        # the middleware chain returns, and that line must carry the id too.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.META[ENVIRON_USER_ID] = str(user.pk)
        return response
