"""Showing personal data in full: a reveal of one object's people, with a reason, counted and recorded.

Every page, API answer, PDF and export shows names, phones and ID numbers masked. Someone whose work needs
the full values (the presidium; the mediator of a dispute; the deputy and the department holding a demand)
asks for them on the object itself, says why, and gets them in that one answer. Each reveal is an audit
entry (who, from where, which object, which details, why) and counts against ``PERSONAL_REVEAL_RATE`` per
account, so an account cannot walk a whole ledger. Which principals may reveal which object is each app's
rule (``may_reveal`` in its ``permissions.py``); this module only counts and records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited
from rest_framework.exceptions import Throttled

from lianxin.core.api import RevealIn
from lianxin.core.forms import RevealForm

from . import REVEAL, record

GROUP = "personal.reveal"
T = TypeVar("T")


class RevealLimited(Exception):
    """Too many reveals by this account within the window: answered 429, nothing shown."""

    message = _("You have looked up too many people's details in a short time. Try again later.")


def _key(_group: str, request: Any) -> str:
    return str(getattr(request.user, "pk", "") or "")


def reveal(*, request: Any, obj: Any, reason: str, details: Iterable[str], action: str = "reveal") -> None:
    """Count one reveal for the signed-in account and write it to the audit trail; ``RevealLimited`` when
    the account is over its rate (the count is one atomic cache increment, so parallel requests cannot
    slip past it). The caller has already checked that this principal may reveal ``obj``."""
    raw = getattr(request, "_request", request)  # a REST framework request wraps Django's
    if is_ratelimited(raw, group=GROUP, key=_key, rate=settings.PERSONAL_REVEAL_RATE, increment=True):
        raise RevealLimited
    record(
        REVEAL,
        request=raw,
        obj=obj,
        action=action,
        reason=reason.strip(),
        details={"fields": sorted(set(details))},
    )


def reveal_on_page(request: Any, record_it: Callable[[str], T]) -> tuple[RevealForm, int, T | None]:
    """A page's reveal: the reason read from the POST, then ``record_it(reason)`` (which checks, counts and
    records it). Answers the form to show again, the status (200 revealed; 400 no reason given; 429 over the
    account's rate, told on the form) and what ``record_it`` gave."""
    form = RevealForm(request.POST)
    if not form.is_valid():
        return form, 400, None
    try:
        return form, 200, record_it(form.cleaned_data["reason"])
    except RevealLimited as exc:
        form.add_error(None, exc.message)
        return form, 429, None


def reveal_in_api(request: Any, record_it: Callable[[str], T]) -> T:
    """An API reveal: the reason from the body (400 without one), then ``record_it(reason)``; over the
    account's rate, a 429 with the message."""
    data = RevealIn(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        return record_it(data.validated_data["reason"])
    except RevealLimited as exc:
        raise Throttled(detail=str(exc.message)) from exc
