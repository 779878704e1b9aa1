"""Request metrics by route template and status, database query metrics, slow request and SQL logs."""

import logging

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.test import Client, override_settings
from prometheus_client import REGISTRY

from apps.observability.middleware import RequestMetricsMiddleware
from tests.conftest import bearer_client


def _count(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _requests(method: str, route: str, status: str) -> float:
    return _count("http_request_duration_seconds_count", method=method, route=route, status=status)


@pytest.mark.django_db
@override_settings(METRICS_ENABLED=True, ROOT_URLCONF="tests.observability.slow_urls")
def test_a_request_is_counted_by_route_template_and_status() -> None:
    before = _requests("GET", "/slow/{pk}/", "200")
    assert Client().get("/slow/41/").status_code == 200
    assert Client().get("/slow/42/").status_code == 200
    assert _requests("GET", "/slow/{pk}/", "200") == before + 2


@override_settings(METRICS_ENABLED=True)
def test_paths_that_match_no_route_share_one_label() -> None:
    before = _requests("GET", "unmatched", "404")
    Client().get("/no/such/page/1/")
    Client().get("/no/such/page/2/")
    assert _requests("GET", "unmatched", "404") == before + 2


@override_settings(METRICS_ENABLED=True)
def test_invented_methods_share_one_label() -> None:
    before = _requests("other", "/api/v1/users/me/", "401")
    Client().generic("BREW", "/api/v1/users/me/")
    assert _requests("other", "/api/v1/users/me/", "401") == before + 1


@override_settings(METRICS_ENABLED=True)
def test_database_queries_of_a_request_are_counted(user: object) -> None:
    before = _count("db_query_duration_seconds_count", alias="default")
    assert bearer_client(user).get("/api/v1/users/me/").status_code == 200  # type: ignore[arg-type]
    assert _count("db_query_duration_seconds_count", alias="default") > before


@override_settings(METRICS_ENABLED=False)
def test_nothing_is_recorded_when_metrics_are_off() -> None:
    before = _requests("GET", "/api/v1/users/me/", "401")
    Client().get("/api/v1/users/me/")
    assert _requests("GET", "/api/v1/users/me/", "401") == before


@override_settings(METRICS_ENABLED=False, SLOW_REQUEST_MS=0, SLOW_SQL_MS=0)
def test_the_middleware_steps_aside_when_metrics_and_slow_logs_are_off() -> None:
    with pytest.raises(MiddlewareNotUsed):
        RequestMetricsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.observability.slow_urls", SLOW_REQUEST_MS=1, SLOW_SQL_MS=0)
def test_a_slow_request_is_logged_with_its_route_queries_and_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.observability"):
        Client().get("/slow/7/?secret=x", headers={"X-Request-ID": "req-slow-1"})
    [record] = [r for r in caplog.records if r.getMessage() == "slow request"]
    assert record.request_id == "req-slow-1"  # type: ignore[attr-defined]
    assert (record.route, record.path, record.status) == ("/slow/{pk}/", "/slow/7/", 200)  # type: ignore[attr-defined]
    assert record.db_queries == 1  # type: ignore[attr-defined]
    assert record.duration_ms >= 1  # type: ignore[attr-defined]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.observability.slow_urls", SLOW_REQUEST_MS=0, SLOW_SQL_MS=1)
def test_a_slow_query_is_logged_without_its_parameters_with_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.observability"):
        Client().get("/slow/7/", headers={"X-Request-ID": "req-slow-2"})
    [record] = [r for r in caplog.records if r.getMessage() == "slow SQL"]
    assert record.request_id == "req-slow-2"  # type: ignore[attr-defined]
    assert (record.sql, record.alias) == ("SELECT 1", "default")  # type: ignore[attr-defined]
    assert not [r for r in caplog.records if r.getMessage() == "slow request"]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.observability.slow_urls", SLOW_REQUEST_MS=60_000, SLOW_SQL_MS=60_000)
def test_requests_and_queries_under_the_thresholds_are_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.observability"):
        Client().get("/slow/7/")
    assert not [r for r in caplog.records if r.name == "apps.observability"]
