from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework_simplejwt import serializers as jwt_serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from apps.users.models import User


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


class TokenRefreshSerializer(jwt_serializers.TokenRefreshSerializer):
    """simplejwt's, but a token whose user was deleted gets a 401 instead of a 500."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        try:
            return super().validate(attrs)
        except get_user_model().DoesNotExist:
            raise AuthenticationFailed(str(self.error_messages["no_active_account"]), "no_active_account") from None


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
