"""Which user a JWT speaks for, checked against the database on every use.

There is deliberately no user cache: a cached row goes stale in other workers and replicas after a
password change, a deactivation, a `QuerySet.update()` or a delete, and no eviction can reach them
all. One primary-key query per request, joined with the token's session (`TokenFamily`), is exact
for every write path, including the admin and raw SQL.

That query is the one every authenticated request runs, so it is written as SQL: built through the
ORM (an annotated `Exists` over an `OuterRef`), compiling it cost three times what running it did
(`make bench`, README "Benchmarks"). Table and column names come from the models.
"""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections
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
    refresh = token.get(api_settings.TOKEN_TYPE_CLAIM) == "refresh"
    user = _user_with_session_state(
        user_id=user_id, family_id=token_family_id(token), jti=token.get(api_settings.JTI_CLAIM) if refresh else None
    )
    if user is None:
        raise AuthenticationFailed("User not found.", code="user_not_found")
    if not user.is_active:
        raise AuthenticationFailed("User is inactive.", code="user_inactive")
    if token.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
        raise AuthenticationFailed("The user's password has been changed.", code="password_changed")
    if check_session and not user.session_open:  # type: ignore[attr-defined]  # selected by the query
        raise AuthenticationFailed("This session has ended: log in again.", code="session_revoked")
    return user


def _user_with_session_sql(*, newest_token: bool) -> str:
    """SELECT the user and `session_open`: whether the token's session exists (and, when
    `newest_token`, still has that token as its newest). Names only from the models' metadata."""
    family, user = TokenFamily._meta, User._meta

    def name(identifier: str | None) -> str:  # a column is None only for a field without one
        return str(connections[User.objects.db].ops.quote_name(str(identifier)))

    newest = f" AND f.{name(family.get_field('current_jti').column)} = %s" if newest_token else ""
    return (
        f"SELECT u.*, EXISTS (SELECT 1 FROM {name(family.db_table)} f WHERE f.{name(family.pk.column)} = %s"  # noqa: S608
        f" AND f.{name(family.get_field('user').column)} = u.{name(user.pk.column)}{newest}) AS session_open"
        f" FROM {name(user.db_table)} u WHERE u.{name(user.pk.column)} = %s"
    )


_USER_WITH_SESSION = _user_with_session_sql(newest_token=False)
_USER_WITH_SESSION_AND_NEWEST_TOKEN = _user_with_session_sql(newest_token=True)


def _user_with_session_state(*, user_id: Any, family_id: uuid.UUID, jti: str | None) -> User | None:
    """The user annotated with `session_open` (for a refresh token, `jti` must be its session's
    newest), or None when there is no such user."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        raise InvalidToken("Token has no valid user id.") from None
    family = TokenFamily._meta.pk.get_db_prep_value(family_id, connections[User.objects.db])
    if jti is None:
        return next(iter(User.objects.raw(_USER_WITH_SESSION, [family, pk])), None)
    return next(iter(User.objects.raw(_USER_WITH_SESSION_AND_NEWEST_TOKEN, [family, jti, pk])), None)


class SessionCheckedJWTAuthentication(JWTAuthentication):
    """simplejwt's JWTAuthentication, also refusing tokens whose session was revoked (logout,
    password change, refresh token reuse), in the same single query as the user."""

    def get_user(self, validated_token: Token) -> Any:
        return user_for_token(validated_token)
