"""Prints the SQL queries per request of each benchmarked endpoint, in steady state, as JSON.

Run with the benchmark's environment (its DATABASE_URL); each endpoint is requested twice in one
process and the second request counted, as a warm worker serves it.
"""

import json
import sys

from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import bench.plain_django  # noqa: F401  (sets Django up with the bench's URLs)


def count(client: Client, method: str, path: str, **kwargs: object) -> int:
    getattr(client, method)(path, **kwargs)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code, response.content[:200])
    return len(queries)


def main(email: str, password: str) -> None:
    from apps.users.models import User
    from apps.users.tokens import SessionRefreshToken

    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {SessionRefreshToken.for_user(user).access_token}"}
    counts = {"bare": 0}
    if apps.is_installed("apps.notes"):
        counts["plain"] = count(client, "get", f"/bench/plain-notes/?owner={user.pk}")
        counts["drf_list"] = count(client, "get", "/api/v1/notes/", **bearer)
    counts |= {
        "healthz": count(client, "get", "/healthz"),
        "token": count(
            client,
            "post",
            "/api/v1/auth/token/",
            data={"email": email, "password": password},
            content_type="application/json",
        ),
    }
    print(json.dumps(counts))


if __name__ == "__main__":
    main(*sys.argv[1:3])
