"""The visitor's address, for the lockout (django-axes), the audit trail and anything else that asks.

Behind a reverse proxy every request arrives from the proxy. ``AXES_CLIENT_IP_HEADER`` names the
``request.META`` key the proxy writes (``HTTP_X_FORWARDED_FOR`` or ``HTTP_X_REAL_IP``) and
``AXES_TRUSTED_PROXY_COUNT`` how many proxies of ours stand in front: each appends the address it saw, so
the visitor is that many entries from the right. Entries further left were written by the client and are
never believed. Without the header (or with a malformed one) the connection's own address is used.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str | None:
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    header = getattr(settings, "AXES_CLIENT_IP_HEADER", "") or ""
    count = int(getattr(settings, "AXES_TRUSTED_PROXY_COUNT", 1) or 1)
    if not header:
        return remote
    parts = [p.strip() for p in str(meta.get(header, "")).split(",") if p.strip()]
    if len(parts) < count:
        return remote
    return _valid(parts[-count]) or remote
