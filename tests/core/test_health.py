import pytest
from django.db import connection
from django.test import Client
from rest_framework.throttling import AnonRateThrottle

from apps.core import health


@pytest.fixture
def probe() -> Client:
    # Probes address the pod or host by IP; that Host is in no ALLOWED_HOSTS.
    return Client(HTTP_HOST="10.1.2.3")


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database(probe: Client, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        response = probe.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_reports_each_check(probe: Client) -> None:
    response = probe.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "cache": "skipped"}}


@pytest.mark.django_db
def test_readiness_fails_when_the_database_does_not_answer(probe: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error: OperationalError", "migrations": "skipped", "cache": "skipped"},
    }


@pytest.mark.django_db
def test_readiness_fails_while_a_migration_is_unapplied(probe: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'admin' AND name = '0003_logentry_add_action_flag_choices'"
        )
    response = probe.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "error: 1 unapplied migration(s)"


@pytest.mark.django_db
def test_readiness_asks_the_migration_graph_when_the_files_prove_nothing(
    probe: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A squashed migration Django has not recorded yet, say: not every file is recorded, but the
    # graph (which reads the replaced migrations as applied) has nothing to apply.
    monkeypatch.setattr(health, "_migrations_seen_applied", False)
    monkeypatch.setattr(health, "migrations_all_recorded", lambda: False)
    response = probe.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["migrations"] == "ok"


@pytest.mark.django_db
def test_readiness_checks_the_shared_cache_when_configured(probe: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REDIS_URL = "redis://configured"  # the cache itself stays local memory in tests
    response = probe.get("/readyz")
    assert response.json()["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_probes_are_not_throttled(probe: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    api = Client()
    verify = [api.post("/api/v1/auth/token/verify/", {}, content_type="application/json") for _ in range(2)]
    assert [response.status_code for response in verify] == [400, 429]
    assert [probe.get("/healthz").status_code for _ in range(3)] == [200] * 3
    assert [probe.get("/readyz").status_code for _ in range(3)] == [200] * 3


@pytest.mark.django_db
def test_readiness_reports_a_failing_shared_cache_but_stays_ready(  # type: ignore[no-untyped-def]
    probe: Client, settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionError("redis is down")

    settings.REDIS_URL = "redis://configured"
    monkeypatch.setattr(health.cache, "set", refuse)
    response = probe.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "error: ConnectionError"
