import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.core.errors import error_response
from apps.core.health import readiness
from apps.core.logging import request_id_var

Handler = Callable[[HttpRequest], HttpResponse]

# A client-sent id is kept only if it is short and plain, so it cannot forge log lines.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

# Keys in the WSGI environ (Django's request.META *is* the environ) that gunicorn's access logger
# reads back after the response, so its line carries the same request id and user.
ENVIRON_REQUEST_ID = "app.request_id"
ENVIRON_USER_ID = "app.user_id"


# Codes for error pages that reach JsonErrorMiddleware as HTML (Django's DEBUG pages).
_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    500: "server_error",
    503: "service_unavailable",
}


class JsonErrorMiddleware:
    """Turns any error page that is not JSON into the API's error shape.

    The handlers in apps.core.errors cover production; with DEBUG on, Django answers a 404 or a
    bad Host with its HTML debug page instead. Clients of this API never parse HTML, in any
    environment; the traceback is in the log either way.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            replacement = error_response(
                response.status_code, _CODES.get(response.status_code, "error"), response.reason_phrase
            )
            for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response


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
        request_id = sent if _VALID_REQUEST_ID.match(sent) else uuid.uuid4().hex
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
