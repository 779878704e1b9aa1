"""Cross-origin access and the optional admin, both set by the environment."""

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches

import config.urls


@contextmanager
def urls_under(**values: object) -> Iterator[None]:
    """config/urls.py reads ADMIN_* when imported: reload it under `values`, then as it was."""
    try:
        with override_settings(**values):
            importlib.reload(config.urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(config.urls)
        clear_url_caches()


# The admin's pages name static files; without a collectstatic manifest, serve them unhashed.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.mark.django_db
def test_admin_is_served_at_the_configured_path() -> None:
    with urls_under(ADMIN_ENABLED=True, ADMIN_URL="hidden-door/", STORAGES=PLAIN_STATIC):
        assert Client().get("/hidden-door/login/").status_code == 200
        assert Client().get("/admin/login/").status_code == 404


def test_admin_can_be_switched_off() -> None:
    with urls_under(ADMIN_ENABLED=False):
        response = Client().get("/admin/login/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_cors_allows_only_configured_origins(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "authorization"}
    allowed = Client().options("/api/v1/users/me/", HTTP_ORIGIN="https://app.example.com", **preflight)
    other = Client().options("/api/v1/users/me/", HTTP_ORIGIN="https://evil.example", **preflight)
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "authorization" in allowed["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Origin" not in other
