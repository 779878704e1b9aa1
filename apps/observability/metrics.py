"""The Prometheus metrics of the web process.

Under gunicorn (METRICS_PORT set) each worker writes its samples to files in
PROMETHEUS_MULTIPROC_DIR and the exporter in the gunicorn master sums them (apps.observability.exporter),
so a scrape sees the whole server, not whichever worker answered. A timed event is one histogram:
its `_count` is the number of events and its `_sum` their total time, so no separate counter is kept.
"""

from prometheus_client import Counter, Gauge, Histogram

REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer a request, by method, route template and status.",
    ["method", "route", "status"],
)
REQUESTS_IN_FLIGHT = Gauge(
    "http_requests_in_flight",
    "Requests being answered now.",
    multiprocess_mode="livesum",  # only living workers count; a killed one leaves no stuck request
)
DB_QUERY_DURATION = Histogram(
    "db_query_duration_seconds",
    "Time of each database query run while answering a request, by database alias.",
    ["alias"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CACHE_LOOKUPS = Counter("cache_lookups_total", "Cache reads, by result: hit or miss.", ["result"])
CACHE_ERRORS = Counter("cache_errors_total", "Cache operations that raised, by operation.", ["operation"])
