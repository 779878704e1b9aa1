from typing import Any, cast

from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.users.authentication import FAMILY_CLAIM
from apps.users.models import TokenFamily


class SessionRefreshToken(RefreshToken):
    """simplejwt's RefreshToken, opening a session (`TokenFamily`) at login.

    The family id is a claim, so the access tokens made from it and the refresh tokens rotated
    from it carry it too (simplejwt copies custom claims).
    """

    @classmethod
    def for_user(cls, user: Any) -> "SessionRefreshToken":
        token = cast("SessionRefreshToken", super().for_user(user))
        # The user's ended sessions go here, where there is a user to bound the work by.
        TokenFamily.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
        family = TokenFamily.objects.create(
            user=user, current_jti=token[api_settings.JTI_CLAIM], expires_at=datetime_from_epoch(token["exp"])
        )
        token[FAMILY_CLAIM] = str(family.pk)
        return token
