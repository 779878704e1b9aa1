from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Handler = Callable[[HttpRequest], HttpResponse]


class ContentSecurityPolicyMiddleware:
    """Sets Content-Security-Policy on every answer, as SecurityMiddleware sets the other headers.

    Django 5.2 has no CSP support of its own (6.0 adds it). HTML pages (the docs UI and the admin)
    get CONTENT_SECURITY_POLICY_HTML, everything else the stricter CONTENT_SECURITY_POLICY.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        policy = settings.CONTENT_SECURITY_POLICY_HTML if is_html else settings.CONTENT_SECURITY_POLICY
        response.setdefault("Content-Security-Policy", policy)
        return response
