"""The `auth` throttle: keyed by the real client, counted in the database, on every credential endpoint."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from apps.users.models import User
from apps.users.throttling import AuthRateThrottle
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF copies the rates onto the class at import; patch them there.
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})


def guess(client: APIClient, **extra: str) -> int:
    body = {"email": "alice@example.com", "password": "guess"}
    return client.post("/api/v1/auth/token/", body, format="json", **extra).status_code  # type: ignore[arg-type]


def test_a_forged_x_forwarded_for_does_not_open_a_new_bucket(api_client: APIClient, user: User) -> None:
    codes = [guess(api_client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}") for i in range(4)]
    assert codes == [401, 401, 401, 429]


def test_behind_a_proxy_the_entry_it_appended_is_the_client(api_client: APIClient, user: User, settings: Any) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # BEHIND_PROXY=true
    forged = [guess(api_client, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 198.51.100.7") for i in range(4)]
    other_client = guess(api_client, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert (forged, other_client) == ([401, 401, 401, 429], 401)


def test_the_count_lives_in_the_database_not_in_process_memory(api_client: APIClient, user: User) -> None:
    codes = []
    for _ in range(4):
        codes.append(guess(api_client))
        cache.clear()  # what another worker's empty local cache would look like
    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize(
    "attempt",
    [
        lambda c: c.post("/api/v1/auth/token/refresh/", {"refresh": "x"}, format="json"),
        lambda c: c.post("/api/v1/users/me/password/", {"current_password": "x", "new_password": "y"}, format="json"),
    ],
    ids=["refresh", "password-change"],
)
def test_every_credential_endpoint_is_throttled(auth_client: APIClient, attempt: Callable[[APIClient], Any]) -> None:
    assert [attempt(auth_client).status_code for _ in range(4)][-1] == 429


def test_a_get_on_a_credential_endpoint_is_not_counted(api_client: APIClient, user: User) -> None:
    for _ in range(5):
        assert api_client.get("/api/v1/auth/token/").status_code == 405
    assert guess(api_client) == 401


@pytest.fixture
def _admin_pages(settings: Any) -> None:
    # The admin's pages link static files; the test run has no collected manifest.
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def admin_login(client: Client, password: str) -> Any:
    return client.post("/admin/login/", {"username": "admin@example.com", "password": password, "next": "/admin/"})


@pytest.mark.usefixtures("_admin_pages")
def test_admin_login_is_throttled_even_with_the_right_password(make_user: Callable[..., User]) -> None:
    make_user("admin@example.com", is_staff=True, is_superuser=True)
    client = Client()
    wrong = [admin_login(client, "guess").status_code for _ in range(3)]
    right = admin_login(client, PASSWORD)
    assert wrong == [200, 200, 200]
    assert right.status_code == 200  # the form again, not the redirect of a login
    assert "Too many login attempts" in right.content.decode()
    assert client.get("/admin/").status_code == 302


@pytest.mark.usefixtures("_admin_pages")
def test_admin_logout_ends_the_session_wherever_its_cookie_was_copied(make_user: Callable[..., User]) -> None:
    make_user("admin@example.com", is_staff=True, is_superuser=True)
    client = Client()
    assert admin_login(client, PASSWORD).status_code == 302
    copied = Client()
    copied.cookies["sessionid"] = client.cookies["sessionid"].value
    assert copied.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert copied.get("/admin/").status_code == 302
