"""The `auth` throttle, counted in the database so it holds across every worker and replica.

DRF's throttles keep a request history in the cache: with the default per-process memory cache
each gunicorn worker counts on its own (10/min becomes 10/min per worker), and even on Redis the
read-modify-write of that history lets parallel requests slip through. Here each attempt is one
atomic upsert that returns the new count, so no request is ever allowed past the limit, with or
without Redis. The window is fixed (counts reset on the minute, hour...), not sliding.
"""

import time
from typing import Any

from django.db import connection
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

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


class AuthRateThrottle(SimpleRateThrottle):
    """`THROTTLE_AUTH_RATE` per client address (per user once authenticated), in the database."""

    scope = "auth"

    def get_cache_key(self, request: Any, view: Any) -> str:
        user = getattr(request, "user", None)
        ident = f"user:{user.pk}" if user is not None and user.is_authenticated else self.get_ident(request)
        return f"{self.scope}:{ident}"

    def allow_request(self, request: Any, view: Any) -> bool:
        limit, period = self.parse_rate(self.rate)
        # Only a write carries a credential; a GET is answered 405 without counting.
        if limit is None or period is None or request.method in SAFE_METHODS:
            return True
        now = int(time.time())
        window_end = (now // period + 1) * period
        self.seconds_left = window_end - now
        return attempt_count(f"{self.get_cache_key(request, view)}:{window_end}", window_end) <= limit

    def wait(self) -> float:
        return float(self.seconds_left)
