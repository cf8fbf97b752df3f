"""A deputy's visit log as an installable web app that keeps a visit logged where there is no signal.

The same queue script as the phone pages (``static/js/offline.js``, see ``lianxin/portal/offline.py``): the
visit form is stored on the phone under a key made there and sent with ``X-Lianxin-Queue: 1`` when the
signal returns; the answer is JSON (accepted, or what to fix), and a second send of the same key is the
same visit. Here: the answers, the service worker (served inside the folder it controls, ``/duty/visits/``,
from the phone pages' worker template) and the manifest. The duty app may not import the portal (the
layers in pyproject.toml), hence these few lines of its own.
"""

from __future__ import annotations

import hashlib

from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .models import Visit

HEADER = "X-Lianxin-Queue"
# What the worker keeps for the visit log to open without a signal (besides the page itself).
SHELL = (
    "css/lianxin.css",
    "js/phone.js",
    "js/offline.js",
    "favicon.svg",
    "icons/lianxin-192.png",
    "icons/lianxin-512.png",
)


def queued(request: HttpRequest) -> bool:
    """The page's queue sent this form: answer in JSON."""
    return request.headers.get(HEADER) == "1"


def accepted(visit: Visit) -> JsonResponse:
    """The acknowledgement: the same visit for every send of the same key."""
    return JsonResponse(
        {
            "code": str(visit.pk),
            "url": reverse("duty:visit", args=[visit.pk]),
            "replayed": bool(getattr(visit, "replayed", False)),
        }
    )


def refused(form: Form) -> JsonResponse:
    """What to fix, field by field in the page's words: the form stays on the phone for the deputy."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        label = str(form.fields[name].label or "") if name in form.fields else ""
        errors[label or name] = [str(m) for m in messages]
    return JsonResponse(
        {"message": _("Please fix what is marked below and send again."), "errors": errors}, status=400
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker for ``/duty/visits/`` only: it keeps that page (the deputy's own, on the deputy's phone)."""
    context = {
        "shell": [static(name) for name in SHELL],
        "page": "^/duty/visits/$",
        "data": "^/duty/visits/offline\\.json$",
        "prefix": "lianxin-visits-",
        "version": "",
    }
    body = render_to_string("portal/sw.js", context)
    context["version"] = hashlib.sha256(body.encode()).hexdigest()[:12]
    body = render_to_string("portal/sw.js", context)
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


def manifest(request: HttpRequest) -> JsonResponse:
    start = reverse("duty:visits")
    data = {
        "name": _("Deputy's visits"),
        "short_name": _("Deputy's visits"),
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
