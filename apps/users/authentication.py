"""Which user a JWT speaks for, checked against the database on every use.

There is deliberately no user cache: a cached row goes stale in other workers and replicas after a
password change, a deactivation, a `QuerySet.update()` or a delete, and no eviction can reach them
all. One primary-key query per request, joined with the token's session (`TokenFamily`), is exact
for every write path, including the admin and raw SQL.
"""

import uuid
from typing import Any

from django.db.models import Exists, OuterRef, Q
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from apps.users.models import TokenFamily, User

FAMILY_CLAIM = "fam"


def token_family_id(token: Token) -> uuid.UUID:
    try:
        return uuid.UUID(str(token[FAMILY_CLAIM]))
    except (KeyError, ValueError):
        raise InvalidToken("Token belongs to no session.") from None


def user_for_token(token: Token, *, check_session: bool = True) -> User:
    """The token's user, or AuthenticationFailed for every reason the API refuses a token.

    Shared by request authentication, token/verify/ and refresh, so they can never disagree. A
    refresh token must also be its session's newest (an already-rotated one is refused); refresh
    itself checks that in its atomic swap instead (`check_session=False`).
    """
    try:
        user_id = token[api_settings.USER_ID_CLAIM]
    except KeyError:
        raise InvalidToken("Token has no user id.") from None
    session = Q(pk=token_family_id(token), user_id=OuterRef("pk"))
    if token.get(api_settings.TOKEN_TYPE_CLAIM) == "refresh":
        session &= Q(current_jti=token.get(api_settings.JTI_CLAIM))
    user = User.objects.filter(pk=user_id).annotate(session_open=Exists(TokenFamily.objects.filter(session))).first()
    if user is None:
        raise AuthenticationFailed("User not found.", code="user_not_found")
    if not user.is_active:
        raise AuthenticationFailed("User is inactive.", code="user_inactive")
    if token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
    if check_session and not user.session_open:
        raise AuthenticationFailed("This session has ended: log in again.", code="session_revoked")
    return user


class SessionCheckedJWTAuthentication(JWTAuthentication):
    """simplejwt's JWTAuthentication, also refusing tokens whose session was revoked (logout,
    password change, refresh token reuse), in the same single query as the user."""

    def get_user(self, validated_token: Token) -> Any:
        return user_for_token(validated_token)
