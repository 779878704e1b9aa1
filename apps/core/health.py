"""Liveness and readiness checks, answered by `HealthProbeMiddleware`.

Liveness says only that the process answers: it touches no dependency, so a database outage never
makes an orchestrator restart healthy processes. Readiness says whether this process can serve:
the database answers and no migration is unapplied. The shared cache is checked and reported but
does not fail readiness: every replica shares it, so a Redis outage would take them all out of
service at once, and the load balancer would answer in their place.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from apps.core.release_steps import migrations_all_recorded, migrations_pending

# Migrations do not become unapplied under a running process; once all are seen applied, the
# check is skipped for the life of the process.
_migrations_seen_applied = False


def _database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _migrations() -> str:
    global _migrations_seen_applied
    # Every migration file recorded proves it cheaply; otherwise the migration graph (which imports
    # every migration, on a worker's first probe) decides, as a squashed migration needs.
    if not _migrations_seen_applied and not migrations_all_recorded():
        pending = migrations_pending()
        if pending:
            return f"error: {pending} unapplied migration(s)"
    _migrations_seen_applied = True
    return "ok"


def _cache() -> str:
    if not settings.REDIS_URL:
        return "skipped"
    cache.set("readyz", "1", timeout=5)
    return "ok" if cache.get("readyz") == "1" else "error: cache did not return the value set"


def readiness() -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    for name, check in (("database", _database), ("migrations", _migrations), ("cache", _cache)):
        if name == "migrations" and checks["database"] != "ok":
            checks[name] = "skipped"
            continue
        try:
            checks[name] = check()
        except Exception as exc:  # any failure of a dependency means "not ready", never a 500
            checks[name] = f"error: {type(exc).__name__}"
    ready = all(checks[name] in {"ok", "skipped"} for name in ("database", "migrations"))
    return ready, checks
