"""Middleware: Chinese first (pages speak Chinese until the user picks English), and the edge that refuses
control characters."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .validators import TEXT_CONTROL


class ChineseFirstMiddleware:
    """Drops the browser's Accept-Language unless the user chose a language (cookie).

    Town staff often carry phones set to English; the product's default is still Chinese. Put this
    just before ``LocaleMiddleware``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# C0 controls and DEL. Paths may hold none; queries, bodies and headers keep tab, line feed and carriage return
# (``validators.TEXT_CONTROL``, the rule the importers apply to each cell too).
PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def carries_control_characters(request: HttpRequest) -> bool:
    """Whether the path, the query, a header, or a form or JSON body holds a control character.

    1. The path (decoded), then every query key and value, then the HTTP headers.
    2. Form bodies through ``request.POST`` (file names too); JSON bodies parsed, so that ``\\u0000`` counts.
       A body that is not valid JSON is left for the view to refuse in its own words.
    """
    if PATH_CONTROL.search(request.path_info):
        return True
    texts: list[str] = [s for key, values in request.GET.lists() for s in (key, *values)]
    texts += [str(v) for k, v in request.META.items() if k.startswith("HTTP_")]
    if request.method in ("POST", "PUT", "PATCH"):
        content_type = request.content_type or ""
        if content_type in FORMS:
            texts += [s for key, values in request.POST.lists() for s in (key, *values)]
            texts += [f.name or "" for files in request.FILES.lists() for f in files[1]]
        elif content_type == "application/json" or content_type.endswith("+json"):
            with contextlib.suppress(ValueError):
                texts += list(_strings(json.loads(request.body or b"null")))
    return any(TEXT_CONTROL.search(text) for text in texts)


class RefuseControlCharactersMiddleware:
    """A 400 for a request that carries NUL or another control character, before any view or query runs.

    PostgreSQL cannot store NUL in text, so such a value was a 500 wherever it reached a query, and SQLite
    stored it silently; no person types one. The answer keeps the shape each part speaks:
    ``BAD_INPUT_RESPONSES`` maps a path prefix to a function ``(request, message) → response`` (the APIs'
    error formats); other pages get a plain-text message. Put this after ``LocaleMiddleware`` so the
    message is in the visitor's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_control_characters(request):
            message = _("The request contains a control character (such as NUL) that is not allowed.")
            for prefix, dotted in getattr(settings, "BAD_INPUT_RESPONSES", {}).items():
                if request.path_info.startswith(prefix):
                    return import_string(dotted)(request, message)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
