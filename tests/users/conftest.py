"""A real SMTP server on loopback (aiosmtpd) that the account-email tests read their mail from."""

import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from harness.chain import free_port


class Inbox:
    """aiosmtpd handler keeping every message it accepts, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.original_content or b"", policy=email.policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def only(self, to: str) -> EmailMessage:
        """The one message received, checked to be addressed to `to`."""
        assert len(self.messages) == 1, [m["Subject"] for m in self.messages]
        assert self.messages[0]["To"] == to
        return self.messages[0]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def link_in(message: EmailMessage) -> dict[str, str]:
    """The page and query of the one front-end link in the plain-text part."""
    urls = re.findall(r"https?://\S+", text_of(message))
    assert len(urls) == 1, urls
    url = urlsplit(urls[0])
    return {"page": f"{url.scheme}://{url.netloc}{url.path}"} | {k: v[0] for k, v in parse_qs(url.query).items()}


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: tuple[Inbox, int], settings: Any) -> Inbox:
    """Sends this test's email through the loopback SMTP server (pytest-django would keep it in memory).

    Jobs run at once here, so a test reads its mail right after the request; the database queue
    and the worker that drains it are tested in tests/jobs and tests/e2e/test_worker.py.
    """
    inbox, port = smtp_server
    inbox.messages.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "accounts@example.com"
    settings.FRONTEND_URL = "https://app.example.com"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return inbox
