"""Sessions (token families): atomic rotation, reuse detection, logout, and token/verify/."""

from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from apps.users import services
from apps.users.models import TokenFamily, User
from apps.users.services import RefreshTokenReused
from apps.users.tokens import SessionRefreshToken
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client: APIClient, user: User) -> dict[str, str]:
    response = client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return dict(response.json())


def refresh(client: APIClient, token: str) -> Any:
    return client.post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def verify(client: APIClient, token: str) -> int:
    return client.post("/api/v1/auth/token/verify/", {"token": token}, format="json").status_code


def me(access: str) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/users/me/")


def test_reusing_a_rotated_refresh_token_ends_the_whole_session(api_client: APIClient, user: User) -> None:
    first = login(api_client, user)
    second = refresh(api_client, first["refresh"]).json()
    reused = refresh(api_client, first["refresh"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_reused"
    assert refresh(api_client, second["refresh"]).status_code == 401
    assert me(second["access"]).json()["code"] == "session_revoked"


def test_reuse_ends_only_that_session(api_client: APIClient, user: User) -> None:
    phone, laptop = login(api_client, user), login(api_client, user)
    refresh(api_client, phone["refresh"])
    refresh(api_client, phone["refresh"])
    assert me(laptop["access"]).status_code == 200
    assert refresh(api_client, laptop["refresh"]).status_code == 200


def test_logout_ends_the_access_tokens_of_that_session(api_client: APIClient, user: User) -> None:
    tokens = login(api_client, user)
    assert api_client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json").status_code == 204
    assert me(tokens["access"]).json()["code"] == "session_revoked"


def test_a_token_without_a_session_is_refused(user: User) -> None:
    # simplejwt's own class issues tokens that no login opened: nothing could revoke them.
    access = RefreshToken.for_user(user).access_token
    response = me(str(access))
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_rotation_swaps_the_session_to_the_new_token_only_once(user: User) -> None:
    token = SessionRefreshToken.for_user(user)
    raw = str(token)
    services.refresh_token_rotate(refresh=RefreshToken(raw))
    with pytest.raises(RefreshTokenReused):
        services.refresh_token_rotate(refresh=RefreshToken(raw))
    assert not TokenFamily.objects.filter(user=user).exists()


def test_login_clears_the_users_expired_sessions(user: User) -> None:
    SessionRefreshToken.for_user(user)
    TokenFamily.objects.update(expires_at="2000-01-01T00:00:00Z")
    SessionRefreshToken.for_user(user)
    assert TokenFamily.objects.count() == 1


def test_refresh_for_a_user_whose_password_changed_is_a_401(api_client: APIClient, user: User) -> None:
    tokens = login(api_client, user)
    User.objects.filter(pk=user.pk).update(password="changed-elsewhere")
    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"


class TestVerifyRefusesWhatTheApiRefuses:
    def test_a_live_access_and_refresh_token_pass(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        assert [verify(api_client, tokens["access"]), verify(api_client, tokens["refresh"])] == [200, 200]

    def test_after_a_password_change(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        services.user_change_password(user=user, current_password=PASSWORD, new_password="another-long-phrase-77")
        assert [verify(api_client, tokens["access"]), verify(api_client, tokens["refresh"])] == [401, 401]

    def test_for_an_inactive_user(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        User.objects.filter(pk=user.pk).update(is_active=False)
        assert verify(api_client, tokens["access"]) == 401

    def test_for_a_deleted_user(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        User.objects.filter(pk=user.pk).delete()
        assert verify(api_client, tokens["access"]) == 401

    def test_after_logout(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        api_client.post("/api/v1/auth/logout/", {"refresh": tokens["refresh"]}, format="json")
        assert [verify(api_client, tokens["access"]), verify(api_client, tokens["refresh"])] == [401, 401]

    def test_a_rotated_refresh_token(self, api_client: APIClient, user: User) -> None:
        tokens = login(api_client, user)
        refresh(api_client, tokens["refresh"])
        assert verify(api_client, tokens["refresh"]) == 401


def test_a_token_naming_another_users_session_is_refused(make_user: Any) -> None:
    owner, other = make_user(), make_user()
    owners_session = SessionRefreshToken.for_user(owner)
    access = SessionRefreshToken.for_user(other).access_token
    access["fam"] = owners_session["fam"]  # signed by us, so only a bug could issue it: still refused
    response = me(str(access))
    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_a_token_whose_user_id_is_not_a_key_is_a_401_not_a_500(user: User) -> None:
    access = SessionRefreshToken.for_user(user).access_token
    access["user_id"] = "not-a-number"
    response = me(str(access))
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
