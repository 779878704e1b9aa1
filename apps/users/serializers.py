from typing import Any

from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from apps.users import services
from apps.users.authentication import user_for_token
from apps.users.models import User
from apps.users.tokens import SessionRefreshToken


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "date_joined"]
        # Changing the login address deserves its own verified flow; it is read-only here.
        read_only_fields = ["id", "email", "date_joined"]


class RegistrationSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True, max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    full_name = serializers.CharField(max_length=150, required=False, default="")


class PasswordChangeSerializer(serializers.Serializer):
    current_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenObtainPairSerializer(jwt_serializers.TokenObtainPairSerializer):
    """simplejwt's, but each login opens a session that logout and reuse detection can end."""

    token_class = SessionRefreshToken


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """Rotates atomically, with reuse detection (services.refresh_token_rotate)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = services.refresh_token_rotate(refresh=RefreshToken(attrs["refresh"]))
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class TokenVerifySerializer(jwt_serializers.TokenVerifySerializer):
    """simplejwt's checks only the signature and expiry; this refuses whatever the API refuses."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user_for_token(UntypedToken(attrs["token"]))
        return {}


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class AccountLinkSerializer(serializers.Serializer):
    """The two values from a link's query string (FRONTEND_URL/...?uid=…&token=…)."""

    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)


class PasswordResetConfirmSerializer(AccountLinkSerializer):
    new_password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class AcceptedSerializer(serializers.Serializer):
    detail = serializers.CharField()
