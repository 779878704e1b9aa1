"""A stopped Redis: the general throttles let requests through, any other cache use is a 503."""

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from apps.core.errors import server_error
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stopped_redis(settings: Any) -> None:
    with socket.socket() as sock:  # a port nothing listens on once this closes
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.observability.cache.InstrumentedRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("stopped_redis")
def test_throttled_endpoints_still_answer_while_redis_is_down(auth_client: APIClient) -> None:
    assert auth_client.get("/api/v1/users/me/").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("stopped_redis")
def test_login_still_answers_while_redis_is_down(api_client: APIClient, user: Any) -> None:
    body = {"email": user.email, "password": PASSWORD}
    assert api_client.post("/api/v1/auth/token/", body, format="json").status_code == 200


def test_any_other_cache_failure_is_a_503_with_retry_after() -> None:
    try:
        raise RedisConnectionError("Connection refused")
    except RedisConnectionError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
@pytest.mark.usefixtures("stopped_redis")
def test_a_throttle_check_skipped_for_the_outage_is_logged(auth_client: APIClient, caplog: Any) -> None:
    auth_client.get("/api/v1/users/me/")
    assert "throttle skipped: the cache is unavailable (ConnectionError)" in caplog.text


def app_loaded_with_redis(**variables: str) -> bool:
    """Whether loading the WSGI app (as gunicorn's master does) imports redis."""
    code = "import sys, config.wsgi; print('redis' in sys.modules)"
    env = os.environ | {"DEBUG": "true", "DATABASE_URL": "sqlite:///:memory:"} | variables
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1] == "True"


def test_the_app_loads_without_redis_when_the_cache_is_local() -> None:
    assert not app_loaded_with_redis(REDIS_URL="")


def test_the_app_loads_redis_up_front_when_the_cache_is_redis() -> None:
    assert app_loaded_with_redis(REDIS_URL="redis://127.0.0.1:6379/0")
