"""The request being served, for audit entries written by code that has no request at hand."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_current: ContextVar[HttpRequest | None] = ContextVar("lianxin_audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditContextMiddleware:
    """Remember the request for the time it is served (after authentication, so ``request.user`` is set)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
