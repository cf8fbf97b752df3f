"""Every HTTP call Lianxin makes to another system goes through here: webhooks now, SMS gateways and group
robots next. Whoever types the URL (a system administrator) must not be able to reach what only the server
can: its own ports, the town's intranet, the cloud's instance metadata.

The rule (docs/security.md, "Outbound calls"):

1. https only; http too when ``OUTBOUND_ALLOW_HTTP`` is set; no user name or password in the URL.
2. The host is resolved, and refused if ANY of its addresses is not a public internet address: loopback,
   private, link-local, multicast, reserved, unspecified, shared (100.64/10), documentation, and the same
   hidden in an IPv6 address (``::ffff:…``, 6to4, NAT64). ``OUTBOUND_ALLOWED_NETWORKS`` (CIDRs) lets a town's
   own intranet receiver through.
3. The connection goes to an address that was checked, never to a second answer of the resolver (DNS
   rebinding); the Host header, TLS SNI and the certificate check keep the name.
4. A redirect is never followed: a 3xx answer is a failure.
5. Every failure is one ``OutboundError``: ``str()`` is a short generic text, the same for a closed port, an
   open one that does not speak HTTP and a timeout, safe to store and to show (``error_text`` translates it
   for the reader); ``detail`` is what happened, for the log only.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext, gettext_lazy, gettext_noop

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Stored as they are (English), translated when shown: see error_text.
REFUSED = gettext_noop("could not deliver: address refused")
UNREACHABLE = gettext_noop("could not deliver: could not connect")
REDIRECTED = gettext_noop("could not deliver: the receiver answered with a redirect, which is not followed")

# What the person who typed the URL is told (validate_url).
USE_HTTPS = gettext_lazy("Use an https URL.")
USE_HTTP_OR_HTTPS = gettext_lazy("Use an https or http URL.")
NO_USERINFO = gettext_lazy("Leave the user name and password out of the URL.")
PUBLIC_ONLY = gettext_lazy(
    "Lianxin calls only public internet addresses: this host is not one, or its name could not be found. "
    "The server's operator can allow a town's own network (OUTBOUND_ALLOWED_NETWORKS)."
)

MAX_BODY = 1024 * 1024  # of an answer, read at most
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundError(Exception):
    """A call refused or failed. ``str()`` is the generic text (stored, shown through ``error_text``),
    ``message`` the same in the active language, ``advice`` what to change in the URL when it was refused,
    ``detail`` what happened (for the log only), ``status`` and ``body`` the answer when there was one."""

    def __init__(
        self,
        reason: str,
        detail: str,
        *,
        advice: Any = None,
        status: int | None = None,
        body: bytes = b"",
    ) -> None:
        super().__init__(reason)
        self.reason, self.detail, self.status, self.body = reason, detail, status, body
        self.advice = advice if advice is not None else PUBLIC_ONLY

    def __str__(self) -> str:
        return self.reason

    @property
    def message(self) -> str:
        return gettext(self.reason)


@dataclass(frozen=True)
class Target:
    """A URL that passed the rule: where to connect (``addresses``, each checked) and what to ask for."""

    scheme: str
    host: str  # as the Host header and TLS name it (IDNA)
    port: int
    path: str  # with the query
    # (family, address) as the resolver answered, each checked
    sockaddrs: tuple[tuple[int, tuple[Any, ...]], ...]

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(sockaddr[0]) for _family, sockaddr in self.sockaddrs))

    def __str__(self) -> str:  # for the log: never the query, which may carry a robot's token
        return f"{self.scheme}://{self.host}:{self.port}{self.path.split('?', 1)[0]}"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def error_text(stored: str) -> str:
    """A stored failure text (an ``OutboundError``'s, a channel's) in the reader's language."""
    return gettext(stored) if stored else ""  # gettext("") is the catalogue's header


def check_url(url: str) -> Target:
    """The URL's target if the rule allows calling it now (it resolves the name); else ``OutboundError``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and settings.OUTBOUND_ALLOW_HTTP):
        advice = USE_HTTP_OR_HTTPS if settings.OUTBOUND_ALLOW_HTTP else USE_HTTPS
        raise OutboundError(REFUSED, f"scheme {scheme!r} is not allowed", advice=advice)
    if "@" in parts.netloc:
        raise OutboundError(REFUSED, "the URL carries a user name or password", advice=NO_USERINFO)
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (UnicodeError, ValueError) as exc:
        raise OutboundError(REFUSED, f"host or port unreadable: {exc}") from exc
    if not host:
        raise OutboundError(REFUSED, "no host")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = Target(scheme, host, port, path, _resolve(host, port))
    for address in target.addresses:
        if why := _refused(ipaddress.ip_address(address)):
            raise OutboundError(REFUSED, f"{host} resolves to {address}, {why}")
    return target


def validate_url(url: str) -> None:
    """A Django validator (forms, services): the rule of ``check_url``, told to whoever typed the URL."""
    try:
        check_url(url)
    except OutboundError as exc:
        raise ValidationError(exc.advice, code="outbound_refused") from exc
    URLValidator(schemes=["https", "http"])(url)  # and shaped like a URL


def post(url: str, body: bytes, *, headers: Mapping[str, str] | None = None, timeout: float = 10) -> Response:
    """POST ``body`` (JSON or form bytes: the caller encodes it and names its Content-Type in ``headers``) to
    ``url`` under the rule. A 2xx answer is returned (its body up to ``MAX_BODY``); anything else raises
    ``OutboundError``: refused, not reached (connection, TLS, a non-HTTP answer, ``timeout`` seconds of
    silence), a redirect (3xx, not followed) or the receiver's error (``HTTP <status>``, with the body)."""
    target = check_url(url)
    connection = _connection(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers=dict(headers or {}))
        answer = connection.getresponse()
        status, content, location = answer.status, answer.read(MAX_BODY), answer.getheader("Location", "")
    except (OSError, http.client.HTTPException, ValueError) as exc:  # ssl.SSLError and timeouts are OSErrors
        raise OutboundError(UNREACHABLE, f"{target}: {exc.__class__.__name__}: {exc!r}") from exc
    finally:
        connection.close()
    if 300 <= status < 400:
        raise OutboundError(REDIRECTED, f"{target}: {status} to {location!r}", status=status, body=content)
    if not 200 <= status < 300:
        raise OutboundError(f"HTTP {status}", f"{target}: {status}", status=status, body=content)
    return Response(status, content)


# --- the address rule ------------------------------------------------------------------------------------------
def _resolve(host: str, port: int) -> tuple[tuple[int, tuple[Any, ...]], ...]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
        raise OutboundError(REFUSED, f"{host} does not resolve: {exc}") from exc
    found = tuple(dict.fromkeys((family, sockaddr) for family, _t, _p, _c, sockaddr in answers))
    if not found:
        raise OutboundError(REFUSED, f"{host} has no address")
    return found


def _refused(address: IPAddress) -> str | None:
    """Why this address may not be called (None: it may)."""
    allowed = [ipaddress.ip_network(n, strict=False) for n in settings.OUTBOUND_ALLOWED_NETWORKS]
    inner = _embedded_ipv4(address)
    if any(address in net for net in allowed) or (inner and any(inner in net for net in allowed)):
        return None
    for candidate in (address, inner) if inner else (address,):
        for kind in ("loopback", "private", "link_local", "multicast", "reserved", "unspecified"):
            if getattr(candidate, f"is_{kind}"):
                return f"{kind.replace('_', '-')} ({candidate})"
        if not candidate.is_global:  # shared address space, documentation, benchmarking …
            return f"not global ({candidate})"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries to be reached through (mapped, 6to4, NAT64)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if inner := address.ipv4_mapped or address.sixtofour:
        return inner
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


# --- the connection to the checked address ---------------------------------------------------------------------
def _open(target: Target, timeout: float | None) -> socket.socket:
    """A TCP connection to the first of the target's checked addresses that answers."""
    error: OSError = OSError(f"no address for {target.host}")
    for family, sockaddr in target.sockaddrs:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target

    def connect(self) -> None:
        self.sock = _open(self.target, self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        # the system's CAs (or those SSL_CERT_FILE names), the certificate checked against the name
        self.tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self.tls)
        self.target = target

    def connect(self) -> None:
        self.sock = self.tls.wrap_socket(_open(self.target, self.timeout), server_hostname=self.target.host)


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    return (_PinnedHTTPS if target.scheme == "https" else _PinnedHTTP)(target, timeout)
