"""EMAIL_URL -> Django's EMAIL_* settings, and FRONTEND_URL; a malformed URL is refused with the reason."""

import re

import pytest

from config.env import email_url, http_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_smtp_url_with_starttls_gives_every_setting() -> None:
    assert email_url("smtp://mailer:s%40cret%2F1@mail.example.com:587/?tls=true") == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.com",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "s@cret/1",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }


def test_smtps_url_uses_implicit_tls_on_port_465() -> None:
    settings = email_url("smtps://mail.example.com")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (465, True, False)


def test_smtp_url_without_options_is_plain_smtp_on_port_25() -> None:
    settings = email_url("smtp://localhost")
    assert (settings["EMAIL_PORT"], settings["EMAIL_USE_SSL"], settings["EMAIL_USE_TLS"]) == (25, False, False)


def test_console_url_prints_messages() -> None:
    assert email_url("console://")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mail.example.com:587", "expected a scheme of console, smtp, smtps"),
        ("imap://mail.example.com", "expected a scheme of console, smtp, smtps"),
        ("smtp://", "expected a host"),
        ("smtp://mail.example.com:port", "expected a URL such as smtp://"),
        ("smtp://mail.example.com/?starttls=1", "unknown option starttls; expected tls or ssl"),
        ("smtp://mail.example.com/?tls=maybe", "expected one of true/false"),
        ("smtp://mail.example.com/?tls=true&ssl=true", "tls (STARTTLS) and ssl (smtps) exclude each other"),
        ("smtps://mail.example.com/?tls=true", "tls (STARTTLS) and ssl (smtps) exclude each other"),
    ],
)
def test_malformed_url_is_refused_with_the_reason(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        email_url(url)


def test_frontend_url_loses_its_trailing_slash() -> None:
    assert http_url("https://app.example.com/") == "https://app.example.com"


@pytest.mark.parametrize(
    "url", ["app.example.com", "ftp://app.example.com", "https://", "https://app.example.com/?a=1"]
)
def test_frontend_url_must_be_an_absolute_http_address(url: str) -> None:
    with pytest.raises(ValueError, match="expected an absolute http"):
        http_url(url)
