"""The `auth` throttle, counted in the database so it holds across every worker and replica.

With the default per-process memory cache each gunicorn worker would count on its own (10/min
would become 10/min per worker), and a Redis outage would open the door to password guessing.
Here each attempt is one atomic upsert that returns the new count, so no request is ever allowed
past the limit, with or without Redis. A fixed window, as every throttle here
(apps/core/throttling.py).
"""

import time
from typing import Any

from django.db import connection
from rest_framework.permissions import SAFE_METHODS

from apps.core.throttling import FixedWindowRateThrottle
from apps.users.models import AuthAttemptCounter


def attempt_count(key: str, window_end: int) -> int:
    """Counts one attempt under `key` and returns the attempts so far, in one statement.

    Raw SQL because the ORM has no increment-on-conflict; PostgreSQL and SQLite (3.35+) share this
    syntax. A key's first attempt also sweeps rows whose window has ended, so the table stays small.
    """
    table = connection.ops.quote_name(AuthAttemptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, hits, window_end) VALUES (%s, 1, %s) "  # noqa: S608 (names are ours)
            f"ON CONFLICT (key) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key, window_end],
        )
        hits = int(cursor.fetchone()[0])
    if hits == 1:
        AuthAttemptCounter.objects.filter(window_end__lt=int(time.time())).delete()
    return hits


class AuthRateThrottle(FixedWindowRateThrottle):
    """`THROTTLE_AUTH_RATE` per client address (per user once authenticated), in the database."""

    scope = "auth"

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = getattr(request, "user", None)
        ident = f"user:{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        return f"{self.scope}:{ident}"

    def allow_request(self, request: Any, view: Any) -> bool:
        # Only a write carries a credential; a GET is answered 405 without counting.
        return request.method in SAFE_METHODS or super().allow_request(request, view)

    def count(self, key: str, *, window_end: int) -> int:
        return attempt_count(key, window_end)
