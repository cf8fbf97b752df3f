"""The platform's "now": ``timezone.now()`` unless a caller replays the past.

Services stamp events with ``clock.now()``. The demo generator (and a back-office import) replays a
year of history with ``with clock.at(moment): …``; tests use time-machine, which moves this too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_fixed: ContextVar[dt.datetime | None] = ContextVar("lianxin_clock", default=None)


def now() -> dt.datetime:
    return _fixed.get() or timezone.now()


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    token = _fixed.set(moment)
    try:
        yield moment
    finally:
        _fixed.reset(token)
