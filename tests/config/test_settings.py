"""The settings module as a process sees it at start: required variables, one clear message."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = "import config.settings as s; print(s.DEBUG, s.TIME_ZONE, s.DATABASES['default']['ENGINE'])"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of config/ with no .env beside it, so only what a test sets is set."""
    shutil.copytree(ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def load_settings(project: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    keep = {"PATH", "HOME", "LANG"}
    env = {k: v for k, v in os.environ.items() if k in keep} | variables
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_without_secrets_stops_with_one_message_naming_each(project: Path) -> None:
    result = load_settings(project)
    assert result.returncode == 78
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Configuration error: 2 environment variables to fix")
    assert "  - SECRET_KEY is not set. Required when DEBUG is off." in result.stderr
    assert "  - JWT_SIGNING_KEY is not set. Required when DEBUG is off" in result.stderr


def test_malformed_values_are_reported_together_with_missing_ones(project: Path) -> None:
    result = load_settings(project, DEBUG="sometimes", CONN_MAX_AGE="forever", DATABASE_URL="nosuchdb://x")
    assert result.returncode == 78
    assert "DEBUG='sometimes' is not valid" in result.stderr
    assert "CONN_MAX_AGE='forever' is not valid: expected a whole number." in result.stderr
    assert "DATABASE_URL is not valid" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_secrets_on_sqlite(project: Path) -> None:
    result = load_settings(project, DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "UTC", "django.db.backends.sqlite3"]


def test_debug_is_off_by_default(project: Path) -> None:
    result = load_settings(project, SECRET_KEY="k" * 50, JWT_SIGNING_KEY="j" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_environment_wins_over_dotenv_in_settings(project: Path) -> None:
    (project / ".env").write_text("DEBUG=true\nTIME_ZONE=Europe/Paris\n")
    from_dotenv = load_settings(project)
    overridden = load_settings(project, TIME_ZONE="Asia/Tokyo")
    assert from_dotenv.stdout.split()[:2] == ["True", "Europe/Paris"]
    assert overridden.stdout.split()[:2] == ["True", "Asia/Tokyo"]


def test_database_url_selects_postgresql(project: Path) -> None:
    result = load_settings(project, DEBUG="true", DATABASE_URL="postgres://u:p@db.example:5432/app")
    assert result.stdout.split()[2] == "django.db.backends.postgresql"


def test_persistent_connections_with_health_checks_by_default() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("only PostgreSQL keeps connections open here")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
