"""The phone pages as an installable web app that keeps a form when there is no signal.

The page's script (``static/js/offline.js``) stores every form it sends in the phone's IndexedDB first, under
a key made on the phone, and sends it with ``X-Lianxin-Queue: 1``: then the intake answers in JSON (the
demand's code, or what to fix) instead of a page, and the queue shows each form's state. The key is the
form's ``intake_key``, so a form sent twice (a dropped answer, two tabs) makes one demand.

Here: the service worker (served inside the scope it controls), the manifests, the reference data the
pages need offline (categories and cells, scoped as the page is), a fresh CSRF token for a queue that waited
for hours, and the JSON answers of the intake.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.core import webapp
from lianxin.core.models import Town
from lianxin.demands.models import Category, Demand
from lianxin.territory.models import GridCell

HEADER = webapp.HEADER
# What the service worker keeps for the pages to open without a signal (besides the pages themselves).
SHELL = (
    "css/lianxin.css",
    "js/portal.js",
    "js/offline.js",
    "favicon.svg",
    "icons/lianxin-192.png",
    "icons/lianxin-512.png",
)


queued = webapp.queued  # the page's queue sent this form: answer in JSON
refused = webapp.refused  # what to fix, field by field: the form stays on the phone


def accepted(request: HttpRequest, town: Town, demand: Demand) -> JsonResponse:
    """The acknowledgement: the same code for every send of the same key."""
    return JsonResponse(
        {
            "code": demand.code,
            "url": reverse("portal:done", args=[town.code, demand.code]),
            "replayed": bool(getattr(demand, "replayed", False)),
        }
    )


def limited(message: str) -> JsonResponse:
    """A rate limit: the queue keeps the form and tries again later."""
    return JsonResponse({"message": message, "retry": True}, status=429)


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the folder it controls (``/m/``): no ``Service-Worker-Allowed`` needed.

    Its version is a hash of what it says, static addresses included: a new deploy renames the cache.
    """
    response = webapp.worker({"shell": [static(name) for name in SHELL]})
    response["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    return response


@never_cache
def csrf_token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token (and cookie) for forms that waited on the phone while the old one went stale."""
    return JsonResponse({"token": get_token(request)})


def citizen_manifest(request: HttpRequest, town_code: str) -> JsonResponse:
    town = get_object_or_404(Town, code=town_code)
    return webapp.manifest(
        name=_("%(town)s · Raise a demand") % {"town": town.name},
        short=_("Raise a demand"),
        start=reverse("portal:submit", args=[town.code]),
    )


def agent_manifest(request: HttpRequest) -> JsonResponse:
    return webapp.manifest(
        name=_("Collection point · Record for an elderly person"),
        short=_("Collection point"),
        start=reverse("portal:agent"),
    )


def observer_manifest(request: HttpRequest) -> JsonResponse:
    return webapp.manifest(name=_("Observer · Report"), short=_("Observer"), start=reverse("portal:observer"))


def _reference(town: Town, **extra: Any) -> JsonResponse:
    """The categories and cells of the town: what the page needs to show a kept form's choices offline."""
    data = {
        "town": town.code,
        "categories": [
            {"id": c.pk, "name": c.name}
            for c in Category.objects.filter(town=town, active=True).order_by("pk")
        ],
        "cells": [{"id": c.pk, "name": c.name} for c in GridCell.objects.filter(town=town).order_by("pk")],
        **extra,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, no-cache"
    return response


def citizen_reference(request: HttpRequest, town_code: str) -> JsonResponse:
    return _reference(get_object_or_404(Town, code=town_code))


@capability_required(Capability.RECORD_FOR_OTHERS)
def agent_reference(request: HttpRequest) -> JsonResponse:
    agent = getattr(request.user, "agent", None)
    if agent is None:
        raise PermissionDenied(_("Only the agent of a collection point records here."))
    return _reference(agent.town)


@capability_required(Capability.REPORT_OBSERVATION)
def observer_reference(request: HttpRequest) -> JsonResponse:
    observer = getattr(request.user, "observer", None)
    if observer is None:
        raise PermissionDenied(_("Only an observer reports here."))
    return _reference(observer.town)
