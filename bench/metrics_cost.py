"""Prints what Prometheus metrics cost the list endpoint (c), as JSON: milliseconds a request off and on.

Run with the benchmark's environment and PROMETHEUS_MULTIPROC_DIR set. The same requests run in
one process, in alternating blocks with the metrics off and on (multiprocess mode, as under
gunicorn), so whatever else the machine does falls on both alike; between two servers that noise
is larger than the cost measured.
"""

import json
import sys
import time

from django.conf import settings
from django.test import Client

import bench.plain_django  # noqa: F401  (sets Django up with the bench's URLs)

BLOCKS, REQUESTS = 20, 50


def main(email: str) -> None:
    from apps.users.models import User
    from apps.users.tokens import SessionRefreshToken

    user = User.objects.get(email=email)
    access = SessionRefreshToken.for_user(user).access_token
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {access}")
    for _ in range(REQUESTS):  # warm
        client.get("/api/v1/notes/")
    seconds = {False: 0.0, True: 0.0}
    for block in range(2 * BLOCKS):
        enabled = block % 2 == 1
        settings.METRICS_ENABLED = enabled
        started = time.perf_counter()
        for _ in range(REQUESTS):
            response = client.get("/api/v1/notes/")
        seconds[enabled] += time.perf_counter() - started
        assert response.status_code == 200, response.content[:200]
    per_request = 1000 / (BLOCKS * REQUESTS)
    print(json.dumps({"off_ms": seconds[False] * per_request, "on_ms": seconds[True] * per_request}))


if __name__ == "__main__":
    main(sys.argv[1])
