from __future__ import annotations

from typing import Any


def only_api_v1(endpoints: list[tuple[str, str, str, Any]], **kwargs: Any):
    """drf-spectacular preprocessing hook: Wagtail's own admin API (also DRF) is not part
    of the portal's public API, so the schema lists /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_ERRORS = {
    "401": "No token, or a wrong, replaced or inactive account's token.",
    "403": "The account may not use the API (it lacks the Layanan API role).",
    "404": "Not found, outside the account's scope, or an invalid cursor.",
    "429": "Too many requests (API_THROTTLE_RATE); see the Retry-After header.",
}


# 400: a query parameter the filters refuse (year=3000, updated_since=null...), answered
# by django-filter through DRF as {"<parameter>": ["<message>", ...], ...}.
_VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Each refused query parameter with its messages, e.g. "
        '{"year": ["Ensure this value is less than or equal to 2999."]}.'
    ),
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "minProperties": 1,
}
_VALIDATION_ERROR = "Invalid query parameters: each one named with its messages."


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool):
    """drf-spectacular postprocessing hook: the error answers every data endpoint can
    give, with DRF's `{"detail": "..."}` body, and 400 with the refused parameters for
    every operation that takes query parameters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = _ERROR_SCHEMA
    schemas["ValidationError"] = _VALIDATION_ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    invalid = {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationError"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not operation.get("security"):
                continue  # the public schema itself
            for status, description in _ERRORS.items():
                operation["responses"].setdefault(
                    status, {"description": description, "content": content}
                )
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                operation["responses"].setdefault(
                    "400", {"description": _VALIDATION_ERROR, "content": invalid}
                )
    return result
