"""Documents the API's one error shape (apps.core.errors) on every operation of the OpenAPI schema."""

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every 4xx and 5xx answer. Clients branch on `code`; `detail` is for people.",
    "properties": {
        "status": {"type": "integer", "example": 400},
        "code": {"type": "string", "example": "validation_error"},
        "detail": {"type": "string", "example": "Invalid input."},
        "fields": {
            "type": "object",
            "description": "Validation errors by field name; only on validation_error.",
            "additionalProperties": {},
        },
        "request_id": {"type": "string", "nullable": True},
    },
    "required": ["status", "code", "detail", "request_id"],
}

ERRORS = {
    "400": "Invalid input or malformed JSON.",
    "401": "Missing, expired, revoked or invalid credentials.",
    "403": "Authenticated, but not allowed.",
    "404": "Not found, or not yours.",
    "405": "Method not allowed.",
    "413": "Request body too large.",
    "415": "Unsupported media type: send application/json.",
    "429": "Too many requests; see Retry-After.",
    "503": "A dependency (the database) is unavailable; retry later.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
