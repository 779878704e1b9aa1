"""The release steps start.sh runs before gunicorn: wait for the database, then collectstatic and
migrate, each switchable by STARTUP_*. `python -m apps.core.prepare` (start.sh) and
`manage.py prepare` (the Kubernetes migrate job) run the same steps.

Waiting needs only the settings and a connection (on PostgreSQL, straight through the driver).
Django itself (every app, model and admin module) is set up only when collectstatic is switched
on or there may be migrations to apply, so a web pod whose migrations run as a release job (both
steps off), or which finds every migration applied, starts without a second full Django start-up:
gunicorn pays for one, in its own process.

Whether anything is left to migrate is first asked cheaply: is every migration file of every
installed app recorded in django_migrations? Only a yes skips `migrate`; anything else (a new
file, a squashed migration not yet recorded, no table yet) runs the full `migrate`, which decides.

Several replicas may start at once: on PostgreSQL the steps run under an advisory lock, so one
replica migrates while the others wait and then find nothing left to do.
"""

import logging
import os
import pkgutil
import sys
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import import_module
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger("apps.core.prepare")

# Any fixed number, the same for every replica of this project: it names the lock.
ADVISORY_LOCK_ID = 0x5EED_0001


class DatabaseUnreachable(Exception):
    pass


def database_wait(*, timeout: int) -> None:
    """Return once the database accepts a connection; DatabaseUnreachable after `timeout` seconds."""
    database = settings.DATABASES[DEFAULT_DB_ALIAS]
    deadline = time.monotonic() + timeout
    while True:
        try:
            _connect_once(database)
            return
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                where = database.get("HOST") or database.get("NAME")
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DatabaseUnreachable(
                    f"The database ({where}) did not answer within {timeout}s (STARTUP_DB_WAIT_SECONDS): {reason}"
                ) from exc
            time.sleep(0.5)


def _connect_once(database: Mapping[str, Any]) -> None:
    """Open one connection and close it. PostgreSQL is reached through the driver Django's backend
    uses, with the parameters it would pass: loading the backend would import Django's whole model
    layer (a tenth of a second of a start) only to connect. Other databases go through Django."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        connections[DEFAULT_DB_ALIAS].ensure_connection()
        return
    try:  # the backend's own choice: psycopg 3 when installed, else psycopg2
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver
    try:
        driver.connect(**postgresql_connection_parameters(database)).close()
    except driver.OperationalError as exc:
        raise OperationalError(str(exc)) from exc


# OPTIONS that Django's PostgreSQL backend acts on itself instead of passing them to the driver.
DJANGO_ONLY_POSTGRESQL_OPTIONS = frozenset({"assume_role", "isolation_level", "pool", "server_side_binding"})


def postgresql_connection_parameters(database: Mapping[str, Any]) -> dict[str, Any]:
    """The libpq parameters Django's PostgreSQL backend connects with (its get_connection_params),
    without those that only shape its cursors (cursor_factory, adapters, prepare_threshold)."""
    name = database.get("NAME", "")
    options = {
        key: value for key, value in database.get("OPTIONS", {}).items() if key not in DJANGO_ONLY_POSTGRESQL_OPTIONS
    }
    if name is None:  # Django's way of saying the maintenance database, "postgres"
        options.pop("service", None)
    parameters = {"dbname": name or "postgres"} if name or name is None else {}
    parameters.update(options)
    parameters["client_encoding"] = "UTF8"
    for setting, parameter in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if database.get(setting):
            parameters[parameter] = database[setting]
    return parameters


def release_steps_run() -> None:
    """collectstatic and migrate, as STARTUP_* say, setting Django up when a step needs it."""
    with _exclusive():
        if settings.STARTUP_COLLECTSTATIC:
            _django_set_up()
            from django.core.management import call_command

            call_command("collectstatic", interactive=False, verbosity=0)
            logger.info("static files collected", extra={"static_root": str(settings.STATIC_ROOT)})
        if settings.STARTUP_MIGRATE:
            if migrations_all_recorded():
                _logging_configured()
                logger.info("migrations applied", extra={"migrations_applied": 0, "migration_check": "files"})
            else:
                logger.info("migrations applied", extra={"migrations_applied": _migrate(), "migration_check": "full"})


def _migrate() -> int:
    """Django's `migrate`; returns how many migrations it applied."""
    _django_set_up()
    from django.core.management import call_command

    pending = migrations_pending()
    call_command("migrate", interactive=False, verbosity=0)
    return pending


def migrations_pending() -> int:
    """How many migrations `migrate` would apply, from Django's migration graph (which imports every
    migration module; needs Django set up). The exact answer, where migrations_all_recorded is a
    cheap proof of zero."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def migrations_all_recorded() -> bool:
    """True when every migration file of every installed app is recorded as applied, so `migrate`
    would find nothing to do. It reads file names and one table: no model, no migration module is
    loaded (with Django's set-up, that is most of a start). False means "not proved", never
    "nothing to do": a file not recorded (new, or a squashed migration Django records only once
    it has checked its replaced ones), or no django_migrations table yet."""
    connection = connections[DEFAULT_DB_ALIAS]
    with _before_apps_load():
        if "django_migrations" not in connection.introspection.table_names():
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            recorded = set(cursor.fetchall())
    return all(migration in recorded for migration in migration_files())


def migration_files() -> Iterator[tuple[str, str]]:
    """(app label, migration name) of each migration file of the installed apps, found as Django's
    MigrationLoader.load_disk finds them (same modules, same names skipped) but not imported."""
    for app_config in _app_configs():
        module_name = settings.MIGRATION_MODULES.get(app_config.label, f"{app_config.name}.migrations")
        if module_name is None:
            continue
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            # An app without migrations. The loader says so only for the default module name;
            # an explicit MIGRATION_MODULES entry that is missing is an error `migrate` reports.
            if app_config.label not in settings.MIGRATION_MODULES and "migrations" in (exc.name or "").split("."):
                continue
            raise
        # A migrations.py module, or an empty directory (a namespace package): no migrations.
        if not hasattr(module, "__path__") or (
            getattr(module, "__file__", None) is None and not isinstance(module.__path__, list)
        ):
            continue
        for _, name, is_package in pkgutil.iter_modules(module.__path__):
            if not is_package and name[0] not in "_~":
                yield app_config.label, name


def _app_configs() -> list[AppConfig]:
    """The installed apps' configs (custom labels included), without importing their models."""
    if apps.ready:
        return list(apps.get_app_configs())
    return [AppConfig.create(entry) for entry in settings.INSTALLED_APPS]


def _django_set_up() -> None:
    if not apps.ready:
        import django

        django.setup()


def _logging_configured() -> None:
    """LOGGING applied, as django.setup() does, so a start that skips the set-up still logs."""
    if not apps.ready:
        from django.utils.log import configure_logging

        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@contextmanager
def _before_apps_load() -> Iterator[None]:
    """Around the queries prepare runs before Django's apps are loaded. That is deliberate (not
    loading them is the saving), so Django's warning about early queries is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Accessing the database during app initialization")
        yield


@contextmanager
def _exclusive() -> Iterator[None]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    with _before_apps_load(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_ID])
    try:
        yield
    finally:
        with _before_apps_load(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_ID])


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        database_wait(timeout=settings.STARTUP_DB_WAIT_SECONDS)
    except DatabaseUnreachable as exc:
        sys.stderr.write(f"prepare: {exc}\n")
        return 1
    if settings.STARTUP_COLLECTSTATIC or settings.STARTUP_MIGRATE:
        release_steps_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
