"""Password reset and email verification, as plain functions that the account views call.

Requests that name an address (reset, resend, register with verification on) answer the same
whether or not it has an account, so they return nothing; whatever differs happens in the email.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from apps.core.exceptions import PermissionDenied
from apps.users import services
from apps.users.emails import account_link, send_account_email
from apps.users.models import User

INVALID_LINK = "The link is invalid or has expired."
EMAIL_NOT_VERIFIED = "Verify your email address first: follow the link we sent, or ask for a new one."


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens, salted apart; a token dies once the address is verified or changed."""

    key_salt = "apps.users.accounts.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


email_verification_token_generator = EmailVerificationTokenGenerator()


def _active_user(email: str) -> User | None:
    return User.objects.filter(email__iexact=User.objects.normalize_email(email), is_active=True).first()


def _user_from_link(*, uid: str, token: str, tokens: PasswordResetTokenGenerator) -> User:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uid))), is_active=True)
    except (ValueError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not tokens.check_token(user, token):
        raise ValidationError({"token": [INVALID_LINK]})
    return user


def password_reset_request(*, email: str) -> None:
    """Emails a reset link if an active account has this address; otherwise does nothing."""
    user = _active_user(email)
    if user is None:
        return
    link = account_link(page="reset-password", user=user, tokens=default_token_generator)
    send_account_email(to=user.email, template="password_reset", context={"link": link})


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> None:
    """Sets the new password and revokes every token of the user, as a password change does.

    The token is single-use: it hashes the current password, which this changes. Following a link
    sent to the address also proves the address, so it counts as verified.
    """
    user = _user_from_link(uid=uid, token=token, tokens=default_token_generator)
    user.email_verified = True
    services.user_set_password(user=user, new_password=new_password, also_update=("email_verified",))


def email_verification_send(*, user: User) -> None:
    link = account_link(page="verify-email", user=user, tokens=email_verification_token_generator)
    send_account_email(to=user.email, template="verify_email", context={"link": link})


def email_verification_resend(*, email: str) -> None:
    """Emails a new verification link if an active, unverified account has this address."""
    user = _active_user(email)
    if user is not None and not user.email_verified:
        email_verification_send(user=user)


def email_verify(*, uid: str, token: str) -> None:
    user = _user_from_link(uid=uid, token=token, tokens=email_verification_token_generator)
    user.email_verified = True
    user.save(update_fields=["email_verified"])


def user_register_unverified(*, email: str, password: str, full_name: str = "") -> None:
    """Registration when addresses must be verified: the same answer for a new or a taken address.

    A new address gets an account and a verification link; a taken one gets nothing new, and its
    owner an email saying someone tried. Both paths hash the password, so they take as long.
    """
    try:
        user = services.user_create(email=email, password=password, full_name=full_name)
    except ValidationError as exc:
        if "email" not in getattr(exc, "error_dict", {}):
            raise  # a weak password is refused the same way for either address
        make_password(password)  # the work user_create did not do for the taken address
        owner = _active_user(email)
        if owner is not None:
            link = account_link(page="reset-password", user=owner, tokens=default_token_generator)
            send_account_email(to=owner.email, template="registration_attempt", context={"link": link})
        return
    email_verification_send(user=user)


class EmailNotVerified(PermissionDenied):
    default_code = "email_not_verified"
    default_detail = EMAIL_NOT_VERIFIED


def user_may_obtain_tokens(user: User | None) -> bool:
    """simplejwt's USER_AUTHENTICATION_RULE: an active user, and a verified one when that is required.

    simplejwt calls it only after the password matched (and on refresh), so saying that the
    address awaits verification tells nothing to someone who does not own the account.
    """
    if user is None or not user.is_active:  # simplejwt's default rule
        return False
    if settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION and not user.email_verified:
        raise EmailNotVerified()
    return True
