"""Systems authenticate with an API key (``Authorization: Bearer lx_…``); pages' sessions work too."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from .services import api_key_authenticate


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>`` (or ``Token <key>``, or ``X-Api-Key: <key>``).

    The request then acts as the key's town-scoped system account (``request.auth`` is the ``ApiKey``).
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        raw = request.headers.get("X-Api-Key", "")
        header = request.headers.get("Authorization", "")
        if not raw and header:
            scheme, _sep, value = header.partition(" ")
            if scheme.lower() not in ("bearer", "token"):
                return None
            raw = value.strip()
        if not raw:
            return None
        key = api_key_authenticate(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        return key.account, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="lianxin"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "lianxin.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "description": "An API key issued to a town's system."}
