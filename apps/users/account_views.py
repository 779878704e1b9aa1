"""Password reset and email verification endpoints: thin views over apps.users.accounts.

The endpoints that take an address answer 202 with the same body whether or not an account has
it; they share the strict `auth` throttle with login and registration.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.users import accounts
from apps.users.serializers import (
    AcceptedSerializer,
    AccountLinkSerializer,
    EmailSerializer,
    PasswordResetConfirmSerializer,
)
from apps.users.views import AuthThrottleMixin

RESET_REQUESTED = "If an account has this address, a link to reset its password is on its way."
VERIFICATION_RESENT = "If this address awaits verification, a new link is on its way."


class AccountEndpoint(AuthThrottleMixin, APIView):
    """Anonymous by design: the link or the address is all the caller has."""

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]


def accepted(detail: str) -> Response:
    return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["auth"], request=EmailSerializer, responses={202: AcceptedSerializer})
class PasswordResetRequestView(AccountEndpoint):
    """Email a password-reset link. The answer is the same whether or not the address has an account."""

    def post(self, request: Request) -> Response:
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accounts.password_reset_request(**serializer.validated_data)
        return accepted(RESET_REQUESTED)


@extend_schema(
    tags=["auth"],
    request=PasswordResetConfirmSerializer,
    responses={204: OpenApiResponse(description="Password set; every token the user held is revoked.")},
)
class PasswordResetConfirmView(AccountEndpoint):
    """Set a new password with the uid and token from a reset link (single-use, expiring)."""

    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accounts.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["auth"], request=AccountLinkSerializer, responses={204: OpenApiResponse(description="Address verified.")}
)
class EmailVerifyView(AccountEndpoint):
    """Verify the address with the uid and token from a verification link."""

    def post(self, request: Request) -> Response:
        serializer = AccountLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accounts.email_verify(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["auth"], request=EmailSerializer, responses={202: AcceptedSerializer})
class EmailVerificationResendView(AccountEndpoint):
    """Email a new verification link. The answer is the same whether or not the address has an account."""

    def post(self, request: Request) -> Response:
        serializer = EmailSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        accounts.email_verification_resend(**serializer.validated_data)
        return accepted(VERIFICATION_RESENT)
