"""Django's cache backends, counting hits, misses and errors for the metrics, with a `hit` counter
for the throttles (apps/core/throttling.py).

Django sends no signal for cache calls, so the count is taken in the backend itself: the same
Redis and local-memory backends as before, with each operation observed on its way through.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from apps.observability import metrics

_MISSING = object()


@contextmanager
def _counting_errors(operation: str) -> Iterator[None]:
    try:
        yield
    except Exception:
        if settings.METRICS_ENABLED:
            metrics.CACHE_ERRORS.labels(operation).inc()
        raise


def _count_lookups(hits: int, misses: int) -> None:
    if settings.METRICS_ENABLED:
        metrics.CACHE_LOOKUPS.labels("hit").inc(hits)
        metrics.CACHE_LOOKUPS.labels("miss").inc(misses)


def _passing_through(operation: str) -> Any:
    """The backend's own method, with its errors counted."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _counting_errors(operation):
            return getattr(super(_CacheMetricsMixin, self), operation)(*args, **kwargs)

    return method


class _CacheMetricsMixin:
    # The operations this project's code and DRF's throttles use; others pass through uncounted.

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        with _counting_errors("get"):
            value = super().get(key, _MISSING, version)  # type: ignore[misc]
        _count_lookups(value is not _MISSING, value is _MISSING)
        return default if value is _MISSING else value

    set = _passing_through("set")
    add = _passing_through("add")
    delete = _passing_through("delete")
    incr = _passing_through("incr")


class _OneClientAPoolRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one redis.Redis for each connection pool.

    Django builds a new redis.Redis, with its table of some 170 reply parsers, for every cache call;
    the pool underneath is shared anyway, and redis.Redis is safe to share between threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index: int = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        if index not in self._clients:
            self._clients[index] = super().get_client(key, write=write)
        return self._clients[index]


class InstrumentedRedisCache(_CacheMetricsMixin, RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _OneClientAPoolRedisCacheClient

    def hit(self, key: Any, timeout: int, version: Any = None) -> int:
        """Adds one to `key`'s count and returns it; the count expires `timeout` seconds after it
        starts. One round trip (SET NX with its expiry, then INCR, pipelined), atomic in Redis."""
        key = self.make_and_validate_key(key, version=version)
        with _counting_errors("hit"):
            pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
            pipeline.set(key, 0, ex=timeout, nx=True)
            pipeline.incr(key)
            return int(pipeline.execute()[1])


class InstrumentedLocMemCache(_CacheMetricsMixin, LocMemCache):
    def hit(self, key: Any, timeout: int, version: Any = None) -> int:
        """Adds one to `key`'s count and returns it; the count expires `timeout` seconds after it starts."""
        while True:
            self.add(key, 0, timeout, version)
            try:
                return int(self.incr(key, version=version))
            except ValueError:  # expired between the two steps: start its next count
                continue
