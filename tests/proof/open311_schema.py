"""GeoReport v2 (/open311/v2/) as an OpenAPI 3 document, written by hand from the spec and open311.py, so
that schemathesis can fuzz it as it fuzzes the REST API's generated schema.

Every operation answers in either format (``.json`` or ``.xml``); the responses are the spec's, which the
document leaves open (``default``): the proof asks for no 5xx, the API's own tests check the shapes.
"""

from __future__ import annotations

from typing import Any

_ANY = {"default": {"description": "the spec's answer or its error list"}}
_FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["json", "xml"]},
}


def _q(name: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": "string", **schema}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}


_KEY = [_q("api_key"), _q("jurisdiction_id")]
_DATES = [_q("start_date"), _q("end_date")]
_FORM = {
    "type": "object",
    "properties": {
        name: {"type": "string"}
        for name in (
            "api_key",
            "jurisdiction_id",
            "service_code",
            "lat",
            "long",
            "address_string",
            "address_id",
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "description",
            "media_url",
            "attribute[urgency]",
            "attribute[title]",
        )
    },
}


def _get(operation_id: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": operation_id, "parameters": [_FORMAT, *params], "responses": _ANY}}


SCHEMA: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Lianxin Open311 GeoReport v2", "version": "2"},
    "paths": {
        "/open311/v2/discovery.{format}": _get("discovery"),
        "/open311/v2/services.{format}": _get("services", *_KEY),
        "/open311/v2/services/{service_code}.{format}": _get("service", _path("service_code"), *_KEY),
        "/open311/v2/requests.{format}": {
            **_get(
                "requests",
                *_KEY,
                _q("service_request_id"),
                _q("service_code"),
                _q("status"),
                *_DATES,
            ),
            "post": {
                "operationId": "request_create",
                "parameters": [_FORMAT],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": _FORM}},
                },
                "responses": _ANY,
            },
        },
        "/open311/v2/requests/{service_request_id}.{format}": _get(
            "request", _path("service_request_id"), *_KEY
        ),
        "/open311/v2/tokens/{token}.{format}": _get("token", _path("token"), *_KEY),
        "/open311/v2/servicerequestupdates.{format}": _get(
            "updates", *_KEY, _q("service_request_id"), *_DATES
        ),
    },
}
