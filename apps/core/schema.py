"""Documents the API's one error shape (apps.core.errors) on every operation of the OpenAPI schema."""

from typing import Any

from apps.core import exceptions

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

# The statuses every operation may answer with; their descriptions come from apps.core.exceptions.
DOCUMENTED_STATUSES = (400, 401, 403, 404, 405, 413, 415, 429, 503)


def error_descriptions() -> dict[str, str]:
    """Per status: the generic detail, then every code that status carries."""
    descriptions = {}
    for status in DOCUMENTED_STATUSES:
        codes = [cls.default_code for cls in exceptions.declared() if cls.status_code == status]
        codes = list(dict.fromkeys(codes))
        listed = ", ".join(f"`{code}`" for code in codes)
        descriptions[str(status)] = f"{exceptions.for_status(status).default_detail} Codes: {listed}."
    return descriptions


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in error_descriptions().items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
