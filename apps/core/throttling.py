"""The throttles: fixed windows, each request one atomic increment of its window's counter.

DRF's own throttles keep every request's timestamp in one cache entry, read it whole, prune it and
write it back: the work grows with the rate (a client at 600/min carries up to 600 timestamps
through every request), and requests in parallel workers overwrite each other's writes, so some
slip past the limit. Here each request adds one to a counter that expires with its window, in one
step that parallel requests cannot lose. The window is fixed (counts reset on the second, minute,
hour...), not sliding: a client may spend one window's allowance at its end and the next at the
start of the next.

The anonymous and per-user throttles count in the cache (Redis in production) and let requests
through while the cache is down: they guard capacity, not credentials (the `auth` throttle counts
in the database, apps/users/throttling.py, and keeps working). Each skipped check is logged.
"""

import logging
from typing import Any

from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from apps.core.outages import is_redis_error

logger = logging.getLogger(__name__)


class FixedWindowRateThrottle(SimpleRateThrottle):
    """DRF's rate, scope and client identity; `count` says where the counters live."""

    def allow_request(self, request: Any, view: Any) -> bool:
        limit, period = self.parse_rate(self.rate)
        key = self.get_cache_key(request, view)
        if limit is None or period is None or key is None:
            return True
        now = int(self.timer())
        window_end = (now // period + 1) * period
        self.seconds_left = window_end - now
        return self.count(f"{key}:{window_end}", window_end=window_end) <= limit

    def count(self, key: str, *, window_end: int) -> int:
        """Counts one request under `key` (unique to its window) and returns the window's count."""
        raise NotImplementedError

    def wait(self) -> float:
        return float(self.seconds_left)


class _CountedInCacheOpenWhileDown(FixedWindowRateThrottle):
    def count(self, key: str, *, window_end: int) -> int:
        # The entry outlives its window by a second, so a clock a little behind never recreates it.
        hits: int = cache.hit(key, timeout=window_end - int(self.timer()) + 1)  # type: ignore[attr-defined]
        return hits

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as exc:
            if not is_redis_error(exc):
                raise
            logger.warning("throttle skipped: the cache is unavailable (%s)", type(exc).__name__)
            return True


class AnonCacheRateThrottle(_CountedInCacheOpenWhileDown, AnonRateThrottle):
    """`THROTTLE_ANON_RATE` per client address, for requests without a token."""


class UserCacheRateThrottle(_CountedInCacheOpenWhileDown, UserRateThrottle):
    """`THROTTLE_USER_RATE` per authenticated user."""
