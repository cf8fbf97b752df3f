"""Showing personal data in full: a reveal of one object's people, with a reason, counted and recorded.

Every page, API answer, PDF and export shows names, phones and ID numbers masked. Someone whose work needs
the full values (the presidium; the mediator of a dispute; the deputy and the department holding a demand)
asks for them on the object itself, says why, and gets them in that one answer. Each reveal is an audit
entry (who, from where, which object, which details, why) and counts against ``PERSONAL_REVEAL_RATE`` per
account, so an account cannot walk a whole ledger. Which principals may reveal which object is each app's
rule (``may_reveal`` in its ``permissions.py``); this module only counts and records.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from . import REVEAL, record

GROUP = "personal.reveal"


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
