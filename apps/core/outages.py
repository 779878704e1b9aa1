"""Which exceptions mean a dependency is down, not a bug: the client is told to retry (503 with
Retry-After), and the general throttles let requests through while the cache is down."""

import sys

from django.db import InterfaceError, OperationalError

DATABASE_OUTAGES: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def is_redis_error(exc: BaseException | None) -> bool:
    """Whether `exc` is one of redis-py's errors, without importing redis: only a Redis cache
    (REDIS_URL) loads it, and importing it for this check would cost every start 40 ms. An error
    raised by redis means redis is loaded."""
    redis_exceptions = sys.modules.get("redis.exceptions")
    return redis_exceptions is not None and isinstance(exc, redis_exceptions.RedisError)


def is_outage(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_OUTAGES) or is_redis_error(exc)
