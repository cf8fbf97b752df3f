"""Reads of dashboards, lists and exports from a read replica; every write, and everything else, on the primary.

A replica is an alias ``replica`` in ``DATABASES`` (``DATABASE_REPLICA_URL``, see config/settings/base.py). Without
it nothing here has any effect: every query goes to ``default`` as before.

Which reads go to the replica is said where they are made, never guessed from the model:

- a view marked ``@reads_from_replica`` (a GET or HEAD of a dashboard, a list, an export, a public page; a class
  takes ``method_decorator(reads_from_replica, name="dispatch")``) reads from the replica while it runs, and
  while its streamed body is produced;
- ``with replica_reads():`` does the same for any block (a worker's export job, a report).

Whatever else happens in those blocks still reads the primary:

- security and bookkeeping state (sessions, the login lockout, the database cache, second-factor devices), which
  must never be stale;
- reads inside a transaction on the primary (a service that reads what it is about to change);
- reads after the request itself wrote something (the router sees the write);
- every read of a person who changed something in the last ``DATABASE_REPLICA_STICKY_SECONDS`` (read your own
  writes): ``ReadYourWritesMiddleware`` gives a signed, short-lived cookie to the response of every POST (PUT,
  PATCH, DELETE) and of every request that wrote, and a request that carries it reads the primary only. A
  person who just recorded a demand sees it on the list at once however far the replica lags; everyone else
  sees it when the replica has replayed it (normally well under a second).

Writes always go to ``default``, also for an object read from the replica (Django would otherwise write it
back where it came from). ``migrate`` never runs on the replica: it is a copy of the primary's files.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

REPLICA = "replica"
COOKIE = "lianxin_primary"
COOKIE_SALT = "lianxin.core.routers.read-your-writes"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Always read and written on the primary; writing them is not a change the person would look for on a page.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_cache", "otp_totp", "otp_static", "django_otp"})
# Written by reads too (the audit trail records an export); such a write does not pin the request.
BOOKKEEPING_APPS = PRIMARY_ONLY_APPS | {"audit"}

_replica_reads: ContextVar[bool] = ContextVar("lianxin_replica_reads", default=False)
_pinned: ContextVar[bool] = ContextVar("lianxin_pinned_to_primary", default=False)
_wrote: ContextVar[list[bool] | None] = ContextVar("lianxin_request_wrote", default=None)

View = TypeVar("View", bound=Callable[..., HttpResponse])


def replica_alias() -> str | None:
    """The replica's alias when one is configured, else None."""
    return REPLICA if REPLICA in settings.DATABASES else None


def sticky_seconds() -> int:
    return int(getattr(settings, "DATABASE_REPLICA_STICKY_SECONDS", 10))


def reading_from_replica() -> bool:
    """Would a read of a domain model made now go to the replica?"""
    return bool(
        replica_alias()
        and _replica_reads.get()
        and not _pinned.get()
        and not (_wrote.get() or [False])[0]
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class ReplicaRouter:
    """``DATABASE_ROUTERS``: reads marked for the replica go there; writes and migrations stay on ``default``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if model._meta.app_label in PRIMARY_ONLY_APPS or not reading_from_replica():
            return DEFAULT_DB_ALIAS if replica_alias() else None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_alias():
            return None
        wrote = _wrote.get()
        if wrote is not None and model._meta.app_label not in BOOKKEEPING_APPS:
            wrote[0] = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        same = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in same and obj2._state.db in same:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        return False if db == REPLICA else None


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block go to the replica (when there is one, and within the rules above)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _replayed(content: Iterator[Any], pinned: bool) -> Iterator[Any]:
    token = _pinned.set(pinned)
    try:
        with replica_reads():
            yield from content
    finally:
        _pinned.reset(token)


def reads_from_replica(view: View) -> View:
    """A read-only page (GET, HEAD) reads from the replica; its other methods are left alone."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        with replica_reads():
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse):  # its body is read after the view has returned
            pinned = _pinned.get() or (_wrote.get() or [False])[0]
            response.streaming_content = _replayed(iter(response.streaming_content), pinned)
        return response

    return wrapped  # type: ignore[return-value]


def pinned_to_primary(request: HttpRequest) -> bool:
    """Did this person change something in the last few seconds (the signed cookie is still fresh)?"""
    return (
        request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT, max_age=sticky_seconds())
        is not None
    )


class ReadYourWritesMiddleware:
    """A person who just changed something reads the primary for a few seconds (see the module's text)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_alias():
            return self.get_response(request)
        wrote = [False]
        pinned, writes = _pinned.set(pinned_to_primary(request)), _wrote.set(wrote)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(pinned)
            _wrote.reset(writes)
        if request.method not in SAFE_METHODS or wrote[0]:
            response.set_signed_cookie(
                COOKIE,
                "1",
                salt=COOKIE_SALT,
                max_age=sticky_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
