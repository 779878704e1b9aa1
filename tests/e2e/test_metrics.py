"""Metrics under gunicorn: the master's exporter sums every worker, and nginx never serves it."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import chain

REQUESTS = 20
MAX_REQUESTS = 5  # each worker is replaced after 5 requests, so 20 are served by at least 4 processes


@pytest.fixture(scope="module")
def metered_api(database_url: str, workdir: Path) -> Iterator[tuple[chain.Api, int]]:
    metrics_port = chain.free_port()
    api = chain.start_api(
        database_url,
        workdir / "metrics",
        METRICS_PORT=str(metrics_port),
        SECURE_SSL_REDIRECT="false",
        GUNICORN_MAX_REQUESTS=str(MAX_REQUESTS),
        GUNICORN_MAX_REQUESTS_JITTER="0",
    )
    yield api, metrics_port
    api.stop()


def test_the_exporter_sums_requests_across_workers_including_replaced_ones(metered_api: tuple[chain.Api, int]) -> None:
    api, metrics_port = metered_api
    statuses = {chain.get(api.port, "/api/v1/notes/", host="127.0.0.1").status for _ in range(REQUESTS)}
    exposition = chain.get(metrics_port, "/metrics", host="127.0.0.1").body.decode()
    assert statuses == {401}
    assert api.log().count("Autorestarting worker") >= REQUESTS // MAX_REQUESTS - 1
    labels = 'method="GET",route="/api/v1/notes/",status="401"'
    assert chain.metric_sample(exposition, "http_request_duration_seconds_count", labels) == REQUESTS


def test_metrics_are_served_on_their_port_and_not_through_nginx(
    metered_api: tuple[chain.Api, int], workdir: Path
) -> None:
    api, metrics_port = metered_api
    nginx = chain.start_nginx(api.port, workdir / "metrics-nginx")
    try:
        through_nginx = chain.request("GET", nginx.https_port, "/metrics", tls=chain.tls_context(nginx.certificate))
    finally:
        nginx.stop()
    direct = chain.get(metrics_port, "/metrics", host="127.0.0.1")
    assert b"http_request_duration_seconds" in direct.body
    assert through_nginx.status == 404
    assert b"http_request_duration_seconds" not in through_nginx.body
