"""The table of error codes (apps.core.exceptions) against every other place that states a code."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework import exceptions as drf
from rest_framework_simplejwt.exceptions import InvalidToken

from apps.core import errors
from apps.core.exceptions import ApiError, by_code, declared, for_status
from apps.core.logging import REQUEST_ID_PATTERN
from harness.chain import TEMPLATE_VARIABLES, render_template

NGINX_REQUEST_ID = "nginx-7"


def rendered_nginx() -> str:
    return render_template({name: f"rendered-{name.lower()}" for name in TEMPLATE_VARIABLES})


def nginx_bodies() -> list[tuple[int, dict[str, Any]]]:
    found = re.findall(r"return (\d{3}) '(\{.*\})';", rendered_nginx())
    return [(int(status), json.loads(body.replace("$api_request_id", NGINX_REQUEST_ID))) for status, body in found]


def test_each_code_is_declared_by_one_class() -> None:
    codes = [cls.default_code for cls in declared() if cls not in (ApiError,)]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize(
    "drf_class",
    [
        drf.ParseError, drf.AuthenticationFailed, drf.NotAuthenticated, drf.PermissionDenied, drf.NotFound,
        drf.MethodNotAllowed, drf.NotAcceptable, drf.UnsupportedMediaType, drf.Throttled, InvalidToken,
    ],
)  # fmt: skip
def test_drf_and_simplejwt_codes_are_in_the_table_with_their_status(drf_class: type[drf.APIException]) -> None:
    assert by_code()[drf_class.default_code].status_code == drf_class.status_code


def test_nginx_answers_every_error_it_intercepts_from_the_table() -> None:
    bodies = nginx_bodies()
    assert len(bodies) >= 10
    for status, body in bodies:
        declared_class = by_code()[body["code"]]
        assert body == {
            "status": declared_class.status_code,
            "code": declared_class.default_code,
            "detail": declared_class.default_detail,
            "request_id": NGINX_REQUEST_ID,
        }
        assert status == declared_class.status_code


def test_every_status_nginx_sends_to_a_named_location_gets_that_locations_status() -> None:
    text = rendered_nginx()
    returns = {
        name: int(status)
        for name, status in re.findall(r"location = /_errors/(\w+) \{\s*internal;\s*return (\d{3})", text)
    }
    for codes, name in re.findall(r"error_page ([\d ]+) = /_errors/(\w+);", text):
        for code in map(int, codes.split()):
            assert name in returns, name
            if code < 494 or code > 497:  # nginx's own codes that it answers as 400 or 431
                assert returns[name] == code or (code, returns[name]) in {(502, 503), (504, 503)}, (code, name)


def test_nginx_keeps_a_client_request_id_only_when_django_would() -> None:
    nginx_map = re.search(
        r'map \$http_x_request_id \$api_request_id \{\s*"~(.*?)" \$http_x_request_id;', rendered_nginx()
    )
    assert nginx_map is not None
    assert nginx_map[1] == REQUEST_ID_PATTERN


@pytest.mark.parametrize(
    ("handler", "status"),
    [(errors.bad_request, 400), (errors.permission_denied, 403), (errors.page_not_found, 404)],
)
def test_django_handlers_answer_the_generic_error_of_their_status(handler: Any, status: int) -> None:
    body = json.loads(handler(RequestFactory().get("/"), Exception()).content)
    expected = for_status(status)
    assert (body["status"], body["code"], body["detail"]) == (status, expected.default_code, expected.default_detail)


def test_server_error_handler_answers_the_generic_500() -> None:
    body = json.loads(errors.server_error(RequestFactory().get("/")).content)
    assert (body["status"], body["code"], body["detail"]) == (500, "server_error", "Internal server error.")


def test_services_import_nothing_from_drf() -> None:
    root = Path(__file__).resolve().parents[2]
    services = [*root.glob("apps/*/services.py"), root / "scripts" / "app_template" / "services.py-tpl"]
    assert len(services) >= 2
    for path in services:
        assert not re.search(r"^\s*(from|import) rest_framework\b", path.read_text(), re.MULTILINE), path
