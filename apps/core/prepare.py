"""The release steps start.sh runs before gunicorn: wait for the database, then collectstatic and
migrate, each switchable by STARTUP_*. `python -m apps.core.prepare` (start.sh) and
`manage.py prepare` (the Kubernetes migrate job) run the same steps.

Waiting needs only the settings and a connection. Django itself (every app, model and admin
module) is set up only when collectstatic or migrate is switched on, so a web pod whose
migrations run as a release job (both steps off) starts without a second full Django start-up.

Several replicas may start at once: on PostgreSQL the steps run under an advisory lock, so one
replica migrates while the others wait and then find nothing left to do.
"""

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger("apps.core.prepare")

# Any fixed number, the same for every replica of this project: it names the lock.
ADVISORY_LOCK_ID = 0x5EED_0001


class DatabaseUnreachable(Exception):
    pass


def database_wait(*, timeout: int) -> None:
    """Return once the database accepts a connection; DatabaseUnreachable after `timeout` seconds."""
    connection = connections[DEFAULT_DB_ALIAS]
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                where = connection.settings_dict.get("HOST") or connection.settings_dict.get("NAME")
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise DatabaseUnreachable(
                    f"The database ({where}) did not answer within {timeout}s (STARTUP_DB_WAIT_SECONDS): {reason}"
                ) from exc
            time.sleep(0.5)


def release_steps_run() -> None:
    """collectstatic and migrate, as STARTUP_* say. Needs Django set up (manage.py does it)."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    with _exclusive():
        if settings.STARTUP_COLLECTSTATIC:
            call_command("collectstatic", interactive=False, verbosity=0)
            logger.info("static files collected", extra={"static_root": str(settings.STATIC_ROOT)})
        if settings.STARTUP_MIGRATE:
            executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
            pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
            call_command("migrate", interactive=False, verbosity=0)
            logger.info("migrations applied", extra={"migrations_applied": pending})


@contextmanager
def _exclusive() -> Iterator[None]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_LOCK_ID])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_ID])


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        database_wait(timeout=settings.STARTUP_DB_WAIT_SECONDS)
    except DatabaseUnreachable as exc:
        sys.stderr.write(f"prepare: {exc}\n")
        return 1
    if settings.STARTUP_COLLECTSTATIC or settings.STARTUP_MIGRATE:
        import django

        django.setup()
        release_steps_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
