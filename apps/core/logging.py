"""Log records as one JSON object a line (production) or readable text (development).

The request id and the authenticated user live in context variables that the request middleware
sets, so every line logged while serving a request carries them without being passed around.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged too.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

# Keys whose values are never logged, whatever a caller passes in `extra=`.
_SECRET_KEYS = ("password", "token", "secret", "authorization", "cookie", "key")


# Line breaks and other control characters (C0, DEL, C1 and Unicode's line separators): written raw,
# a path such as /%0a would forge a line of its own in the text log.
_CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control_characters(text: str) -> str:
    return _CONTROL_CHARACTERS.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


# A client-sent request id is kept only if it is short and plain, so it cannot forge log lines or
# break out of a JSON string. nginx's `map $http_x_request_id` uses the same expression (tested).
REQUEST_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_VALID_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def valid_request_id(value: str) -> bool:
    return _VALID_REQUEST_ID.match(value) is not None


def current_request_id() -> str | None:
    return request_id_var.get()


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = {}
    for key, value in vars(record).items():
        if key in _STANDARD_ATTRS or key.startswith("_"):
            continue
        if key == "request":
            # django.request attaches the request; its repr carries the query string, which may
            # hold a token. Keep only what identifies the request.
            fields["method"] = getattr(value, "method", None)
            fields["path"] = getattr(value, "path", None)
            continue
        if any(marker in key.lower() for marker in _SECRET_KEYS):
            value = "[redacted]"
        fields[key] = value
    return fields


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        time = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        extras = " ".join(f"{k}={v}" for k, v in _extra_fields(record).items() if v is not None)
        line = f"{time} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if extras:
            line = f"{line} [{extras}]"
        line = escape_control_characters(line)
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line
