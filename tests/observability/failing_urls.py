"""A view that fails after reading a body with secrets in it, to see what an error report carries."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class CrashAfterReadingBody(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def post(self, request: Request) -> Response:
        password = request.data["password"]
        raise RuntimeError(f"a bug after reading {len(password)} characters")


urlpatterns = [path("crash/", CrashAfterReadingBody.as_view())]
handler500 = "apps.core.errors.server_error"
