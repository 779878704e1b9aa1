"""`manage.py prepare`: the release steps of apps.core.prepare, for a one-off job (Kubernetes'
migrate job) or by hand. start.sh runs them with `python -m apps.core.prepare`, which sets Django
up only when a step needs it."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core import prepare


class Command(BaseCommand):
    help = "Wait for the database, then collectstatic and migrate (each switchable by STARTUP_*)."
    # System checks belong in CI (make check); at every start they would cost a URLconf import.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            prepare.database_wait(timeout=settings.STARTUP_DB_WAIT_SECONDS)
        except prepare.DatabaseUnreachable as exc:
            raise CommandError(str(exc)) from exc
        prepare.release_steps_run()
