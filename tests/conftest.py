from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.users.models import User
from apps.users.tokens import SessionRefreshToken

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The production hasher is slow on purpose; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Throttle counters must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, password: str = PASSWORD, **fields: Any) -> User:
        return User.objects.create_user(email or f"user{next(counter)}@example.com", password, **fields)

    return make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user("alice@example.com")


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def bearer_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {SessionRefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def auth_client(user: User) -> APIClient:
    return bearer_client(user)
