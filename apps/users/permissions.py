from django.conf import settings
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class RegistrationOpen(BasePermission):
    message = "Registration is closed."
    code = "registration_closed"

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(settings.REGISTRATION_ENABLED)
