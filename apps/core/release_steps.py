"""The release steps, run once the database answers (apps/core/prepare.py waits for it):
collectstatic and migrate, each switchable by STARTUP_*.

Django itself (every app, model and admin module) is set up only when collectstatic is switched
on or there may be migrations to apply, so a web pod which finds every migration applied starts
without a second full Django start-up: gunicorn pays for one, in its own process.

Whether anything is left to migrate is first asked cheaply: is every migration file of every
installed app recorded in django_migrations? Only a yes skips `migrate`; anything else (a new
file, a squashed migration not yet recorded, no table yet) runs the full `migrate`, which decides.

Several replicas may start at once: on PostgreSQL the steps run under an advisory lock, so one
replica migrates while the others wait and then find nothing left to do.
"""

import logging
import pkgutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

from django.apps import AppConfig, apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# Any fixed number, the same for every replica of this project: it names the lock.
ADVISORY_LOCK_ID = 0x5EED_0001


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
