"""Django's cache backends, counting hits, misses and errors for the metrics.

Django sends no signal for cache calls, so the count is taken in the backend itself: the same
Redis and local-memory backends as before, with each operation observed on its way through.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

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


class InstrumentedRedisCache(_CacheMetricsMixin, RedisCache):
    pass


class InstrumentedLocMemCache(_CacheMetricsMixin, LocMemCache):
    pass
