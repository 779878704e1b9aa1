"""Two API instances sharing one Redis: throttling counts across processes and replicas."""

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis

from harness import chain

REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def cache_prefix() -> Iterator[str]:
    prefix = f"e2e-{uuid.uuid4().hex[:8]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_throttle_limit_holds_across_two_instances(database_url: str, workdir: Path, cache_prefix: str) -> None:
    chain.clear_of_midnight()
    shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": cache_prefix, "THROTTLE_ANON_RATE": "6/day",
              "SECURE_SSL_REDIRECT": "false", "WEB_CONCURRENCY": "2"}  # fmt: skip
    replicas = [chain.start_api(database_url, workdir / f"redis-{i}", **shared) for i in range(2)]
    try:
        readiness = [chain.get(r.port, "/readyz", host="127.0.0.1").json()["checks"]["cache"] for r in replicas]
        statuses = [
            chain.request("POST", replicas[i % 2].port, "/api/v1/auth/token/verify/", body={}).status for i in range(10)
        ]
    finally:
        for replica in replicas:
            replica.stop()
    assert readiness == ["ok", "ok"]
    # 2 instances x 2 workers: with per-process memory each of the 4 would allow 6 on its own.
    assert statuses == [400] * 6 + [429] * 4


def test_parallel_requests_cannot_slip_past_the_limit(database_url: str, workdir: Path, cache_prefix: str) -> None:
    chain.clear_of_midnight()
    limit = 20
    shared = {"REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": cache_prefix, "THROTTLE_ANON_RATE": f"{limit}/day",
              "SECURE_SSL_REDIRECT": "false", "WEB_CONCURRENCY": "3"}  # fmt: skip
    replicas = [chain.start_api(database_url, workdir / f"parallel-{i}", **shared) for i in range(2)]
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(
                lambda i: chain.request("POST", replicas[i % 2].port, "/api/v1/auth/token/verify/", body={}).status,
                range(3 * limit),
            ))  # fmt: skip
    finally:
        for replica in replicas:
            replica.stop()
    # 6 workers answering 12 clients at once: a read-modify-write count would let more than 20 in.
    assert sorted(statuses) == [400] * limit + [429] * (2 * limit)
