"""Rate limits of the anonymous ways in (django-ratelimit on the default cache)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

from lianxin.core.fields import lookup_hash


def _key(key: str) -> object:
    if key == "ip":
        return "ip"
    # A phone or a tracking code is counted by its keyed hash, so the cache never holds the number itself.
    hashed = lookup_hash(key)
    return lambda _g, _r: hashed


def _hit(request: HttpRequest, group: str, key: str, rate: str, increment: bool) -> bool:
    """Count one (``increment``) and say whether the limit is passed; without counting, whether it is full."""
    if increment:
        return is_ratelimited(request, group=group, key=_key(key), rate=rate, increment=True)
    usage = get_usage(request, group=group, key=_key(key), rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def submission_limited(request: HttpRequest, *, phone: str) -> bool:
    """Count one anonymous submission for the address and for the phone; True when either is over."""
    by_ip = _hit(request, "portal.submit.ip", "ip", settings.PORTAL_SUBMIT_RATE_IP, True)
    by_phone = _hit(request, "portal.submit.phone", phone, settings.PORTAL_SUBMIT_RATE_PHONE, True)
    return by_ip or by_phone


def tracking_address_blocked(request: HttpRequest) -> bool:
    """Too many wrong guesses from this address: it may not try any code, right or wrong."""
    return _hit(request, "portal.track.ip", "ip", settings.PORTAL_TRACK_FAIL_RATE, False)


def tracking_code_blocked(request: HttpRequest, *, code: str) -> bool:
    """Too many wrong guesses at this code (a slow, spread-out guesser). Only wrong answers are refused:
    anyone can fill this count, and it must not lock the citizen who knows the digits out of their demand."""
    return _hit(request, "portal.track.code", code, settings.PORTAL_TRACK_FAIL_RATE, False)


def tracking_failed(request: HttpRequest, *, code: str) -> None:
    rate = settings.PORTAL_TRACK_FAIL_RATE
    _hit(request, "portal.track.ip", "ip", rate, True)
    _hit(request, "portal.track.code", code, rate, True)


def sms_limited(request: HttpRequest, *, phone: str) -> bool:
    """Sign-in codes sent, per address and per phone: an SMS costs money and can be used to pester."""
    rate = settings.PORTAL_SMS_RATE
    by_ip = _hit(request, "portal.sms.ip", "ip", rate, True)
    by_phone = _hit(request, "portal.sms.phone", phone, rate, True)
    return by_ip or by_phone
