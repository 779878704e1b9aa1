"""Registration, the own profile and password change."""

import pytest
from rest_framework.test import APIClient

from apps.users import services
from apps.users.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-long-passphrase-42"


def register(client: APIClient, **data: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/register/", {"email": "Bob@Example.com", "password": PASSWORD, **data}, format="json"
    )


def test_registration_creates_a_user_who_can_log_in(api_client: APIClient) -> None:
    response = register(api_client, full_name="Bob")
    assert response.status_code == 201
    assert response.json()["email"] == "bob@example.com"
    assert "password" not in response.json()
    token = api_client.post("/api/v1/auth/token/", {"email": "bob@example.com", "password": PASSWORD}, format="json")
    assert token.status_code == 200


def test_registration_refuses_a_taken_email_in_any_case(api_client: APIClient, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("bob@example.com")
    response = register(api_client)
    assert response.status_code == 400
    assert response.json()["fields"] == {"email": ["A user with this email address already exists."]}
    assert User.objects.count() == 1


def test_registration_refuses_a_weak_password(api_client: APIClient) -> None:
    response = register(api_client, password="123")
    assert response.status_code == 400
    assert "password" in response.json()["fields"]
    assert not User.objects.exists()


def test_registration_refuses_an_invalid_email(api_client: APIClient) -> None:
    response = register(api_client, email="not-an-email")
    assert response.status_code == 400
    assert "email" in response.json()["fields"]


def test_registration_can_be_switched_off(api_client: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRATION_ENABLED = False
    response = register(api_client)
    assert response.status_code == 403
    assert response.json()["detail"] == "Registration is closed."
    assert not User.objects.exists()


def test_me_shows_the_own_profile(auth_client: APIClient, user: User) -> None:
    body = auth_client.get("/api/v1/users/me/").json()
    assert body == {"id": user.pk, "email": user.email, "full_name": "", "date_joined": body["date_joined"]}


def test_me_updates_the_name_but_not_the_email(auth_client: APIClient, user: User) -> None:
    response = auth_client.patch(
        "/api/v1/users/me/", {"full_name": "Alice A.", "email": "x@example.com"}, format="json"
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("Alice A.", "alice@example.com")


def test_me_rejects_a_too_long_name(auth_client: APIClient) -> None:
    response = auth_client.patch("/api/v1/users/me/", {"full_name": "x" * 151}, format="json")
    assert response.status_code == 400
    assert "full_name" in response.json()["fields"]


def change_password(client: APIClient, current: str = PASSWORD, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/users/me/password/", {"current_password": current, "new_password": new}, format="json")


def test_password_change_revokes_every_token(api_client: APIClient, user: User) -> None:
    tokens = api_client.post("/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json").json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert change_password(api_client).status_code == 204
    assert api_client.get("/api/v1/users/me/").json()["code"] == "password_changed"
    refresh = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json")
    assert refresh.status_code == 401
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_needs_the_current_password(auth_client: APIClient, user: User) -> None:
    response = change_password(auth_client, current="wrong")
    assert response.status_code == 400
    assert "current_password" in response.json()["fields"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(auth_client: APIClient, user: User) -> None:
    response = change_password(auth_client, new="short")
    assert response.status_code == 400
    assert "new_password" in response.json()["fields"]


def test_password_change_needs_a_token(api_client: APIClient) -> None:
    assert change_password(api_client).status_code == 401


def test_profile_update_writes_back_no_column_it_did_not_change(user: User) -> None:
    stale = User.objects.get(pk=user.pk)  # as read at the start of a request
    User.objects.filter(pk=user.pk).update(is_active=False)  # meanwhile, another worker deactivates
    services.user_update_profile(user=stale, full_name="Alice")
    user.refresh_from_db()
    assert (user.full_name, user.is_active) == ("Alice", False)
