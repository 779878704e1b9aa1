"""DRF's anonymous and per-user throttles, letting requests through while the cache is down.

These limits guard capacity, not credentials (the `auth` throttle counts in the database and keeps
working), so while Redis is stopped or hung the API keeps serving unthrottled instead of failing
every request; each skipped check is logged.
"""

import logging
from typing import Any

from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class _OpenWhileCacheIsDown:
    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc, no-any-return]
        except RedisError as exc:
            logger.warning("throttle skipped: the cache is unavailable (%s)", type(exc).__name__)
            return True


class AnonCacheRateThrottle(_OpenWhileCacheIsDown, AnonRateThrottle):
    """DRF's AnonRateThrottle, failing open on a cache outage."""


class UserCacheRateThrottle(_OpenWhileCacheIsDown, UserRateThrottle):
    """DRF's UserRateThrottle, failing open on a cache outage."""
