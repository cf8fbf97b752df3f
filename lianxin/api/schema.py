"""OpenAPI post-processing: what the schema must say beyond what each view declares."""

from __future__ import annotations

from typing import Any

BAD_INPUT = {
    "description": "Refused input: a control character (such as NUL) in the path, the query or the body.",
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
        }
    },
}


def document_bad_input(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Every operation may answer 400: the edge (``core.middleware``) refuses control characters before any
    view runs, whatever the view itself declares."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in ("get", "put", "post", "patch", "delete") and isinstance(operation, dict):
                operation.setdefault("responses", {}).setdefault("400", BAD_INPUT)
    return result
