"""What start.sh runs before gunicorn: wait for the database, then the release steps
(apps/core/release_steps.py: collectstatic and migrate, each switchable by STARTUP_*).
`python -m apps.core.prepare` (start.sh) and `manage.py prepare` (the Kubernetes migrate job)
run the same steps.

This module imports nothing of Django: it reads the settings module itself, not through
`django.conf`, and reaches PostgreSQL straight through the driver. A web pod whose migrations run
as a release job (both steps off) therefore starts without a second Django start-up before
gunicorn's; Django is loaded here only when a step is switched on, or to reach a database other
than PostgreSQL.
"""

import os
import sys
import time
from collections.abc import Mapping
from importlib import import_module
from typing import Any

from config.env import CONFIGURATION_ERROR_STATUS


class DatabaseUnreachable(Exception):
    pass


class ConnectionRefused(Exception):
    """One attempt to connect failed; the message is the driver's (or Django's) reason."""


class ConnectionMisconfigured(Exception):
    """The driver refuses the connection's parameters themselves: waiting cannot help."""


def database_wait(database: Mapping[str, Any], *, timeout: int) -> None:
    """Return once `database` (an entry of DATABASES) accepts a connection; DatabaseUnreachable
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            _connect_once(database)
            return
        except ConnectionRefused as exc:
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
        from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

        try:
            connections[DEFAULT_DB_ALIAS].ensure_connection()
        except OperationalError as exc:
            raise ConnectionRefused(str(exc)) from exc
        return
    try:  # the backend's own choice: psycopg 3 when installed, else psycopg2
        import psycopg as driver
    except ImportError:
        import psycopg2 as driver
    try:
        driver.connect(**postgresql_connection_parameters(database)).close()
    except driver.OperationalError as exc:
        raise ConnectionRefused(str(exc)) from exc
    except driver.ProgrammingError as exc:  # an option libpq does not know, say
        raise ConnectionMisconfigured(str(exc).strip()) from exc


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


def main() -> int:
    settings_module = os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The module django.conf would read, read directly: django.conf alone imports asyncio (through
    # asgiref), a fifth of this step's time, and these four values are plain settings.
    settings = import_module(settings_module)
    try:
        database_wait(settings.DATABASES["default"], timeout=settings.STARTUP_DB_WAIT_SECONDS)
    except DatabaseUnreachable as exc:
        sys.stderr.write(f"prepare: {exc}\n")
        return 1
    except ConnectionMisconfigured as exc:
        sys.stderr.write(f"prepare: the database settings (DATABASE_URL) are refused by its driver: {exc}\n")
        return CONFIGURATION_ERROR_STATUS
    if settings.STARTUP_COLLECTSTATIC or settings.STARTUP_MIGRATE:
        from apps.core.release_steps import release_steps_run

        release_steps_run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
