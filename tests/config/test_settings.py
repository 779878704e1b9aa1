"""The settings module as a process sees it at start: required variables, one clear message."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of config/ with no .env beside it, so only what a test sets is set."""
    shutil.copytree(ROOT / "config", tmp_path / "config", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def evaluate(project: Path, expression: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Imports the settings in a fresh process with only `variables` set; prints repr(expression)."""
    keep = {"PATH", "HOME", "LANG"}
    env = {k: v for k, v in os.environ.items() if k in keep} | variables
    code = f"import config.settings as s; print(repr(({expression})))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True, timeout=60
    )


def load_settings(project: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    return evaluate(project, "s.DEBUG, s.TIME_ZONE, s.DATABASES['default']['ENGINE']", **variables)


def printed(result: subprocess.CompletedProcess[str]) -> Any:
    return ast.literal_eval(result.stdout.strip())


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
    assert printed(result) == (True, "UTC", "django.db.backends.sqlite3")


def test_debug_is_off_by_default(project: Path) -> None:
    result = load_settings(project, SECRET_KEY="k" * 50, JWT_SIGNING_KEY="j" * 50)
    assert result.returncode == 0, result.stderr
    assert printed(result)[0] is False


def test_environment_wins_over_dotenv_in_settings(project: Path) -> None:
    (project / ".env").write_text("DEBUG=true\nTIME_ZONE=Europe/Paris\n")
    from_dotenv = load_settings(project)
    overridden = load_settings(project, TIME_ZONE="Asia/Tokyo")
    assert printed(from_dotenv)[:2] == (True, "Europe/Paris")
    assert printed(overridden)[:2] == (True, "Asia/Tokyo")


def test_database_url_selects_postgresql(project: Path) -> None:
    result = load_settings(project, DEBUG="true", DATABASE_URL="postgres://u:p@db.example:5432/app")
    assert printed(result)[2] == "django.db.backends.postgresql"


def test_persistent_connections_with_health_checks_by_default() -> None:
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("only PostgreSQL keeps connections open here")
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_secrets_can_come_from_files(project: Path, tmp_path: Path) -> None:
    (tmp_path / "key").write_text("k" * 50 + "\n")
    (tmp_path / "jwt").write_text("j" * 50)
    (tmp_path / "db").write_text("postgres://app:pw@db.internal:5432/app")
    result = evaluate(
        project, "s.SECRET_KEY == 'k' * 50, s.SIMPLE_JWT['SIGNING_KEY'] == 'j' * 50, s.DATABASES['default']['HOST']",
        SECRET_KEY_FILE=str(tmp_path / "key"), JWT_SIGNING_KEY_FILE=str(tmp_path / "jwt"),
        DATABASE_URL_FILE=str(tmp_path / "db"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert printed(result) == (True, True, "db.internal")


def test_a_secret_set_twice_stops_the_start(project: Path, tmp_path: Path) -> None:
    (tmp_path / "key").write_text("k" * 50)
    result = evaluate(
        project, "1", SECRET_KEY="x" * 50, SECRET_KEY_FILE=str(tmp_path / "key"), JWT_SIGNING_KEY="j" * 50
    )
    assert result.returncode == 78
    assert "SECRET_KEY and SECRET_KEY_FILE are both set. Set only one of them." in result.stderr


def test_redis_url_switches_the_cache_to_redis(project: Path) -> None:
    backend = "s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], s.CACHES['default'].get('LOCATION')"
    local = evaluate(project, backend, DEBUG="true")
    shared = evaluate(project, backend, DEBUG="true", REDIS_URL="redis://cache:6379/1")
    assert printed(local) == ("InstrumentedLocMemCache", None)
    assert printed(shared) == ("InstrumentedRedisCache", "redis://cache:6379/1")


def test_behind_a_proxy_forwarded_headers_are_trusted(project: Path) -> None:
    expression = "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.REST_FRAMEWORK['NUM_PROXIES']"
    direct = evaluate(project, expression, DEBUG="true")
    proxied = evaluate(project, expression, DEBUG="true", BEHIND_PROXY="true")
    assert printed(direct) == (None, 0)  # the TCP peer, never a client-sent X-Forwarded-For
    assert printed(proxied) == (("HTTP_X_FORWARDED_PROTO", "https"), 1)


def test_an_admin_path_without_a_trailing_slash_stops_the_start(project: Path) -> None:
    result = evaluate(project, "1", DEBUG="true", ADMIN_URL="/secret-admin")
    assert result.returncode == 78
    assert "ADMIN_URL='/secret-admin' is not valid" in result.stderr


def test_malformed_email_url_stops_start_up_without_showing_the_password(project: Path) -> None:
    result = evaluate(project, "s.EMAIL_HOST", DEBUG="true", EMAIL_URL="smtp://mailer:hunter2@:587/?tls=true")
    assert result.returncode == 78
    assert "  - EMAIL_URL=<hidden> is not valid: expected a host" in result.stderr
    assert "hunter2" not in result.stderr


def test_development_prints_emails_to_the_console(project: Path) -> None:
    result = evaluate(project, "s.EMAIL_BACKEND", DEBUG="true")
    assert printed(result) == "django.core.mail.backends.console.EmailBackend"


def test_production_defaults_to_smtp_on_localhost_with_a_bounded_wait(project: Path) -> None:
    result = evaluate(
        project,
        "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_TIMEOUT",
        SECRET_KEY="k" * 50,
        JWT_SIGNING_KEY="j" * 50,
    )
    assert printed(result) == ("django.core.mail.backends.smtp.EmailBackend", "localhost", 25, 10)


def test_email_url_sets_the_smtp_server(project: Path) -> None:
    result = evaluate(
        project, "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS", DEBUG="true", EMAIL_URL="smtp://mx:2525/?tls=1"
    )
    assert printed(result) == ("mx", 2525, True)


# --- Security defaults and secrets ------------------------------------------------------------------

SECURITY = (
    "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, hasattr(s, 'SECURE_PROXY_SSL_HEADER')"
)
SECRET_KEY = "s" * 30 + "0123456789abcdefghij"
JWT_SIGNING_KEY = "j" * 30 + "0123456789abcdefghij"


def test_with_debug_off_every_security_setting_defaults_to_the_safe_value(project: Path) -> None:
    result = evaluate(project, SECURITY, SECRET_KEY=SECRET_KEY, JWT_SIGNING_KEY=JWT_SIGNING_KEY)
    assert result.returncode == 0, result.stderr
    assert printed(result) == (True, 31_536_000, True, False, True, True, False)


def test_debug_relaxes_the_security_defaults_for_plain_http(project: Path) -> None:
    production = evaluate(project, SECURITY, SECRET_KEY=SECRET_KEY, JWT_SIGNING_KEY=JWT_SIGNING_KEY)
    development = evaluate(project, SECURITY, DEBUG="true")
    assert printed(production) != printed(development)
    assert printed(development) == (False, 0, False, False, False, False, False)


def test_each_security_default_is_relaxed_by_one_variable(project: Path) -> None:
    keys = {"SECRET_KEY": SECRET_KEY, "JWT_SIGNING_KEY": JWT_SIGNING_KEY}
    relaxations = {"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0",
                   "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false", "SECURE_COOKIES": "false"}  # fmt: skip
    production = evaluate(project, SECURITY, **keys)
    relaxed = evaluate(project, SECURITY, **keys, **relaxations)
    assert printed(production) != printed(relaxed)
    assert printed(relaxed) == (False, 0, False, False, False, False, False)


def test_deploy_checklist_passes_with_only_the_required_variables(project: Path) -> None:
    for name in ("apps", "manage.py"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, project / name)
    required = {
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "JWT_SIGNING_KEY": JWT_SIGNING_KEY,
        "ALLOWED_HOSTS": "api.example.com",
        "DATABASE_URL": "postgres://api@db.example.com:5432/api",
    }
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}} | required
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_weak_secret_stops_the_start_with_the_configuration_message(project: Path) -> None:
    # Each rule is tested on config.env.weak_secrets (tests/config/test_env.py); this, that they stop the start.
    result = evaluate(project, "1", SECRET_KEY="short-but-random-9f3a", JWT_SIGNING_KEY=JWT_SIGNING_KEY)
    assert result.returncode == 78
    assert result.stderr.startswith("Configuration error: 1 environment variable to fix")
    assert "  - SECRET_KEY is too short: 21 characters, 50 at least. Generate one with: python -c" in result.stderr


def test_debug_without_secrets_warns_of_the_development_keys(project: Path) -> None:
    result = evaluate(project, "s.SECRET_KEY != s.SIMPLE_JWT['SIGNING_KEY']", DEBUG="true")
    assert result.returncode == 0
    assert printed(result) is True
    assert "WARNING: SECRET_KEY or JWT_SIGNING_KEY is not set" in result.stderr


def test_the_development_keys_stop_a_start_with_debug_off(project: Path) -> None:
    keys = evaluate(project, "s.DEVELOPMENT_SECRET_KEY, s.DEVELOPMENT_JWT_SIGNING_KEY", DEBUG="true")
    secret_key, jwt_signing_key = printed(keys)
    result = evaluate(project, "1", SECRET_KEY=secret_key, JWT_SIGNING_KEY=jwt_signing_key)
    assert result.returncode == 78
    assert "SECRET_KEY is a development key" in result.stderr
    assert "JWT_SIGNING_KEY is a development key" in result.stderr


def test_a_redis_url_without_a_scheme_stops_the_start(project: Path) -> None:
    result = evaluate(project, "1", DEBUG="true", REDIS_URL="127.0.0.1:6379")
    assert result.returncode == 78
    assert "REDIS_URL is not valid: expected a URL such as redis://" in result.stderr
    assert "127.0.0.1:6379" not in result.stderr  # a secret: never printed
