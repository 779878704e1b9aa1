import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # Logins are case-insensitive, matching the case-insensitive unique constraint on email.
        user: User = self.get(email__iexact=username)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        # Whoever runs createsuperuser vouches for the address; a mail round trip proves nothing more.
        fields.update(is_staff=True, is_superuser=True, email_verified=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Email is the login. Defined before the first migration, so a project never has to switch."""

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    # Set by following a verification or password-reset link. With
    # REGISTRATION_REQUIRE_EMAIL_VERIFICATION on, an unverified user obtains no tokens.
    email_verified = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="users_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email


class TokenFamily(models.Model):
    """One login session: the refresh token issued at login and every token rotated from it.

    Only the newest refresh token of a family (`current_jti`) may be exchanged; rotation is one
    conditional UPDATE, so of N parallel refreshes with one token exactly one wins. Presenting an
    older one is reuse (a stolen copy, or the thief's copy after the owner refreshed): the family
    is deleted, which ends every refresh and access token of that session (access tokens carry the
    family id and are refused once it is gone). Logout deletes one family, a password change all.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    current_jti = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name_plural = "token families"

    def __str__(self) -> str:
        return f"{self.user_id}:{self.id}"


class AuthAttemptCounter(models.Model):
    """Attempts on the `auth` throttle (login, refresh, register, password change, admin login).

    In the database rather than the cache, so the limit holds across every worker and replica
    with the default settings (no Redis) and survives a Redis outage; counted by one atomic
    upsert (apps/users/throttling.py). One row per client and time window.
    """

    key = models.CharField(max_length=255, primary_key=True)
    hits = models.PositiveIntegerField()
    window_end = models.BigIntegerField(db_index=True)  # Unix seconds; rows past it are deleted

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"
