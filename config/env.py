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
    "REQUIRED",
    "Csv",
    "Env",
    "boolean",
    "choice",
    "fraction",
    "non_negative_int",
    "positive_int",
    "rate",
    "time_zone",
]


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
