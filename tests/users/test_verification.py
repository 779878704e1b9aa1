"""Email verification (REGISTRATION_REQUIRE_EMAIL_VERIFICATION on): no tokens before the emailed link
is followed, and registration and resend tell nobody whether an address has an account."""

from typing import Any, ClassVar

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from rest_framework.test import APIClient

from apps.users.account_views import VERIFICATION_RESENT
from apps.users.models import User
from apps.users.throttling import AuthRateThrottle
from apps.users.views import REGISTRATION_PENDING
from tests.conftest import PASSWORD
from tests.users.conftest import Inbox, link_in

pytestmark = pytest.mark.django_db


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, recording each password it hashes."""

    hashed: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        self.hashed.append(password)
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def _verification_required(settings: Any) -> None:
    settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION = True


def register(client: APIClient, email: str = "bob@example.com", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/register/", {"email": email, "password": password}, format="json")


def obtain(client: APIClient, email: str = "bob@example.com", password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def verify(client: APIClient, link: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/email/verify/", {"uid": link["uid"], "token": link["token"]}, format="json")


def resend(client: APIClient, email: str = "bob@example.com"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/email/verify/resend/", {"email": email}, format="json")


def test_a_new_account_obtains_no_tokens_before_verifying(api_client: APIClient, mailbox: Inbox) -> None:
    assert register(api_client).status_code == 202
    response = obtain(api_client)
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_the_emailed_link_verifies_the_account(api_client: APIClient, mailbox: Inbox) -> None:
    register(api_client)
    message = mailbox.only("bob@example.com")
    assert message["Subject"] == "Confirm your email address"
    link = link_in(message)
    assert link["page"] == "https://app.example.com/verify-email"
    assert verify(api_client, link).status_code == 204
    assert obtain(api_client).status_code == 200


def test_a_wrong_password_says_nothing_about_verification(api_client: APIClient, mailbox: Inbox) -> None:
    register(api_client)
    assert obtain(api_client).json()["code"] == "email_not_verified"  # only for the right password
    response = obtain(api_client, password="wrong")
    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"


def test_a_verification_link_works_only_once(api_client: APIClient, mailbox: Inbox) -> None:
    register(api_client)
    link = link_in(mailbox.only("bob@example.com"))
    verify(api_client, link)
    again = verify(api_client, link)
    assert again.status_code == 400
    assert again.json()["fields"] == {"token": ["The link is invalid or has expired."]}


def test_a_password_reset_link_does_not_verify(api_client: APIClient, make_user, mailbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    make_user("bob@example.com")
    api_client.post("/api/v1/auth/password/reset/", {"email": "bob@example.com"}, format="json")
    assert verify(api_client, link_in(mailbox.only("bob@example.com"))).status_code == 400


def test_registering_a_taken_address_answers_exactly_like_a_new_one(
    api_client: APIClient, make_user, mailbox: Inbox
) -> None:  # type: ignore[no-untyped-def]
    make_user("alice@example.com", email_verified=True)
    taken, new = register(api_client, "Alice@Example.com"), register(api_client, "bob@example.com")
    assert (taken.status_code, taken.json()) == (new.status_code, new.json()) == (202, {"detail": REGISTRATION_PENDING})
    assert User.objects.count() == 2


def test_the_owner_of_a_taken_address_is_told_and_keeps_the_password(
    api_client: APIClient, make_user, mailbox: Inbox
) -> None:  # type: ignore[no-untyped-def]
    make_user("alice@example.com", email_verified=True)
    register(api_client, "alice@example.com", password="an-attackers-passphrase-1")
    message = mailbox.only("alice@example.com")
    assert message["Subject"] == "Someone tried to register with your address"
    assert link_in(message)["page"] == "https://app.example.com/reset-password"
    assert obtain(api_client, "alice@example.com").status_code == 200


def test_both_registration_paths_hash_the_password(api_client: APIClient, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    # Equal work, so equal time: a taken address must not answer faster by skipping the hash.
    make_user("alice@example.com")
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed.clear()
    register(api_client, "alice@example.com")
    register(api_client, "bob@example.com")
    assert CountingHasher.hashed == [PASSWORD, PASSWORD]


def test_password_rules_answer_alike_for_a_taken_and_a_new_address(api_client: APIClient, make_user) -> None:  # type: ignore[no-untyped-def]
    # A taken address must not skip the password check: a weak password would then tell it apart.
    make_user("alice@example.com")
    for password, status in [("123", 400), (PASSWORD, 202)]:
        taken, new = (
            register(api_client, "alice@example.com", password),
            register(api_client, "bob@example.com", password),
        )
        assert (taken.status_code, taken.json().get("fields")) == (new.status_code, new.json().get("fields"))
        assert taken.status_code == status


def test_resend_emails_a_new_link_to_an_unverified_account(api_client: APIClient, make_user, mailbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    make_user("bob@example.com")
    assert resend(api_client).status_code == 202
    assert verify(api_client, link_in(mailbox.only("bob@example.com"))).status_code == 204


@pytest.mark.parametrize("email", ["nobody@example.com", "verified@example.com"])
def test_resend_answers_the_same_and_sends_nothing_when_nothing_awaits(
    api_client: APIClient, make_user, mailbox: Inbox, email: str
) -> None:  # type: ignore[no-untyped-def]
    make_user("verified@example.com", email_verified=True)
    response = resend(api_client, email)
    assert (response.status_code, response.json()) == (202, {"detail": VERIFICATION_RESENT})
    assert mailbox.messages == []


def test_resend_is_throttled(api_client: APIClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    assert [resend(api_client).status_code for _ in range(3)] == [202, 202, 429]


def test_a_superuser_counts_as_verified(api_client: APIClient) -> None:
    assert User.objects.create_superuser("root@example.com", PASSWORD).email_verified is True
    assert obtain(api_client, "root@example.com").status_code == 200


def test_refresh_is_refused_to_an_unverified_account(api_client: APIClient, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    # A token issued while verification was off stops working once it is on.
    settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION = False
    make_user("bob@example.com")
    refresh = obtain(api_client).json()["refresh"]
    settings.REGISTRATION_REQUIRE_EMAIL_VERIFICATION = True
    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
