"""The cache backends count hits, misses and errors, and otherwise behave as Django's own."""

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings
from prometheus_client import REGISTRY

from apps.observability.cache import InstrumentedLocMemCache, InstrumentedRedisCache


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _lookups() -> tuple[float, float]:
    return _count("cache_lookups_total", result="hit"), _count("cache_lookups_total", result="miss")


@override_settings(METRICS_ENABLED=True)
def test_cache_reads_are_counted_as_hits_and_misses() -> None:
    cache = caches["default"]
    hits, misses = _lookups()
    cache.set("observed", 0)
    assert cache.get("observed", "default") == 0
    assert cache.get("absent", "default") == "default"
    assert _lookups() == (hits + 1, misses + 1)


@override_settings(METRICS_ENABLED=False)
def test_cache_reads_are_not_counted_when_metrics_are_off() -> None:
    before = _lookups()
    caches["default"].get("absent")
    assert _lookups() == before


@override_settings(METRICS_ENABLED=True)
def test_an_unreachable_redis_is_counted_as_a_cache_error_and_still_raises() -> None:
    unreachable = InstrumentedRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    before = _count("cache_errors_total", operation="get")
    with pytest.raises(redis.ConnectionError):
        unreachable.get("anything")
    assert _count("cache_errors_total", operation="get") == before + 1


def test_writes_behave_as_djangos_backend() -> None:
    cache = InstrumentedLocMemCache("writes", {})
    assert cache.add("counter", 1) is True
    assert cache.add("counter", 5) is False
    assert cache.incr("counter", 2) == 3
    assert cache.delete("counter") is True
    assert cache.get("counter") is None
