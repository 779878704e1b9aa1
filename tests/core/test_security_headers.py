"""Security headers, decided by Django alone (config/settings.py, Security), on every kind of answer."""

import re

from django.conf import settings
from django.test import Client


def test_json_answers_may_load_nothing() -> None:
    response = Client().get("/api/v1/users/me/")
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_docs_page_loads_only_files_the_app_serves(unhashed_static: None) -> None:
    response = Client().get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert policy == settings.CONTENT_SECURITY_POLICY_HTML
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(sources) >= 4  # stylesheet, favicon, two bundles, the start-up script
    assert [s for s in sources if not s.startswith(("/static/", "/api/docs/"))] == []
    assert "<script>" not in html  # the start-up script is a file too, so no inline script is needed


def test_the_docs_start_up_script_is_a_file() -> None:
    response = Client().get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content
