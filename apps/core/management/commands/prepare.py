"""`manage.py prepare`: what start.sh runs before gunicorn (apps/core/prepare.py), for a one-off job
(Kubernetes' migrate job) or by hand: wait for the database, then the release steps."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from apps.core.prepare import DatabaseUnreachable, database_wait
from apps.core.release_steps import release_steps_run


class Command(BaseCommand):
    help = "Wait for the database, then collectstatic and migrate (each switchable by STARTUP_*)."
    # System checks belong in CI (make check); at every start they would cost a URLconf import.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            database_wait(settings.DATABASES[DEFAULT_DB_ALIAS], timeout=settings.STARTUP_DB_WAIT_SECONDS)
        except DatabaseUnreachable as exc:
            raise CommandError(str(exc)) from exc
        release_steps_run()
