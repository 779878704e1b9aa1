import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from apps.users.models import User
from apps.users.tokens import SessionRefreshToken
from tests.users.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The production hasher is slow on purpose; tests hash hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test client speaks plain HTTP, which DEBUG off (as CI runs) redirects to HTTPS.
    # tests/core/test_security_headers.py turns the redirect back on to test it.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def unhashed_static(settings: Any) -> None:
    """Pages that name static files (docs, admin) render without a collectstatic manifest."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Throttle counters must not leak from one test into the next.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _throttle_windows_that_do_not_end(monkeypatch: pytest.MonkeyPatch) -> None:
    # Throttle windows are fixed (apps/core/throttling.py): a test whose requests straddle the end of
    # a minute would see its count start again and fail, now and then. The throttles' clock (DRF's
    # `timer`) stands a second into the next hour, in a window no test outlives and the database
    # throttle's sweep of ended windows leaves alone.
    stopped = (int(time.time()) // 3600 + 1) * 3600 + 1
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: stopped)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(email: str | None = None, password: str = PASSWORD, **fields: Any) -> User:
        return UserFactory(**({"email": email} if email else {}), password=password, **fields)

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
