import logging
import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
from django.http import HttpRequest, HttpResponse

from apps.observability import metrics

logger = logging.getLogger("apps.observability")

Handler = Callable[[HttpRequest], HttpResponse]

# DRF's routers write regular expressions, path() writes converters; either reads as /notes/{pk}/.
_PARAMETER = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")
# Any other method a client invents is counted as one label value, not one each.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def route_template(request: HttpRequest) -> str:
    """The URL pattern that matched, never the path itself: paths hold ids, and every distinct
    label value is a new time series in Prometheus."""
    match = request.resolver_match
    if match is None or not match.route:
        return "unmatched"
    return "/" + _PARAMETER.sub(lambda found: "{" + (found[1] or found[2]) + "}", match.route).replace("^", "").replace(
        "$", ""
    )


class _QueryTimer:
    """Times each query of one request (Django's connection.execute_wrapper hook)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - start
            self.count += 1
            self.seconds += elapsed
            if settings.METRICS_ENABLED:
                metrics.DB_QUERY_DURATION.labels(self.alias).observe(elapsed)
            if settings.SLOW_SQL_MS and elapsed * 1000 >= settings.SLOW_SQL_MS:
                # The statement without its parameters: those are user data, maybe secrets.
                logger.warning(
                    "slow SQL", extra={"duration_ms": round(elapsed * 1000, 1), "alias": self.alias, "sql": sql[:2000]}
                )


class RequestMetricsMiddleware:
    """Records each request's latency and queries as metrics, and logs slow requests and queries.

    Placed after the health probes (a kubelet's polling is not traffic) and after RequestIdMiddleware,
    so every line it logs carries the request id.
    """

    def __init__(self, get_response: Handler) -> None:
        if not (settings.METRICS_ENABLED or settings.SLOW_REQUEST_MS or settings.SLOW_SQL_MS):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timers = [_QueryTimer(alias) for alias in connections]
        start = time.perf_counter()
        with ExitStack() as stack:
            for timer in timers:
                stack.enter_context(connections[timer.alias].execute_wrapper(timer))
            if settings.METRICS_ENABLED:
                stack.enter_context(metrics.REQUESTS_IN_FLIGHT.track_inprogress())
            response = self.get_response(request)
        elapsed = time.perf_counter() - start
        route = route_template(request)
        if settings.METRICS_ENABLED:
            method = request.method if request.method in _METHODS else "other"
            metrics.REQUEST_DURATION.labels(method, route, str(response.status_code)).observe(elapsed)
        if settings.SLOW_REQUEST_MS and elapsed * 1000 >= settings.SLOW_REQUEST_MS:
            logger.warning(
                "slow request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "db_queries": sum(timer.count for timer in timers),
                    "db_ms": round(sum(timer.seconds for timer in timers) * 1000, 1),
                },
            )
        return response
