"""The general throttles: a fixed window counted with one atomic increment, in Redis or local memory."""

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis
from django.core.cache import caches
from rest_framework.test import APIClient

from apps.core.throttling import UserCacheRateThrottle
from apps.observability.cache import InstrumentedLocMemCache, InstrumentedRedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[InstrumentedRedisCache]:
    """The production cache (REDIS_URL set), under a key prefix of this test's own."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {"default": {"BACKEND": "apps.observability.cache.InstrumentedRedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}  # fmt: skip
    yield caches["default"]
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def two_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    # DRF copies the rates onto the class at import; patch them there.
    monkeypatch.setattr(UserCacheRateThrottle, "THROTTLE_RATES", {"user": "2/min", "anon": "1000/min"})


def test_parallel_hits_on_redis_are_each_counted_once(redis_cache: InstrumentedRedisCache) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(lambda _: redis_cache.hit("window", timeout=60), range(200)))
    assert sorted(counts) == list(range(1, 201))


def test_a_redis_count_expires_with_its_window(redis_cache: InstrumentedRedisCache) -> None:
    redis_cache.hit("window", timeout=30)
    redis_cache.hit("window", timeout=30)
    ttl = redis_cache._cache.get_client().ttl(redis_cache.make_key("window"))
    assert 0 < ttl <= 30  # set by the first hit, kept by the next


def test_parallel_hits_in_local_memory_are_each_counted_once() -> None:
    local = InstrumentedLocMemCache(f"test-{uuid.uuid4().hex}", {})
    with ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(lambda _: local.hit("window", timeout=60), range(200)))
    assert sorted(counts) == list(range(1, 201))


def test_a_local_count_starts_again_once_expired() -> None:
    local = InstrumentedLocMemCache(f"test-{uuid.uuid4().hex}", {})
    assert [local.hit("window", timeout=60) for _ in range(3)] == [1, 2, 3]
    local.delete("window")  # what its expiry does
    assert local.hit("window", timeout=60) == 1


def test_one_redis_client_serves_every_cache_call(redis_cache: InstrumentedRedisCache) -> None:
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_cache", "two_a_minute")
def test_the_user_limit_answers_429_with_the_seconds_left_in_its_window(auth_client: APIClient) -> None:
    responses = [auth_client.get("/api/v1/users/me/") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].json()["code"] == "throttled"
    assert 1 <= int(responses[2]["Retry-After"]) <= 60


@pytest.mark.django_db
@pytest.mark.usefixtures("two_a_minute")
def test_the_user_limit_holds_in_local_memory_too(auth_client: APIClient) -> None:
    assert [auth_client.get("/api/v1/users/me/").status_code for _ in range(3)] == [200, 200, 429]
