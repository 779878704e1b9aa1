"""The release steps start.sh runs before gunicorn, in one process (one Django start-up, not three).

Several replicas may start at once: on PostgreSQL the steps run under an advisory lock, so one
replica migrates while the others wait and then find nothing left to do.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger("apps.core.prepare")

# Any fixed number, the same for every replica of this project: it names the lock.
ADVISORY_LOCK_ID = 0x5EED_0001


class Command(BaseCommand):
    help = "Wait for the database, then collectstatic and migrate (each switchable by STARTUP_*)."
    # System checks belong in CI (make check); at every start they would cost a URLconf import.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self._wait_for_database(settings.STARTUP_DB_WAIT_SECONDS)
        with self._exclusive():
            if settings.STARTUP_COLLECTSTATIC:
                call_command("collectstatic", interactive=False, verbosity=0)
                logger.info("static files collected", extra={"static_root": str(settings.STATIC_ROOT)})
            if settings.STARTUP_MIGRATE:
                executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
                pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
                call_command("migrate", interactive=False, verbosity=0)
                logger.info("migrations applied", extra={"migrations_applied": pending})

    def _wait_for_database(self, timeout: int) -> None:
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
                    raise CommandError(
                        f"The database ({where}) did not answer within {timeout}s (STARTUP_DB_WAIT_SECONDS): {reason}"
                    ) from exc
                time.sleep(0.5)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
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
