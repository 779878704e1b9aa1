from django.test import Client

from apps.core.exceptions import declared


def test_schema_documents_the_error_shape_on_every_operation() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["status", "code", "detail", "request_id"]
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 15
    for operation in operations:
        assert {"400", "401", "404", "429", "503"} <= set(operation["responses"])


def test_protected_operations_document_bearer_auth() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["securitySchemes"]["jwtAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert schema["paths"]["/api/v1/users/me/"]["get"]["security"] == [{"jwtAuth": []}]


def test_swagger_ui_is_served(unhashed_static: None) -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_error_responses_list_every_declared_code_of_their_status() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    responses = schema["paths"]["/api/v1/users/me/"]["patch"]["responses"]
    for cls in declared():
        if str(cls.status_code) in responses:
            assert f"`{cls.default_code}`" in responses[str(cls.status_code)]["description"], cls
