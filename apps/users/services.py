"""Business rules for accounts, as plain functions that views and commands call."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.users.models import User

EMAIL_TAKEN = "A user with this email address already exists."


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


def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Sets a new password and revokes every refresh token the user holds.

    Access tokens carry a hash of the password (simplejwt's CHECK_REVOKE_TOKEN), so they stop
    working at once too: every session of the user, on every device, has to log in again.
    """
    if not user.check_password(current_password):
        raise ValidationError({"current_password": ["The current password is not correct."]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": list(exc.messages)}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        refresh_tokens_revoke(user=user)


def refresh_tokens_revoke(*, user: User) -> int:
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    revoked = BlacklistedToken.objects.bulk_create(BlacklistedToken(token=token) for token in outstanding)
    return len(revoked)
