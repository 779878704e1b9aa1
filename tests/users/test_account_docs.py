"""The account endpoints are in the OpenAPI schema with their answers, and in the README's table."""

import re

from django.test import Client

from tests.project_files import ROOT

ACCOUNT_ENDPOINTS = {
    "/api/v1/auth/password/reset/": "202",
    "/api/v1/auth/password/reset/confirm/": "204",
    "/api/v1/auth/email/verify/": "204",
    "/api/v1/auth/email/verify/resend/": "202",
}


def test_schema_documents_each_account_endpoint_as_anonymous_with_its_answer_and_throttle() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, success in ACCOUNT_ENDPOINTS.items():
        operation = schema["paths"][path]["post"]
        assert {success, "400", "429"} <= set(operation["responses"]), path
        assert operation["security"] == [{}], path


def test_schema_documents_both_answers_of_registration() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"201", "202"} <= set(schema["paths"]["/api/v1/auth/register/"]["post"]["responses"])


def test_readme_endpoint_table_lists_each_account_endpoint() -> None:
    table = (ROOT / "README.md").read_text().split("## The API", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `POST (/api/v1/[\w/]+)` \|", table, re.MULTILINE))
    assert set(ACCOUNT_ENDPOINTS) <= listed
