"""``X-Bench-Queries``: how many SQL statements the request ran (every database alias)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections
from django.http import HttpRequest, HttpResponse


def count_queries(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], Any]:
    def middleware(request: HttpRequest) -> HttpResponse:
        count = 0

        def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(wrapper) for alias in connections]
        for w in wrappers:
            w.__enter__()
        try:
            response = get_response(request)
        finally:
            for w in reversed(wrappers):
                w.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware
