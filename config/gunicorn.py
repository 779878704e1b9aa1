"""gunicorn settings, read from the environment like everything else (documented in .env.example).

start.sh runs `gunicorn --config config/gunicorn.py config.wsgi`. Defaults suit a container
behind nginx: sync workers (nginx buffers slow clients, so a worker is never held by one), a
worker count from the CPUs this process may use, and recycling to bound slow memory growth.
"""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from config.env import Env, boolean, choice, non_negative_int, positive_int

env = Env(search_path=Path(__file__).resolve().parent.parent)

_cpus = len(os.sched_getaffinity(0))
# Chosen by measurement (`make bench` prints the figures, README "Benchmarks"; it reads them here).
# One worker a CPU served the list fastest, against CPUs + 1 and 2 x CPUs + 1; at least two, so a
# slow request never holds the only one. Workers are forked warm (config/wsgi.py), so recycling
# costs little, but each recycle still costs a fork and a new database connection: every 10,000
# requests bounds slow memory growth without recycling several workers a second under load.
DEFAULT_WORKERS = max(2, _cpus)
DEFAULT_MAX_REQUESTS = 10_000
DEFAULT_MAX_REQUESTS_JITTER = 1_000

bind = f"{env('HOST', cast=str, default='0.0.0.0')}:{env('PORT', cast=positive_int, default=8001)}"
workers = env("WEB_CONCURRENCY", cast=positive_int, default=DEFAULT_WORKERS)
worker_class = env("GUNICORN_WORKER_CLASS", cast=choice("sync", "gthread"), default="sync")
threads = env("GUNICORN_THREADS", cast=positive_int, default=1)
# A request running longer than this is killed; nginx's proxy_read_timeout is set just above it.
timeout = env("GUNICORN_TIMEOUT", cast=positive_int, default=30)
# On SIGTERM, in-flight requests get this long to finish (keep terminationGracePeriodSeconds above it).
graceful_timeout = env("GUNICORN_GRACEFUL_TIMEOUT", cast=positive_int, default=25)
# Above nginx's upstream keepalive_timeout, so nginx never reuses a connection gunicorn is closing.
keepalive = env("GUNICORN_KEEPALIVE", cast=positive_int, default=75)
max_requests = env("GUNICORN_MAX_REQUESTS", cast=non_negative_int, default=DEFAULT_MAX_REQUESTS)
max_requests_jitter = env("GUNICORN_MAX_REQUESTS_JITTER", cast=non_negative_int, default=DEFAULT_MAX_REQUESTS_JITTER)
# The longest request line gunicorn reads (its maximum), so any URI nginx's 8k header buffer lets
# through reaches Django; headers keep gunicorn's limits (100 fields of up to 8190 bytes). What it
# refuses it answers in HTML before Django runs: nginx replaces those answers with JSON (414, 431).
limit_request_line = 8190
# Who may set X-Forwarded-*: the nginx in front. "*" only when the network guarantees it.
forwarded_allow_ips = env("FORWARDED_ALLOW_IPS", cast=str, default="127.0.0.1,::1")
reload = env("GUNICORN_RELOAD", cast=boolean, default=False)
# Load the app once in the master: a configuration error stops the start with its message, and
# workers share the loaded code (less memory, faster restarts). A reloaded worker forked from a
# preloaded master would run the old code again, so reloading turns preloading off.
preload_app = env("GUNICORN_PRELOAD", cast=boolean, default=True) and not reload
# Heartbeat files on a disk-backed /tmp can stall workers under I/O load (gunicorn's FAQ).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "api"
# gunicorn's control socket lives at one path per user: replicas sharing a host (or a read-only
# root filesystem) would trip over it, and signals already do what it offers.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
logger_class = "config.gunicorn_logger.AccessLogger"
_log_format = env("LOG_FORMAT", cast=choice("json", "text"), default="json")
_log_level = env("LOG_LEVEL", cast=choice("DEBUG", "INFO", "WARNING", "ERROR"), default="INFO")
loglevel = (_log_level or "INFO").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "apps.core.logging.JsonFormatter"},
        "text": {"()": "apps.core.logging.TextFormatter"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": _log_format or "json"},
    },
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    },
}

# Metrics: workers write samples to files in a fresh folder (stale files would count a previous
# run), and the master serves their sum on METRICS_PORT, a port nginx never proxies.
metrics_port = env("METRICS_PORT", cast=non_negative_int, default=0)
_metrics_dir = tempfile.mkdtemp(prefix="api-metrics-", dir=worker_tmp_dir) if metrics_port else ""
# gunicorn sets these in its own environment before loading the app, which prometheus_client reads.
raw_env = [f"PROMETHEUS_MULTIPROC_DIR={_metrics_dir}"] if metrics_port else []


def when_ready(server: Any) -> None:
    if metrics_port:
        from apps.observability.exporter import start_exporter

        start_exporter(host=bind.rsplit(":", 1)[0].strip("[]"), port=metrics_port, folder=_metrics_dir)


def child_exit(server: Any, worker: Any) -> None:
    if metrics_port:
        from apps.observability.exporter import forget_worker

        forget_worker(worker.pid, folder=_metrics_dir)


def on_exit(server: Any) -> None:
    if metrics_port:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


env.exit_if_invalid()
