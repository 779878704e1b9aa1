"""config/gunicorn.py reads the environment like the settings do; its access log is JSON-ready."""

import logging
import os
import runpy
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn.config import Config

from config.gunicorn_logger import AccessLogger
from harness.chain import free_port

ROOT = Path(__file__).resolve().parents[2]


def load_config(monkeypatch: pytest.MonkeyPatch, **variables: str) -> dict[str, Any]:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))


def test_defaults_bind_port_8001_with_workers_from_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "WEB_CONCURRENCY", "GUNICORN_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(monkeypatch, HOST="0.0.0.0", PORT="8001")
    assert config["bind"] == "0.0.0.0:8001"
    assert config["workers"] == max(2, len(os.sched_getaffinity(0)))
    assert config["worker_tmp_dir"] == "/dev/shm"
    assert config["control_socket_disable"] is True
    assert config["graceful_timeout"] < config["timeout"] + 5


def test_environment_sets_each_value(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(
        monkeypatch, PORT="9100", WEB_CONCURRENCY="3", GUNICORN_WORKER_CLASS="gthread", GUNICORN_THREADS="4",
        GUNICORN_TIMEOUT="60", GUNICORN_MAX_REQUESTS="0", FORWARDED_ALLOW_IPS="10.0.0.1",
    )  # fmt: skip
    assert config["bind"].endswith(":9100")
    assert (config["workers"], config["worker_class"], config["threads"]) == (3, "gthread", 4)
    assert (config["timeout"], config["max_requests"], config["forwarded_allow_ips"]) == (60, 0, "10.0.0.1")


def test_bad_values_stop_gunicorn_with_one_message() -> None:
    env = {"PATH": os.environ["PATH"], "PORT": "eighty", "GUNICORN_WORKER_CLASS": "eventlet", "WEB_CONCURRENCY": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import runpy; runpy.run_path('config/gunicorn.py')"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 78
    assert "3 environment variables to fix" in result.stderr
    assert "PORT='eighty' is not valid" in result.stderr
    assert "GUNICORN_WORKER_CLASS='eventlet' is not valid: expected one of sync, gthread" in result.stderr


def test_access_line_carries_request_id_user_and_timing(caplog: pytest.LogCaptureFixture) -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogger(config)
    logger.access_log.propagate = True  # let caplog see it
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/users/me/", "QUERY_STRING": "token=secret",
        "REMOTE_ADDR": "127.0.0.1", "app.request_id": "req-7", "app.user_id": "42",
    }  # fmt: skip
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(SimpleNamespace(status_code=200, sent=128), None, environ, timedelta(milliseconds=12.5))
    (record,) = caplog.records
    assert record.getMessage() == "GET /api/v1/users/me/ 200"
    fields = {k: getattr(record, k) for k in ("request_id", "user_id", "status", "duration_ms", "bytes")}
    assert fields == {"request_id": "req-7", "user_id": "42", "status": 200, "duration_ms": 12.5, "bytes": 128}
    assert "secret" not in str(vars(record))


def test_reload_turns_preloading_off_so_workers_import_changed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(monkeypatch, GUNICORN_RELOAD="true", GUNICORN_PRELOAD="true")
    assert (config["reload"], config["preload_app"]) == (True, False)


@pytest.mark.parametrize(("sent", "logged"), [("nginx-7", "nginx-7"), ('x", "admin": true, "z": "', None)])
def test_access_line_without_django_keeps_only_a_plain_request_id(
    caplog: pytest.LogCaptureFixture, sent: str, logged: str | None
) -> None:
    config = Config()
    config.set("accesslog", "-")
    logger = AccessLogger(config)
    logger.access_log.propagate = True
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "HTTP_X_REQUEST_ID": sent}
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(SimpleNamespace(status_code=400, sent=0), None, environ, timedelta(milliseconds=1))
    assert caplog.records[0].request_id == logged  # type: ignore[attr-defined]


def test_metrics_port_serves_the_multiprocess_sum_until_gunicorn_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    config = load_config(monkeypatch, HOST="127.0.0.1", METRICS_PORT=str(port))
    [setting] = config["raw_env"]
    name, _, folder = setting.partition("=")
    assert name == "PROMETHEUS_MULTIPROC_DIR"
    config["when_ready"](None)
    config["child_exit"](None, SimpleNamespace(pid=999_999))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        assert response.status == 200
    assert Path(folder).is_dir()
    config["on_exit"](None)
    assert not Path(folder).exists()


def test_without_metrics_port_the_hooks_do_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("METRICS_PORT", raising=False)
    config = load_config(monkeypatch)
    for hook, args in (("when_ready", (None,)), ("child_exit", (None, None)), ("on_exit", (None,))):
        config[hook](*args)
    assert config["raw_env"] == []
