"""Password reset and email verification endpoints: thin views over apps.users.accounts.

The endpoints that take an address answer 202 with the same body whether or not an account has
it; they share the strict `auth` throttle with login and registration.
"""

from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

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


class AccountEndpoint(AuthThrottleMixin, generics.GenericAPIView):
    """Validates the body with `serializer_class` and passes it to `service`.

    Anonymous by design: the link or the address is all the caller has. Answers 202 with
    `accepted` as the detail, or 204 when there is nothing to say.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]
    service: Callable[..., None]
    accepted: str | None = None

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        type(self).service(**serializer.validated_data)
        if self.accepted is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response({"detail": self.accepted}, status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["auth"], responses={202: AcceptedSerializer})
class PasswordResetRequestView(AccountEndpoint):
    """Email a password-reset link. The answer is the same whether or not the address has an account."""

    serializer_class = EmailSerializer
    service = accounts.password_reset_request
    accepted = RESET_REQUESTED


@extend_schema(
    tags=["auth"], responses={204: OpenApiResponse(description="Password set; every token the user held is revoked.")}
)
class PasswordResetConfirmView(AccountEndpoint):
    """Set a new password with the uid and token from a reset link (single-use, expiring)."""

    serializer_class = PasswordResetConfirmSerializer
    service = accounts.password_reset_confirm


@extend_schema(tags=["auth"], responses={204: OpenApiResponse(description="Address verified.")})
class EmailVerifyView(AccountEndpoint):
    """Verify the address with the uid and token from a verification link."""

    serializer_class = AccountLinkSerializer
    service = accounts.email_verify


@extend_schema(tags=["auth"], responses={202: AcceptedSerializer})
class EmailVerificationResendView(AccountEndpoint):
    """Email a new verification link. The answer is the same whether or not the address has an account."""

    serializer_class = EmailSerializer
    service = accounts.email_verification_resend
    accepted = VERIFICATION_RESENT
