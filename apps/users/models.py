from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.cache import cache
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def user_cache_key(user_id: Any) -> str:
    return f"auth:user:{user_id}"


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

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        # Authenticated requests read users from the cache; a saved change (deactivation, new
        # password) must be seen at once, not after the cache entry expires.
        cache.delete(user_cache_key(self.pk))
