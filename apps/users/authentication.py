from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.users.models import user_cache_key


class CachedUserJWTAuthentication(JWTAuthentication):
    """simplejwt's JWTAuthentication, reading the user from the cache instead of the database.

    The stock class runs a SELECT on the user table for every request. A stateless class
    (JWTStatelessUserAuthentication) runs none, but cannot see that a user was deactivated or
    changed their password. Caching the row keeps both checks at the cost of a cache read;
    `User.save()` evicts the entry so changes apply at once (AUTH_USER_CACHE_SECONDS bounds the
    delay for other processes when the cache is local memory rather than Redis).
    """

    def get_user(self, validated_token: Token) -> Any:
        try:
            user_id = validated_token[settings.SIMPLE_JWT["USER_ID_CLAIM"]]
        except KeyError:
            raise AuthenticationFailed("Token has no user id.", code="token_not_valid") from None
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = get_user_model().objects.filter(pk=user_id).first()
            if user is None:
                raise AuthenticationFailed("User not found.", code="user_not_found")
            if settings.AUTH_USER_CACHE_SECONDS:
                cache.set(key, user, timeout=settings.AUTH_USER_CACHE_SECONDS)
        if not user.is_active:
            raise AuthenticationFailed("User is inactive.", code="user_inactive")
        if validated_token.get(settings.SIMPLE_JWT["REVOKE_TOKEN_CLAIM"]) != get_md5_hash_password(user.password):
            raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
        return user
