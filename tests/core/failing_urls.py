"""Views that fail the way production code can, to check what the client sees."""

from django.db import OperationalError
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class Crash(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


class DatabaseDown(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [path("crash/", Crash.as_view()), path("database-down/", DatabaseDown.as_view())]
handler500 = "apps.core.errors.server_error"
