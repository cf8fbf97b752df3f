"""QR codes (segno: SVG and PNG without Pillow) that open the mobile page preset to a station or deputy."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def entry_url(
    request: HttpRequest, *, town_code: str, station: int | None = None, deputy: int | None = None
) -> str:
    path = reverse("portal:submit", args=[town_code])
    query = urlencode({k: v for k, v in {"station": station, "deputy": deputy}.items() if v})
    path = f"{path}?{query}" if query else path
    base = settings.PORTAL_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def render_qr(url: str, fmt: str) -> tuple[bytes, str]:
    """(bytes, content type) of the QR code for ``url``; fmt is ``svg`` or ``png``."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=6, border=2, xmldecl=True, svgns=True)
        return out.getvalue(), "image/svg+xml"
    code.save(out, kind="png", scale=8, border=2)
    return out.getvalue(), "image/png"
