"""The metrics endpoint, served by the gunicorn master on its own port (config/gunicorn.py).

A separate port rather than a URL of the API: nginx proxies only the API's port, so the metrics
are never public by accident, and the master can answer while every worker is busy.
"""

from prometheus_client import CollectorRegistry, multiprocess, start_http_server


def start_exporter(*, host: str, port: int, folder: str) -> None:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    start_http_server(port, addr=host, registry=registry)


def forget_worker(pid: int, *, folder: str) -> None:
    """A dead worker's in-flight gauge must not count; its counters and histograms still do."""
    multiprocess.mark_process_dead(pid, path=folder)  # type: ignore[no-untyped-call]
