"""`manage.py prepare` and `python -m apps.core.prepare`: the database wait and the release steps start.sh
runs before gunicorn."""

import json
import logging
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from apps.core import prepare, release_steps
from apps.core.prepare import postgresql_connection_parameters
from apps.core.release_steps import migration_files, migrations_all_recorded

ROOT = Path(__file__).resolve().parents[2]
# Django's own app, so these tests stand when the example apps are replaced (README).
ADMINS_LAST_MIGRATION = "0003_logentry_add_action_flag_choices"


@pytest.mark.django_db
def test_collects_static_files_and_migrates(settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    with caplog.at_level(logging.INFO, logger="apps.core.release_steps"):
        call_command("prepare")
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "admin/css/base.css" in manifest["paths"]
    applied = [r for r in caplog.records if r.getMessage() == "migrations applied"]
    assert [r.migrations_applied for r in applied] == [0]  # type: ignore[attr-defined]
    assert [r.migration_check for r in applied] == ["files"]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_each_step_can_be_switched_off(settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STARTUP_COLLECTSTATIC = False
    settings.STARTUP_MIGRATE = False
    with caplog.at_level(logging.INFO, logger="apps.core.release_steps"):
        call_command("prepare")
    assert not (tmp_path / "static").exists()
    assert caplog.records == []


@pytest.mark.django_db
def test_gives_up_on_an_unreachable_database_with_a_clear_message(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings.STARTUP_DB_WAIT_SECONDS = 0

    def refuse(database: object) -> None:
        raise prepare.ConnectionRefused("connection refused")

    monkeypatch.setattr(prepare, "_connect_once", refuse)
    with pytest.raises(CommandError, match=r"did not answer within 0s \(STARTUP_DB_WAIT_SECONDS\): connection refused"):
        call_command("prepare")


@pytest.mark.django_db
def test_waits_for_the_database_to_come_up(settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings.STARTUP_DB_WAIT_SECONDS = 5
    settings.STARTUP_COLLECTSTATIC = False
    attempts = []
    real = prepare._connect_once

    def refuse_twice(database: dict[str, Any]) -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise prepare.ConnectionRefused("starting up")
        real(database)

    monkeypatch.setattr(prepare, "_connect_once", refuse_twice)
    monkeypatch.setattr("apps.core.prepare.time.sleep", lambda seconds: None)
    call_command("prepare")
    assert len(attempts) >= 3


@pytest.mark.django_db
def test_the_wait_connects_to_the_configured_database() -> None:
    prepare.database_wait(django_settings.DATABASES["default"], timeout=0)  # PostgreSQL: its driver; SQLite: Django


@pytest.mark.parametrize(
    "database",
    [
        {"NAME": "api", "USER": "api", "PASSWORD": "pw", "HOST": "db", "PORT": 5432, "OPTIONS": {"sslmode": "require"}},
        {"NAME": "api", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {"connect_timeout": 5}},
        {"NAME": None, "USER": "api", "PASSWORD": "", "HOST": "db", "PORT": "", "OPTIONS": {"service": "x"}},
        {"NAME": "", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {"service": "api"}},
        {
            "NAME": "api", "USER": "api", "PASSWORD": "", "HOST": "db", "PORT": "",
            "OPTIONS": {"isolation_level": 3, "assume_role": "owner", "server_side_binding": False},
        },
        {
            "NAME": "api", "USER": "", "PASSWORD": "", "HOST": "", "PORT": "",
            "OPTIONS": {"dbname": "other", "client_encoding": "LATIN1"},
        },
    ],
)  # fmt: skip
def test_the_wait_connects_with_the_parameters_djangos_backend_uses(database: dict[str, Any]) -> None:
    backend = ConnectionHandler({"default": {"ENGINE": "django.db.backends.postgresql", **database}})["default"]
    djangos = backend.get_connection_params()
    for cursor_only in ("cursor_factory", "context", "prepare_threshold"):
        djangos.pop(cursor_only, None)
    assert postgresql_connection_parameters(database) == djangos


def test_waiting_for_postgresql_imports_nothing_of_django(tmp_path: Path) -> None:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    code = (
        "import sys; from apps.core import prepare; code = prepare.main(); "
        "print(code, [m for m in sys.modules if m.split('.')[0] == 'django'])"
    )
    try:
        result = run_start_up_steps(
            tmp_path,
            "-c",
            code,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{dead.getsockname()[1]}/nothing",
            STARTUP_DB_WAIT_SECONDS="0",
        )
    finally:
        dead.close()
    assert result.stdout.split() == ["1", "[]"], result.stderr


def test_an_unreachable_postgresql_is_a_refused_connection_with_the_drivers_reason() -> None:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    database = {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "127.0.0.1"}
    try:
        with pytest.raises(prepare.ConnectionRefused, match="refused"):
            prepare._connect_once(database | {"PORT": dead.getsockname()[1], "OPTIONS": {"connect_timeout": 2}})
    finally:
        dead.close()


def test_a_database_django_refuses_is_a_refused_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError, connections

    def refuse() -> None:
        raise OperationalError("unable to open database file")

    monkeypatch.setattr(connections["default"], "ensure_connection", refuse)
    with pytest.raises(prepare.ConnectionRefused, match="unable to open database file"):
        prepare._connect_once({"ENGINE": "django.db.backends.sqlite3", "NAME": "/nowhere/db.sqlite3"})


@pytest.mark.django_db
def test_a_fully_migrated_database_has_every_migration_file_recorded() -> None:
    assert migrations_all_recorded()


@pytest.mark.django_db
def test_when_the_files_prove_nothing_djangos_migrate_decides(
    settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    settings.STARTUP_COLLECTSTATIC = False
    monkeypatch.setattr(release_steps, "migrations_all_recorded", lambda: False)
    with caplog.at_level(logging.INFO, logger="apps.core.release_steps"):
        call_command("prepare")
    [applied] = [r for r in caplog.records if r.getMessage() == "migrations applied"]
    assert (applied.migrations_applied, applied.migration_check) == (0, "full")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_without_a_migrations_table_nothing_is_proved_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])
    assert not migrations_all_recorded()


def test_app_configs_read_before_djangos_set_up_carry_the_registrys_labels(monkeypatch: pytest.MonkeyPatch) -> None:
    registered = [config.label for config in release_steps._app_configs()]
    monkeypatch.setattr(release_steps.apps, "ready", False)
    assert [config.label for config in release_steps._app_configs()] == registered


@pytest.mark.django_db
def test_migration_files_carry_their_apps_label_not_its_module_name() -> None:
    assert ("django_tasks_database", "0001_initial") in set(migration_files())  # django_tasks_db's label


@pytest.mark.django_db
def test_a_migration_file_not_recorded_is_not_proved_applied() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM django_migrations WHERE app = 'admin' AND name = '{ADMINS_LAST_MIGRATION}'")
    assert not migrations_all_recorded()


@pytest.mark.django_db
def test_a_squashed_migration_not_yet_recorded_is_not_proved_applied(
    settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # The admin's migrations, recorded, beside a squash of them Django has not recorded yet.
    package = tmp_path / "squashed_admin_migrations"
    package.mkdir()
    squashed = f"0001_squashed_{ADMINS_LAST_MIGRATION}"
    for name in ("__init__", "0001_initial", "0002_logentry_remove_auto_add", ADMINS_LAST_MIGRATION, squashed):
        (package / f"{name}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    settings.MIGRATION_MODULES = {"admin": "squashed_admin_migrations"}
    assert ("admin", squashed) in set(migration_files())
    assert not migrations_all_recorded()


@pytest.mark.django_db
def test_apps_without_migrations_are_skipped_as_django_skips_them(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"admin": None}
    labels = {label for label, _ in migration_files()}
    assert "admin" not in labels
    assert "corsheaders" not in labels  # has no migrations package
    assert "auth" in labels


def test_a_migrations_module_that_is_no_package_holds_no_migrations(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"admin": "json.decoder"}
    assert "admin" not in {label for label, _ in migration_files()}


def test_a_missing_migrations_module_named_in_the_settings_is_an_error_as_in_migrate(settings) -> None:  # type: ignore[no-untyped-def]
    settings.MIGRATION_MODULES = {"admin": "no_such_package.migrations_of_admin"}
    with pytest.raises(ModuleNotFoundError):
        list(migration_files())


def run_start_up_steps(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Python with `args` in the project, on a database of the test's own, logging JSON."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env = os.environ | {"DEBUG": "true", "LOG_FORMAT": "json"} | database | variables
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def migrations_logged(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return [
        {"migrations_applied": line["migrations_applied"], "migration_check": line["migration_check"]}
        for line in lines
        if line["message"] == "migrations applied"
    ]


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
    [logged] = migrations_logged(result)
    assert logged["migration_check"] == "full"
    assert logged["migrations_applied"] > 0
    tables = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT name FROM sqlite_master").fetchall()
    assert ("users_user",) in tables


def test_start_up_with_every_migration_applied_neither_sets_django_up_nor_migrates(tmp_path: Path) -> None:
    run_start_up_steps(tmp_path, "manage.py", "migrate", "--verbosity=0").check_returncode()
    result = run_start_up_steps(
        tmp_path, *PREPARE_THEN_SAY_IF_SET_UP, STARTUP_MIGRATE="true", STARTUP_COLLECTSTATIC="false"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["0", "False"]
    assert migrations_logged(result) == [{"migrations_applied": 0, "migration_check": "files"}]


def test_start_up_applies_a_pending_migration(tmp_path: Path) -> None:
    run_start_up_steps(tmp_path, "manage.py", "migrate", "--verbosity=0").check_returncode()
    run_start_up_steps(
        tmp_path, "manage.py", "migrate", "admin", "0002_logentry_remove_auto_add", "--verbosity=0"
    ).check_returncode()
    result = run_start_up_steps(
        tmp_path, *PREPARE_THEN_SAY_IF_SET_UP, STARTUP_MIGRATE="true", STARTUP_COLLECTSTATIC="false"
    )
    assert result.returncode == 0, result.stderr
    assert migrations_logged(result) == [{"migrations_applied": 1, "migration_check": "full"}]
    recorded = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT app, name FROM django_migrations")
    assert ("admin", ADMINS_LAST_MIGRATION) in recorded.fetchall()


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


def test_start_up_exits_78_naming_database_url_when_the_driver_refuses_its_options(tmp_path: Path) -> None:
    result = run_start_up_steps(
        tmp_path,
        *("-m", "apps.core.prepare"),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/nothing?no_such_option=1",
        STARTUP_DB_WAIT_SECONDS="30",  # refused at once: waiting cannot help
    )
    assert result.returncode == 78
    assert "prepare: the database settings (DATABASE_URL) are refused by its driver" in result.stderr
    assert '"no_such_option"' in result.stderr
    assert "Traceback" not in result.stderr
