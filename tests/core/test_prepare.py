"""`manage.py prepare`, the release steps start.sh runs before gunicorn."""

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_collects_static_files_and_migrates(settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    with caplog.at_level(logging.INFO, logger="apps.core.prepare"):
        call_command("prepare")
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "admin/css/base.css" in manifest["paths"]
    applied = [r for r in caplog.records if r.getMessage() == "migrations applied"]
    assert [r.migrations_applied for r in applied] == [0]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_each_step_can_be_switched_off(settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STARTUP_COLLECTSTATIC = False
    settings.STARTUP_MIGRATE = False
    with caplog.at_level(logging.INFO, logger="apps.core.prepare"):
        call_command("prepare")
    assert not (tmp_path / "static").exists()
    assert caplog.records == []


@pytest.mark.django_db
def test_gives_up_on_an_unreachable_database_with_a_clear_message(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings.STARTUP_DB_WAIT_SECONDS = 0

    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    with pytest.raises(CommandError, match=r"did not answer within 0s \(STARTUP_DB_WAIT_SECONDS\): connection refused"):
        call_command("prepare")


@pytest.mark.django_db
def test_waits_for_the_database_to_come_up(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings.STARTUP_DB_WAIT_SECONDS = 5
    settings.STARTUP_COLLECTSTATIC = False
    attempts = []
    real = connection.ensure_connection

    def refuse_twice() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("starting up")
        real()

    monkeypatch.setattr(connection, "ensure_connection", refuse_twice)
    monkeypatch.setattr("apps.core.prepare.time.sleep", lambda seconds: None)
    call_command("prepare")
    assert len(attempts) >= 3


def run_start_up_steps(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Python with `args` in the project, on a database of the test's own."""
    env = os.environ | {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"} | variables
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


# start.sh's step, followed by whether Django's apps were set up.
PREPARE_THEN_SAY_IF_SET_UP = (
    "-c",
    "from apps.core import prepare; code = prepare.main(); from django.apps import apps; print(code, apps.ready)",
)


def test_start_up_with_both_steps_off_waits_without_setting_django_up(tmp_path: Path) -> None:
    result = run_start_up_steps(
        tmp_path, *PREPARE_THEN_SAY_IF_SET_UP, STARTUP_MIGRATE="false", STARTUP_COLLECTSTATIC="false"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False"]


def test_start_up_sets_django_up_to_migrate(tmp_path: Path) -> None:
    result = run_start_up_steps(
        tmp_path, *PREPARE_THEN_SAY_IF_SET_UP, STARTUP_MIGRATE="true", STARTUP_COLLECTSTATIC="false"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["0", "True"]
    assert "migrations applied" in result.stdout + result.stderr
    tables = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT name FROM sqlite_master").fetchall()
    assert ("users_user",) in tables


def test_start_up_exits_1_naming_the_wait_variable_when_the_database_never_answers(tmp_path: Path) -> None:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    port = dead.getsockname()[1]
    try:
        result = run_start_up_steps(
            tmp_path,
            *("-m", "apps.core.prepare"),
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nothing",
            STARTUP_DB_WAIT_SECONDS="0",
        )
    finally:
        dead.close()
    assert result.returncode == 1
    assert "prepare: The database (127.0.0.1) did not answer within 0s (STARTUP_DB_WAIT_SECONDS)" in result.stderr
