"""gunicorn's access log as one JSON object a line, in the shape of the application's own logs.

The request id and user id come from the WSGI environ, where apps.core.middleware left them, so
the access line of a request carries the same request_id as every line the application logged.
The query string is left out: it may hold a token or a password reset code.
"""

from typing import Any

from gunicorn import glogging

from apps.core.logging import valid_request_id


def _sent_request_id(environ: dict[str, Any]) -> str | None:
    """The id nginx sent, for a request gunicorn answered without Django; a raw one never."""
    sent = environ.get("HTTP_X_REQUEST_ID", "")
    return sent if valid_request_id(sent) else None


class AccessLogger(glogging.Logger):
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        method = environ.get("REQUEST_METHOD", "-")
        path = environ.get("PATH_INFO", "-")
        status = getattr(resp, "status_code", None)
        fields = {
            "request_id": environ.get("app.request_id") or _sent_request_id(environ),
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "user_id": environ.get("app.user_id"),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "bytes": getattr(resp, "sent", None),
        }
        self.access_log.info("%s %s %s", method, path, status, extra=fields)
