"""Reads the environment for the settings module and reports every problem at once.

decouple stops at the first missing or malformed variable with a traceback from its own internals.
Someone fixing a deployment wants the whole list, each line naming the variable and the fix, so
every read goes through `Env`, which records problems and lets `Env.exit_if_invalid()` stop the
process with one message.

Secrets may also come from a file: for a key read with `secret=True`, `NAME_FILE` names a file whose
content is the value, as Docker and Kubernetes mount secrets. Setting both is an error.
"""

from __future__ import annotations

import sys
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from decouple import AutoConfig, Csv, UndefinedValueError, undefined

REQUIRED = undefined  # the default of a variable that must be set

__all__ = [
    "CONFIGURATION_ERROR_STATUS",
    "GENERATE_KEY_HINT",
    "REQUIRED",
    "Csv",
    "Env",
    "boolean",
    "choice",
    "email_url",
    "fraction",
    "http_url",
    "non_negative_int",
    "positive_int",
    "rate",
    "time_zone",
    "weak_secrets",
]

# EX_CONFIG from sysexits.h: the exit status of a configuration error, not a crash.
CONFIGURATION_ERROR_STATUS = 78
# Django's own deploy check (security.W009) wants at least this many characters in SECRET_KEY.
SECRET_KEY_MIN_LENGTH = 50
# The prefix Django gives keys that are not for production; the development defaults carry it.
INSECURE_PREFIX = "django-insecure"
GENERATE_KEY_HINT = "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def boolean(value: str | bool) -> bool:
    """decouple's own bool cast, but with the accepted words in the error."""
    if isinstance(value, bool):
        return value
    words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
    try:
        return words[value.strip().lower()]
    except KeyError:
        raise ValueError("expected one of true/false, yes/no, on/off, 1/0") from None


def non_negative_int(value: str | int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError("expected a whole number") from None
    if number < 0:
        raise ValueError("expected a number of 0 or more")
    return number


def positive_int(value: str | int) -> int:
    number = non_negative_int(value)
    if number == 0:
        raise ValueError("expected a number of 1 or more")
    return number


def fraction(value: str | float) -> float:
    """A share between 0 and 1, such as a sampling rate."""
    try:
        number = float(value)
    except ValueError:
        raise ValueError("expected a number between 0 and 1, e.g. 0.25") from None
    if not 0 <= number <= 1:
        raise ValueError("expected a number between 0 and 1, e.g. 0.25")
    return number


def choice(*allowed: str) -> Callable[[str], str]:
    def cast(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return cast


def time_zone(value: str) -> str:
    """An IANA zone name such as Europe/Paris; Django would otherwise fail later with a traceback."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as UTC or Europe/Paris") from None
    return value


def rate(value: str) -> str:
    """A DRF throttle rate such as `100/min`; checked here so a typo fails at start, not per request."""
    count, _, period = value.partition("/")
    if not count.isdigit() or period[:1] not in {"s", "m", "h", "d"}:
        raise ValueError("expected <number>/<second|minute|hour|day>, e.g. 100/min")
    return value


def http_url(value: str) -> str:
    """An absolute http(s) address such as https://app.example.com, without the trailing slash."""
    url = urlsplit(value)
    if url.scheme not in {"http", "https"} or not url.netloc or url.query or url.fragment:
        raise ValueError("expected an absolute http(s) URL such as https://app.example.com")
    return value.rstrip("/")


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
}


def email_url(value: str) -> dict[str, Any]:
    """`smtp://user:password@host:587/?tls=true`, `smtps://…` (TLS from the start) or `console://`
    -> Django's EMAIL_* settings. One variable makes the mail server an attached resource, like
    DATABASE_URL; user and password are percent-decoded, so they may hold any character.
    """
    try:
        url = urlsplit(value)
        port = url.port
    except ValueError:
        raise ValueError("expected a URL such as smtp://user:password@host:587/?tls=true") from None
    if url.scheme not in EMAIL_BACKENDS:
        raise ValueError(f"expected a scheme of {', '.join(EMAIL_BACKENDS)}, e.g. smtp://host:587/?tls=true")
    settings: dict[str, Any] = {
        "EMAIL_BACKEND": EMAIL_BACKENDS[url.scheme],
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
    }
    if url.scheme == "console":
        return settings
    if not url.hostname:
        raise ValueError("expected a host, e.g. smtp://host:587/?tls=true")
    options = {key: values[-1] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
    unknown = set(options) - {"tls", "ssl"}
    if unknown:
        raise ValueError(f"unknown option {', '.join(sorted(unknown))}; expected tls or ssl")
    use_tls = boolean(options.get("tls", False))
    use_ssl = url.scheme == "smtps" or boolean(options.get("ssl", False))
    if use_tls and use_ssl:
        raise ValueError("tls (STARTTLS) and ssl (smtps) exclude each other; pick one")
    settings.update(
        EMAIL_HOST=url.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 25),
        EMAIL_HOST_USER=unquote(url.username or ""),
        EMAIL_HOST_PASSWORD=unquote(url.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
    )
    return settings


def weak_secrets(*, secret_key: str | None, jwt_signing_key: str | None, jwt_algorithm: str, debug: bool) -> list[str]:
    """What is wrong with the two signing keys; keys that failed to load are reported elsewhere."""
    problems = []
    if secret_key is not None and len(secret_key) < SECRET_KEY_MIN_LENGTH:
        problems.append(f"SECRET_KEY is too short: {len(secret_key)} characters, {SECRET_KEY_MIN_LENGTH} at least.")
    # RFC 7518 3.2: an HMAC key at least as long as the hash's output (32 bytes for HS256).
    jwt_min_bytes = int(jwt_algorithm[2:]) // 8
    if jwt_signing_key is not None and len(jwt_signing_key.encode()) < jwt_min_bytes:
        problems.append(
            f"JWT_SIGNING_KEY is too short for {jwt_algorithm}: {len(jwt_signing_key.encode())} bytes, "
            f"{jwt_min_bytes} at least."
        )
    if secret_key is not None and secret_key == jwt_signing_key:
        problems.append("JWT_SIGNING_KEY is the same as SECRET_KEY: give each its own, so either can be rotated alone.")
    for name, value in (("SECRET_KEY", secret_key), ("JWT_SIGNING_KEY", jwt_signing_key)):
        if not debug and value is not None and value.startswith(INSECURE_PREFIX):
            problems.append(f"{name} is a development key ({INSECURE_PREFIX}...), and DEBUG is off.")
    return [f"{problem} {GENERATE_KEY_HINT}" for problem in problems]


class Env:
    def __init__(self, search_path: Path) -> None:
        self._config = AutoConfig(search_path=str(search_path))
        self.problems: list[str] = []

    def __call__(
        self,
        name: str,
        *,
        cast: Callable[[Any], Any],
        default: Any = REQUIRED,
        secret: bool = False,
        hint: str = "",
    ) -> Any:
        """The value of `name`, cast; on a problem, record it and return None."""
        try:
            raw = self._read_secret(name, default) if secret else self._config(name, default=default)
        except UndefinedValueError:
            self._record(f"{name} is not set.", hint)
            return None
        except OSError as exc:
            self._record(f"{name}_FILE cannot be read: {exc.strerror} ({exc.filename}).", hint)
            return None
        if raw is None:
            return None
        if secret and isinstance(raw, str) and not raw.strip() and default != "":
            self._record(f"{name} is empty.", hint)
            return None
        try:
            return cast(raw)
        except (ValueError, TypeError) as exc:
            shown = "<hidden>" if secret else repr(raw)
            self._record(f"{name}={shown} is not valid: {exc}.", hint)
            return None

    def _read_secret(self, name: str, default: Any) -> Any:
        direct = self._config(name, default=None)
        path = self._config(f"{name}_FILE", default=None)
        if direct is not None and path:
            self._record(f"{name} and {name}_FILE are both set.", "Set only one of them.")
            return None
        if path:
            return Path(path).read_text(encoding="utf-8").strip()
        if direct is not None:
            return direct
        return self._config(name, default=default)  # the default, or UndefinedValueError

    def _record(self, problem: str, hint: str) -> None:
        self.problems.append(f"{problem} {hint}".strip())

    def warn(self, message: str) -> None:
        """Says something is unsafe but allowed (with DEBUG on), on stderr, before logging is set up."""
        sys.stderr.write(f"WARNING: {message}\n")

    def exit_if_invalid(self) -> None:
        if not self.problems:
            return
        count = len(self.problems)
        lines = [
            f"Configuration error: {count} environment variable{'s' if count > 1 else ''} to fix "
            "(set them in the environment or in .env; .env.example documents each one):",
            *(f"  - {problem}" for problem in self.problems),
        ]
        sys.stderr.write("\n".join(lines) + "\n")
        raise SystemExit(CONFIGURATION_ERROR_STATUS)
