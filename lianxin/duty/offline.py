"""A deputy's visit log as an installable web app that keeps a visit logged where there is no signal.

The same queue script as the phone pages (``static/js/offline.js``, see ``lianxin/portal/offline.py``): the
visit form is stored on the phone under a key made there and sent with ``X-Lianxin-Queue: 1`` when the
signal returns; the answer is JSON (accepted, or what to fix), and a second send of the same key is the
same visit. Here: the answers, the service worker (served inside the folder it controls, ``/duty/visits/``,
from the phone pages' worker template) and the manifest. The duty app may not import the portal (the
layers in pyproject.toml), hence these few lines of its own.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lianxin.core import webapp

from .models import Visit

HEADER = webapp.HEADER
# What the worker keeps for the visit log to open without a signal (besides the page itself).
SHELL = (
    "css/lianxin.css",
    "js/phone.js",
    "js/offline.js",
    "favicon.svg",
    "icons/lianxin-192.png",
    "icons/lianxin-512.png",
)


queued = webapp.queued  # the page's queue sent this form: answer in JSON
refused = webapp.refused  # what to fix, field by field: the visit stays on the phone


def accepted(visit: Visit) -> JsonResponse:
    """The acknowledgement: the same visit for every send of the same key."""
    return JsonResponse(
        {
            "code": str(visit.pk),
            "url": reverse("duty:visit", args=[visit.pk]),
            "replayed": bool(getattr(visit, "replayed", False)),
        }
    )


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker for ``/duty/visits/`` only: it keeps that page (the deputy's own, on the deputy's phone)."""
    return webapp.worker(
        {
            "shell": [static(name) for name in SHELL],
            "page": "^/duty/visits/$",
            "data": "^/duty/visits/offline\\.json$",
            "prefix": "lianxin-visits-",
        }
    )


def manifest(request: HttpRequest) -> JsonResponse:
    name = _("Deputy's visits")
    return webapp.manifest(name=name, short=name, start=reverse("duty:visits"))
