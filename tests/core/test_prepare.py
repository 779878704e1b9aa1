"""`manage.py prepare`, the release steps start.sh runs before gunicorn."""

import json
import logging
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection


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
    monkeypatch.setattr("apps.core.management.commands.prepare.time.sleep", lambda seconds: None)
    call_command("prepare")
    assert len(attempts) >= 3
