"""Staff sessions: signed out after a spell of idleness, and held at the second factor until it is given.

Both run after authentication (and django-otp's ``OTPMiddleware``, which tells whether this session has
given a second factor). Citizens, observers and agents are not staff here: their sessions are their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import SECOND_FACTOR_ROLES, Capability, is_privileged

SEEN = "lx_seen"


def is_staff_session(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser or is_privileged(user.role)))


def needs_second_factor(user: Any) -> bool:
    return bool(
        getattr(settings, "OTP_REQUIRED", True)
        and user.is_authenticated
        and (user.is_superuser or user.role in SECOND_FACTOR_ROLES)
    )


def _exempt(path: str) -> bool:
    prefixes = (
        reverse("accounts:second_factor"),
        reverse("accounts:second_factor_verify"),
        reverse("logout"),
        reverse("login"),
        "/i18n/",
        "/" + settings.STATIC_URL.lstrip("/"),
    )
    return path.startswith(prefixes)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user: Any = request.user
        if is_staff_session(user):
            if (response := self._idle(request)) is not None:
                return response
            if needs_second_factor(user) and not user.is_verified() and not _exempt(request.path):
                device = user.totpdevice_set.filter(confirmed=True).exists()
                target = "accounts:second_factor_verify" if device else "accounts:second_factor"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        """Sign out a staff session idle longer than STAFF_IDLE_MINUTES; otherwise note this request (at most
        once a minute, so that every request does not write the session)."""
        now = time.time()
        limit = 60 * int(getattr(settings, "STAFF_IDLE_MINUTES", 30))
        seen = request.session.get(SEEN)
        if seen is not None and now - float(seen) > limit:
            logout(request)
            messages.info(
                request, _("You were signed out after a time without activity. Please sign in again.")
            )
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if seen is None or now - float(seen) > 60:
            request.session[SEEN] = now
        return None


# --- the county viewer's one town ------------------------------------------------------------------------
FOCUS = "lx_county_town"


def focus_town_of(request: HttpRequest) -> Any:
    """The town of the county the viewer opened (``None``: the whole county)."""
    from lianxin.core.models import Town

    user: Any = request.user
    pk = request.session.get(FOCUS) if hasattr(request, "session") else None
    if pk is None or not user.is_authenticated or not user.can(Capability.VIEW_COUNTY) or user.town_id:
        return None
    return Town.objects.filter(pk=pk, county_id=user.county_id).first()


def _may_post_in_focus(path: str) -> bool:
    return path.startswith((reverse("logout"), "/i18n/", reverse("portal:county")))


class CountyFocusMiddleware:
    """A county viewer who opened one town reads that town alone (``user.focus_town_id``, which
    ``core.access.towns_visible_to`` honours), and reads it only: any POST but signing out, the language and
    the county's own picker is refused (403)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        user: Any = request.user
        if user.is_authenticated and user.can(Capability.VIEW_COUNTY) and not user.town_id:
            town = focus_town_of(request)
            user.focus_town = town
            user.focus_town_id = town.pk if town is not None else None
            writes = request.method not in ("GET", "HEAD", "OPTIONS")
            if town is not None and writes and not _may_post_in_focus(request.path):
                raise PermissionDenied
        return self.get_response(request)
