"""Views that fail the way production code can, to check what the client sees."""

from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.exceptions import Conflict


class Crash(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


class DatabaseDown(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise OperationalError("could not connect to server: Connection refused")


def plain_database_down(request: HttpRequest) -> HttpResponse:
    """A Django view (as the admin's are), not a DRF one."""
    raise OperationalError("could not connect to server: Connection refused")


class ServiceRefuses(APIView):
    """A service raising Django's ValidationError, as apps/*/services.py do."""

    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise ValidationError({"email": ["A user with this email address already exists."]})

    def post(self, request: Request) -> Response:
        raise ValidationError("Not today.")


class NoteLocked(Conflict):
    default_code = "note_locked"
    default_detail = "The note is locked."


class DomainConflict(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise NoteLocked()


urlpatterns = [
    path("crash/", Crash.as_view()),
    path("database-down/", DatabaseDown.as_view()),
    path("plain-database-down/", plain_database_down),
    path("service-refuses/", ServiceRefuses.as_view()),
    path("domain-conflict/", DomainConflict.as_view()),
]
handler500 = "apps.core.errors.server_error"
