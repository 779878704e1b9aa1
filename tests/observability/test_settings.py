"""The observability settings as a process sees them at start."""

from pathlib import Path

from tests.config.test_settings import evaluate, printed, project  # noqa: F401  (project is a fixture)


def test_a_malformed_sentry_dsn_stops_the_start_without_echoing_it(project: Path) -> None:  # noqa: F811
    result = evaluate(project, "s.SENTRY_DSN", DEBUG="true", SENTRY_DSN="o1.ingest.sentry.io/secret-key-4821")
    assert result.returncode == 78
    assert "SENTRY_DSN is not valid: expected https://<public key>@<host>/<project id>." in result.stderr
    assert "secret-key-4821" not in result.stderr


def test_a_sentry_dsn_is_accepted_and_metrics_follow_the_metrics_port(project: Path) -> None:  # noqa: F811
    dsn = "https://publickey@o1.ingest.sentry.io/123"
    result = evaluate(project, "s.SENTRY_DSN, s.METRICS_ENABLED", DEBUG="true", SENTRY_DSN=dsn, METRICS_PORT="9100")
    assert printed(result) == (dsn, True)
