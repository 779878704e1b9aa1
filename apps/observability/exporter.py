"""The metrics endpoint of each process type, on a port of its own: the gunicorn master serves the
web's (config/gunicorn.py), the worker serves its own (apps.jobs.management.commands.worker).

A separate port rather than a URL of the API: nginx proxies only the API's port, so the metrics
are never public by accident, and the master can answer while every worker is busy.
"""

from prometheus_client import REGISTRY, CollectorRegistry, multiprocess, start_http_server


def start_exporter(*, host: str, port: int, folder: str = "") -> None:
    """Serve /metrics from a thread of this process: with `folder`, the sum of what every process
    wrote there (gunicorn's workers); without, this process's own metrics (the worker, one process)."""
    registry = REGISTRY
    if folder:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    start_http_server(port, addr=host, registry=registry)


def forget_worker(pid: int, *, folder: str) -> None:
    """A dead worker's in-flight gauge must not count; its counters and histograms still do."""
    multiprocess.mark_process_dead(pid, path=folder)  # type: ignore[no-untyped-call]
