"""Password reset through a real SMTP server: request, the emailed link, confirm, and what it revokes."""

import smtplib
import socket
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from apps.jobs.tasks import send_email
from apps.users.account_views import RESET_REQUESTED
from apps.users.models import User
from apps.users.throttling import AuthRateThrottle
from apps.users.tokens import SessionRefreshToken
from harness.chain import free_port
from tests.conftest import PASSWORD, bearer_client
from tests.users.conftest import Inbox, link_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another-long-passphrase-42"


def request_reset(client: APIClient, email: str = "alice@example.com"):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/password/reset/", {"email": email}, format="json")


def confirm(client: APIClient, link: dict[str, str], password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    data = {"uid": link["uid"], "token": link["token"], "new_password": password}
    return client.post("/api/v1/auth/password/reset/confirm/", data, format="json")


def emailed_link(client: APIClient, mailbox: Inbox) -> dict[str, str]:
    assert request_reset(client).status_code == 202
    return link_in(mailbox.only("alice@example.com"))


def can_log_in(client: APIClient, password: str) -> bool:
    data = {"email": "alice@example.com", "password": password}
    return bool(client.post("/api/v1/auth/token/", data, format="json").status_code == 200)


def test_the_emailed_link_sets_a_new_password(api_client: APIClient, user: User, mailbox: Inbox) -> None:
    link = emailed_link(api_client, mailbox)
    assert link["page"] == "https://app.example.com/reset-password"
    assert confirm(api_client, link).status_code == 204
    assert can_log_in(api_client, NEW_PASSWORD)
    assert not can_log_in(api_client, PASSWORD)


def test_the_email_has_a_plain_text_and_an_html_part_from_the_sender(
    api_client: APIClient, user: User, mailbox: Inbox
) -> None:
    request_reset(api_client)
    message = mailbox.only("alice@example.com")
    assert message["From"] == "accounts@example.com"
    assert message["Subject"] == "Reset your password"
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    # The HTML link escapes the & between the query's two values; the plain text must not.
    assert 'href="https://app.example.com/reset-password?uid=' in str(html.get_content())
    assert "&amp;token=" in str(html.get_content())


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    api_client: APIClient, user: User, mailbox: Inbox
) -> None:
    known, unknown = request_reset(api_client), request_reset(api_client, "nobody@example.com")
    assert (
        (unknown.status_code, unknown.json()) == (known.status_code, known.json()) == (202, {"detail": RESET_REQUESTED})
    )
    mailbox.only("alice@example.com")


def test_an_inactive_account_gets_no_email(api_client: APIClient, make_user, mailbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    make_user("alice@example.com", is_active=False)
    assert request_reset(api_client).status_code == 202
    assert mailbox.messages == []


def test_the_address_is_matched_in_any_case(api_client: APIClient, user: User, mailbox: Inbox) -> None:
    request_reset(api_client, "ALICE@Example.COM")
    mailbox.only("alice@example.com")


def test_a_link_works_only_once(api_client: APIClient, user: User, mailbox: Inbox) -> None:
    link = emailed_link(api_client, mailbox)
    assert confirm(api_client, link).status_code == 204
    again = confirm(api_client, link, password="yet-another-passphrase-7")
    assert again.status_code == 400
    assert again.json()["fields"] == {"token": ["The link is invalid or has expired."]}
    assert can_log_in(api_client, NEW_PASSWORD)


def test_a_link_expires_after_account_link_lifetime(
    api_client: APIClient,
    user: User,
    mailbox: Inbox,
    settings,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    settings.PASSWORD_RESET_TIMEOUT = 3600
    link = emailed_link(api_client, mailbox)
    later = datetime.now() + timedelta(seconds=3601)  # naive, as the generator's own clock
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    assert confirm(api_client, link).status_code == 400
    assert can_log_in(api_client, PASSWORD)


@pytest.mark.parametrize(
    "link",
    [
        {"uid": "garbage", "token": "garbage"},
        {"uid": "", "token": ""},
        {"uid": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "token": "x-y"},  # a number beyond any key
        {"uid": "_w", "token": "x-y"},  # decodes to bytes that are not UTF-8
    ],
)
def test_a_forged_link_is_a_400(api_client: APIClient, user: User, link: dict[str, str]) -> None:
    response = confirm(api_client, link)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_a_weak_new_password_is_refused_and_the_link_stays_usable(
    api_client: APIClient, user: User, mailbox: Inbox
) -> None:
    link = emailed_link(api_client, mailbox)
    weak = confirm(api_client, link, password="12345678")
    assert weak.status_code == 400
    assert "new_password" in weak.json()["fields"]
    assert confirm(api_client, link).status_code == 204


def test_reset_revokes_every_refresh_token(api_client: APIClient, user: User, mailbox: Inbox) -> None:
    refresh_tokens = [str(SessionRefreshToken.for_user(user)) for _ in range(2)]
    confirm(api_client, emailed_link(api_client, mailbox))
    for refresh in refresh_tokens:
        response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json")
        assert response.status_code == 401


def test_reset_revokes_every_access_token(api_client: APIClient, user: User, mailbox: Inbox) -> None:
    signed_in = bearer_client(user)
    assert signed_in.get("/api/v1/users/me/").status_code == 200
    confirm(api_client, emailed_link(api_client, mailbox))
    response = signed_in.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"


def test_reset_counts_as_verifying_the_address(api_client: APIClient, make_user, mailbox: Inbox) -> None:  # type: ignore[no-untyped-def]
    make_user("alice@example.com", email_verified=False)
    confirm(api_client, emailed_link(api_client, mailbox))
    assert User.objects.get().email_verified


def test_account_endpoints_share_the_auth_throttle_with_login(
    api_client: APIClient, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(AuthRateThrottle, "THROTTLE_RATES", {"auth": "4/min"})
    forged = {"uid": "x", "token": "y"}
    codes = [
        request_reset(api_client, "guess@example.com").status_code,
        confirm(api_client, forged).status_code,
        api_client.post("/api/v1/auth/email/verify/", forged, format="json").status_code,
        api_client.post("/api/v1/auth/email/verify/resend/", {"email": "guess@example.com"}, format="json").status_code,
    ]
    assert codes == [202, 400, 400, 202]
    login = {"email": "alice@example.com", "password": PASSWORD}
    assert api_client.post("/api/v1/auth/token/", login, format="json").status_code == 429


def test_the_email_is_queued_for_the_worker_not_sent_in_the_request(
    api_client: APIClient,
    user: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    response = request_reset(api_client)
    assert (response.status_code, response.json()) == (202, {"detail": RESET_REQUESTED})
    (job,) = DBTaskResult.objects.all()
    assert (job.task_path, job.status, job.args_kwargs["kwargs"]["to"]) == (
        "apps.jobs.tasks.send_email",
        "READY",
        [user.email],
    )


def test_a_silent_mail_server_fails_the_send_after_email_timeout(settings) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as silent:  # accepts connections (the kernel does) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_TIMEOUT = 1
        with pytest.raises(smtplib.SMTPServerDisconnected, match="timed out"):  # the worker retries it with backoff
            send_email.call(subject="s", body="b", to=["alice@example.com"])
