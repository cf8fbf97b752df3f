"""Rate limits of the anonymous ways in, counted in fixed windows in the default cache.

Every limit counts first and then decides by the number the cache hands back (``add`` then ``incr``, each
atomic), never by a number read before: parallel requests, in one process or in many gunicorn workers, get
1, 2, 3… and only the first ``limit`` of them pass. That needs a cache every worker shares whose ``incr``
is atomic: Redis (``INCR``), Lianxin's database cache (a row lock, ``lianxin/core/cache.py``) or, for one
process only (the demo, the tests), Django's local memory (a lock).

A tracking try takes its place in the counts before the answer is compared; a right answer gives its
places back, so only wrong answers fill them and an agent tracking many demands from one address is not
held up. Phones, codes and addresses are counted by their keyed hash: the cache never holds the number.
"""

from __future__ import annotations

import contextlib
import re
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django_ratelimit.core import _get_ip

from lianxin.core.fields import lookup_hash

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _rate(rate: str) -> tuple[int, int]:
    """``"5/15m"`` → (5 tries, 900 seconds)."""
    m = _RATE.match(rate)
    if m is None:
        raise ValueError(f"not a rate: {rate!r}")
    return int(m.group(1)), int(m.group(2) or 1) * _SECONDS[m.group(3)]


def address(request: HttpRequest) -> str:
    """The visitor's address as django-ratelimit reads it (``RATELIMIT_IP_META_KEY``, IPv6 by /64)."""
    return str(_get_ip(request))


@dataclass(frozen=True)
class Count:
    key: str
    value: int
    limit: int
    timeout: int

    @property
    def over(self) -> bool:
        return self.value > self.limit


def _count(group: str, subject: str, rate: str) -> Count:
    """One more in the current window of ``group`` for ``subject``, as the cache numbers it."""
    limit, period = _rate(rate)
    window = int(time.time()) // period
    key = f"limit:{group}:{lookup_hash(subject)}:{period}:{window}"
    timeout = period + 5
    for _attempt in range(2):
        if cache.add(key, 1, timeout):
            return Count(key, 1, limit, timeout)
        try:
            return Count(key, int(cache.incr(key)), limit, timeout)
        except ValueError:  # it expired between the two calls: start the window again
            continue
    return Count(key, limit + 1, limit, timeout)  # the cache does not keep it: refuse rather than let through


def _give_back(count: Count) -> None:
    with contextlib.suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(count.key)


def submission_limited(request: HttpRequest, *, phone: str) -> bool:
    """Count one anonymous submission for the address, then for the phone; True when either is over."""
    if _count("portal.submit.ip", address(request), settings.PORTAL_SUBMIT_RATE_IP).over:
        return True
    return _count("portal.submit.phone", phone, settings.PORTAL_SUBMIT_RATE_PHONE).over


@dataclass(frozen=True)
class TrackingTry:
    """A tracking try's place in the counts: ``refused`` before any answer is compared; ``locked_now``
    when this try is the one that locked the code (its owner is told, once per lock)."""

    refused: bool
    locked_now: bool = False
    places: tuple[Count, ...] = ()


def tracking_try(request: HttpRequest, *, town_code: str, code: str) -> TrackingTry:
    """Take a place for this try at the address, then at the code (of this town).

    Past the limit at either, the try is refused whatever its answer: a right answer at a locked code
    would otherwise still tell itself from a wrong one, and the 10⁴ PINs could be walked from many addresses.
    """
    rate = settings.PORTAL_TRACK_FAIL_RATE
    by_address = _count("portal.track.ip", address(request), rate)
    if by_address.over:
        return TrackingTry(refused=True)
    by_code = _count("portal.track.code", f"{town_code}:{code}", rate)
    if by_code.over:
        # Exactly one try per window adds the mark; the ones after it, and a place given back, do not.
        first = cache.add(f"{by_code.key}:told", 1, by_code.timeout)
        return TrackingTry(refused=True, locked_now=bool(first))
    return TrackingTry(refused=False, places=(by_address, by_code))


def tracking_passed(attempt: TrackingTry) -> None:
    """The answer was right: its places go back, so only wrong answers lock."""
    for place in attempt.places:
        _give_back(place)


def sms_limited(request: HttpRequest, *, phone: str) -> bool:
    """Sign-in codes sent, per address and then per phone: an SMS costs money and can be used to pester.
    A request refused at the address is not counted at the phone, so exactly ``limit`` texts go out."""
    rate = settings.PORTAL_SMS_RATE
    if _count("portal.sms.ip", address(request), rate).over:
        return True
    return _count("portal.sms.phone", phone, rate).over
