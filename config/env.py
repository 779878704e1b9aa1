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

from decouple import AutoConfig, Csv, UndefinedValueError, undefined

REQUIRED = undefined  # the default of a variable that must be set

__all__ = [
    "GENERATE_KEY_HINT",
    "REQUIRED",
    "Csv",
    "Env",
    "boolean",
    "choice",
    "non_negative_int",
    "positive_int",
    "rate",
    "time_zone",
    "weak_secrets",
]

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
        raise SystemExit(78)  # EX_CONFIG from sysexits.h: a configuration error, not a crash
