from collections.abc import Sequence
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from apps.users import accounts, services
from apps.users.models import User
from apps.users.permissions import RegistrationOpen
from apps.users.serializers import (
    AcceptedSerializer,
    LogoutSerializer,
    PasswordChangeSerializer,
    RegistrationSerializer,
    TokenObtainPairSerializer,
    TokenRefreshSerializer,
    TokenVerifySerializer,
    UserSerializer,
)
from apps.users.throttling import AuthRateThrottle

REGISTRATION_PENDING = "Check your inbox: a message with a link to finish is on its way."


class AuthThrottleMixin:
    """The strict `auth` rate for endpoints that check a password or take a credential."""

    throttle_classes: Sequence[type[BaseThrottle]] = [AuthRateThrottle]


@extend_schema(tags=["auth"])
class TokenObtainView(AuthThrottleMixin, jwt_views.TokenObtainPairView):
    """Exchange email and password for an access and a refresh token."""

    serializer_class = TokenObtainPairSerializer


@extend_schema(tags=["auth"])
class TokenRefreshView(AuthThrottleMixin, jwt_views.TokenRefreshView):
    """Exchange a refresh token for a new access and refresh token; the old one stops working.

    Presenting a refresh token that was already exchanged ends its whole session (401 token_reused).
    """

    serializer_class = TokenRefreshSerializer


@extend_schema(tags=["auth"])
class TokenVerifyView(jwt_views.TokenVerifyView):
    """Check that a token is valid and not revoked: 200 exactly when the API would accept it."""

    serializer_class = TokenVerifySerializer


@extend_schema(tags=["auth"], request=LogoutSerializer, responses={204: OpenApiResponse(description="Logged out.")})
class LogoutView(AuthThrottleMixin, APIView):
    """End the session of a refresh token: it and the access tokens of that login stop working.

    Holding the refresh token is the credential, so no access token is needed.
    """

    authentication_classes: list[Any] = []
    permission_classes = [permissions.AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # A bad refresh token is a 401 with a challenge, as on simplejwt's own token views.
        return 'Bearer realm="api"'

    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.refresh_token_revoke(refresh=RefreshToken(serializer.validated_data["refresh"]))
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["auth"],
    request=RegistrationSerializer,
    responses={
        201: UserSerializer,
        202: OpenApiResponse(
            AcceptedSerializer, description="REGISTRATION_REQUIRE_EMAIL_VERIFICATION on: check the inbox."
        ),
    },
)
class RegistrationView(AuthThrottleMixin, APIView):
    """Create an account. REGISTRATION_ENABLED=False closes it (403).

    With REGISTRATION_REQUIRE_EMAIL_VERIFICATION on, the answer is a 202 whether or not the address
    was taken, and the account obtains tokens once its address is verified.
    """

    authentication_classes: list[Any] = []
    permission_classes = [RegistrationOpen]

    def post(self, request: Request) -> Response:
        serializer = RegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION:
            accounts.user_register_unverified(**serializer.validated_data)
            return Response({"detail": REGISTRATION_PENDING}, status=status.HTTP_202_ACCEPTED)
        user = services.user_create(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["users"])
class MeView(generics.RetrieveUpdateAPIView):
    """The authenticated user's own profile."""

    serializer_class = UserSerializer

    def get_object(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def perform_update(self, serializer: BaseSerializer[User]) -> None:
        user = self.get_object()
        full_name = serializer.validated_data.get("full_name", user.full_name)  # a PATCH may omit it
        services.user_update_profile(user=user, full_name=full_name)


@extend_schema(
    tags=["users"], request=PasswordChangeSerializer, responses={204: OpenApiResponse(description="Changed.")}
)
class PasswordChangeView(AuthThrottleMixin, APIView):
    """Change the password. Every token the user holds stops working: log in again."""

    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_change_password(user=request.user, **serializer.validated_data)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
