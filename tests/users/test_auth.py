"""Token obtain, refresh, verify and logout; expired, tampered and revoked tokens; inactive users."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from apps.users.models import User
from apps.users.throttling import AuthRateThrottle
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def obtain(client: APIClient, email: str = "alice@example.com", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def test_obtain_returns_a_working_token_pair(api_client: APIClient, user: User) -> None:
    response = obtain(api_client)
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api_client.get("/api/v1/users/me/").json()["email"] == "alice@example.com"


def test_obtain_ignores_email_case(api_client: APIClient, user: User) -> None:
    assert obtain(api_client, email="ALICE@Example.com").status_code == 200


def test_wrong_password_is_a_401(api_client: APIClient, user: User) -> None:
    response = obtain(api_client, password="wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_missing_fields_are_named(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "password"}


def test_token_endpoint_throttles_guessing(api_client: APIClient, user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF copies the rates onto the class at import; patch them there.
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    codes = [obtain(api_client, password="guess").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert obtain(api_client).status_code == 429  # even the right password waits
    assert api_client.get("/api/v1/users/me/").status_code == 401  # other scopes are unaffected


def test_refresh_rotates_and_revokes_the_old_refresh_token(api_client: APIClient, user: User) -> None:
    refresh = obtain(api_client).json()["refresh"]
    first = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"}
    again = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert again.status_code == 401


def test_verify_accepts_a_valid_token_and_rejects_a_tampered_one(api_client: APIClient, user: User) -> None:
    access = obtain(api_client).json()["access"]
    assert api_client.post("/api/v1/auth/token/verify/", {"token": access}, format="json").status_code == 200
    tampered = access[:-4] + ("AAAA" if not access.endswith("AAAA") else "BBBB")
    response = api_client.post("/api/v1/auth/token/verify/", {"token": tampered}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_logout_revokes_the_refresh_token(api_client: APIClient, user: User) -> None:
    refresh = obtain(api_client).json()["refresh"]
    assert api_client.post("/api/v1/auth/logout/", {"refresh": refresh}, format="json").status_code == 204
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_logout_with_garbage_is_a_401(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/logout/", {"refresh": "garbage"}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_no_token_is_a_401(api_client: APIClient) -> None:
    response = api_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_a_401(api_client: APIClient, user: User) -> None:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_token_signed_with_another_key_is_a_401(api_client: APIClient, user: User) -> None:
    import jwt

    claims = dict(AccessToken.for_user(user).payload)
    forged = jwt.encode(claims, "not-the-signing-key", algorithm="HS256")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert api_client.get("/api/v1/users/me/").status_code == 401


def test_refresh_token_is_not_accepted_as_access(api_client: APIClient, user: User) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user)}")
    assert api_client.get("/api/v1/users/me/").status_code == 401


class TestDeactivatedUser:
    def test_cannot_obtain(self, api_client: APIClient, user: User) -> None:
        user.is_active = False
        user.save()
        assert obtain(api_client).status_code == 401

    def test_cannot_refresh(self, api_client: APIClient, user: User) -> None:
        refresh = obtain(api_client).json()["refresh"]
        user.is_active = False
        user.save()
        response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
        assert response.status_code == 401

    def test_cannot_use_an_access_token_already_cached(self, auth_client: APIClient, user: User) -> None:
        assert auth_client.get("/api/v1/users/me/").status_code == 200  # now in the user cache
        user.is_active = False
        user.save()
        response = auth_client.get("/api/v1/users/me/")
        assert response.status_code == 401
        assert response.json()["code"] == "user_inactive"


def test_refresh_for_a_deleted_user_is_a_401(api_client: APIClient, user: User) -> None:
    refresh = obtain(api_client).json()["refresh"]
    user.delete()
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 401


def test_access_token_for_a_deleted_user_is_a_401(auth_client: APIClient, user: User) -> None:
    User.objects.filter(pk=user.pk).delete()
    assert auth_client.get("/api/v1/users/me/").status_code == 401


def test_deactivation_by_queryset_update_applies_to_the_next_request(auth_client: APIClient, user: User) -> None:
    assert auth_client.get("/api/v1/users/me/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # no save(), no signal
    response = auth_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_queryset_delete_applies_to_the_next_request(auth_client: APIClient, user: User) -> None:
    assert auth_client.get("/api/v1/users/me/").status_code == 200
    User.objects.filter(pk=user.pk).delete()
    response = auth_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"


def test_authenticated_request_is_one_query_for_user_and_session(
    auth_client: APIClient, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        assert auth_client.get("/api/v1/users/me/").status_code == 200
