"""What the installable phone pages share (the portal's forms, a deputy's visit log): the queue's header, its
"what to fix" answer, the service worker rendered from one template with a version named by its content, and
the web-app manifest. In core, so that apps that may not import each other (portal, duty) answer alike."""

from __future__ import annotations

import hashlib
from typing import Any

from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext as _

HEADER = "X-Lianxin-Queue"
WORKER_TEMPLATE = "portal/sw.js"


def queued(request: HttpRequest) -> bool:
    """The page's queue sent this form: answer in JSON."""
    return request.headers.get(HEADER) == "1"


def refused(form: Form) -> JsonResponse:
    """What to fix, in the words the page would show: the form stays on the phone for the person."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        label = str(form.fields[name].label or "") if name in form.fields else ""
        errors[label or name] = [str(m) for m in messages]
    return JsonResponse(
        {"message": _("Please fix what is marked below and send again."), "errors": errors}, status=400
    )


def worker(context: dict[str, Any]) -> HttpResponse:
    """The service worker; its version is a hash of what it says (static addresses included), so a new
    deploy renames its cache."""
    body = render_to_string(WORKER_TEMPLATE, {**context, "version": ""})
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = render_to_string(WORKER_TEMPLATE, {**context, "version": version})
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


def manifest(*, name: str, short: str, start: str) -> JsonResponse:
    """The web-app manifest of a page installed on a phone's home screen."""
    data = {
        "name": name,
        "short_name": short,
        "lang": "zh-CN",
        "start_url": start,
        "scope": start,
        "id": start,
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("icons/lianxin-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icons/lianxin-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icons/lianxin-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
