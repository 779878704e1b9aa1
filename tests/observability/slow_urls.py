"""Views whose request and query are slow by construction, for the slow-request and slow-SQL logs."""

import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

PAUSE_SECONDS = 0.02


def _slow_execute(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    time.sleep(PAUSE_SECONDS)
    return execute(sql, params, many, context)


class SlowQuery(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request: Request, pk: int) -> Response:
        # Installed inside the middleware's own wrapper, so its pause counts as the query's time.
        with connection.execute_wrapper(_slow_execute), connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"pk": pk})


urlpatterns = [path("slow/<int:pk>/", SlowQuery.as_view())]
