"""Who sees the details of /readyz and any of /metrics: a bearer of ``METRICS_TOKEN`` or an address in
``METRICS_ALLOWED_NETWORKS``. Both unset: nobody (the metrics answer 404 to all).

The address is the visitor's as the lockout and the audit trail read it (``accounts.client_ip``): behind a
proxy, the one the proxy wrote; otherwise the connection's. The token is compared in constant time.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from lianxin.accounts.client_ip import client_ip


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _bearer(request: HttpRequest) -> str:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def has_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = _bearer(request)
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def from_allowed_network(request: HttpRequest) -> bool:
    networks = _networks(tuple(settings.METRICS_ALLOWED_NETWORKS))
    address = client_ip(request)
    if not networks or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def may_monitor(request: HttpRequest) -> bool:
    """The monitoring system (or the town's IT) asks: the metrics, and the details of readiness."""
    return has_token(request) or from_allowed_network(request)
