"""Business rules for accounts, as plain functions that views and commands call."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.core.exceptions import AuthenticationFailed
from apps.users.authentication import token_family_id, user_for_token
from apps.users.models import AuthAttemptCounter, TokenFamily, User

EMAIL_TAKEN = "A user with this email address already exists."


class RefreshTokenReused(AuthenticationFailed):
    default_code = "token_reused"
    default_detail = "This refresh token was already used; the session has ended: log in again."


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc


def user_create(*, email: str, password: str, full_name: str = "") -> User:
    email = User.objects.normalize_email(email).lower()
    user = User(email=email, full_name=full_name)
    _check_password(password, user)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [EMAIL_TAKEN]})
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # a concurrent registration won the race for this address
        raise ValidationError({"email": [EMAIL_TAKEN]}) from exc
    return user


def user_update_profile(*, user: User, full_name: str) -> User:
    # Only the edited column is written: a full save() would write back every other column as
    # this request read it, undoing a password change or deactivation made meanwhile.
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Sets a new password and ends every session of the user.

    Deleting the user's token families refuses their refresh and access tokens at once (and the
    password hash claim in each token would too): every device has to log in again.
    """
    if not user.check_password(current_password):
        raise ValidationError({"current_password": ["The current password is not correct."]})
    user_set_password(user=user, new_password=new_password)


def user_set_password(*, user: User, new_password: str, also_update: tuple[str, ...] = ()) -> None:
    """Validates and sets a new password, saving `also_update` columns with it, and ends every
    session of the user: a password change and a password reset alike."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password", *also_update])
        refresh_tokens_revoke(user=user)


def refresh_tokens_revoke(*, user: User) -> int:
    """Ends every session of the user: all their refresh and access tokens stop working."""
    deleted, _ = TokenFamily.objects.filter(user=user).delete()
    return deleted


def refresh_token_revoke(*, refresh: RefreshToken) -> None:
    """Logout: ends the session the refresh token belongs to."""
    TokenFamily.objects.filter(pk=token_family_id(refresh)).delete()


def refresh_token_rotate(*, refresh: RefreshToken) -> RefreshToken:
    """The next refresh token of the session, replacing `refresh`, which stops working.

    The swap is one conditional UPDATE on the session's row: of any number of concurrent calls
    with one token, exactly one matches `current_jti`. A token that no longer matches was rotated
    before, so someone holds a copy: the session is ended for everyone holding any of its tokens
    (refresh token reuse detection, OAuth 2.0 Security BCP, RFC 9700 section 4.14.2).
    """
    user = user_for_token(refresh, check_session=False)  # inactive, deleted, password changed: no new tokens
    if not api_settings.USER_AUTHENTICATION_RULE(user):  # the rule login obeys (e.g. email not verified)
        raise AuthenticationFailed()
    family_id, old_jti = token_family_id(refresh), refresh[api_settings.JTI_CLAIM]
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    rotated = TokenFamily.objects.filter(pk=family_id, current_jti=old_jti).update(
        current_jti=refresh[api_settings.JTI_CLAIM], expires_at=datetime_from_epoch(refresh["exp"])
    )
    if not rotated:
        if TokenFamily.objects.filter(pk=family_id).delete()[0]:
            raise RefreshTokenReused()
        raise TokenError("Token is revoked")
    # No check after the swap: a concurrent reuse may already have ended the session, but this
    # call won the swap and its answer must not depend on the race.
    return refresh


def sessions_expired_delete() -> int:
    """Housekeeping: sessions whose refresh token has expired, and auth-throttle windows that ended.

    Both would otherwise only be swept by their own user's next login or the next attempt.
    """
    now = timezone.now()
    deleted, _ = TokenFamily.objects.filter(expires_at__lte=now).delete()
    AuthAttemptCounter.objects.filter(window_end__lt=int(now.timestamp())).delete()
    return deleted
