"""QR codes that open the mobile page preset to a station or deputy (drawn by core/qr.py)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from lianxin.core.qr import render_qr as render_qr


def entry_url(
    request: HttpRequest, *, town_code: str, station: int | None = None, deputy: int | None = None
) -> str:
    path = reverse("portal:submit", args=[town_code])
    query = urlencode({k: v for k, v in {"station": station, "deputy": deputy}.items() if v})
    path = f"{path}?{query}" if query else path
    base = settings.PORTAL_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)
