"""The ceiling of the benchmark: a WSGI callable returning a small JSON body, no framework at all."""

import json

_BODY = json.dumps({"status": "ok", "items": list(range(20))}).encode()


def application(environ: dict, start_response) -> list[bytes]:  # type: ignore[no-untyped-def, type-arg]
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))])
    return [_BODY]
