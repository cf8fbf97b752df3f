"""The daily digest: once a day, each staff member with something waiting gets ONE message listing it,
overdue first, on the channels they chose for the kind ``notify.digest`` (in-app unless they chose others; off
if they switched it off and the presidium did not lock it).

What waits is what the apps register in the kit's ``waiting`` slot (the demands: the deputy's and the
department's inboxes, the presidium's reviews and extensions). ``DigestSent(user, date)`` is unique, written
in the same transaction as the message: a second run on the same day sends nothing, the next day sends again.
The worker runs ``digests_send`` every hour; it sends from ``DIGEST_HOUR`` (town time) on.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lianxin.core.clock import now
from lianxin.core.kit import everywhere
from lianxin.core.notices import Waiting

from .engine import language_of
from .models import DigestSent
from .preferences import DIGEST, INAPP, NOT_STAFF, Switches, person_channels
from .services import messages, queue

log = logging.getLogger(__name__)


def waiting_for(user: Any, at: dt.datetime) -> list[Waiting]:
    """Everything the apps say waits for this person: overdue first (the longest overdue on top), then by
    deadline, then what has none."""
    found: list[Waiting] = []
    for _label, provider in everywhere("waiting"):
        found += provider(user, at)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda w: (not w.overdue, w.due_at or far, w.title))


def _link(url: str) -> str:
    base = str(getattr(settings, "PORTAL_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def _words(items: list[Waiting]) -> tuple[str, str]:
    overdue = sum(w.overdue for w in items)
    subject = ngettext(
        "Daily digest: %(n)d item waits for you", "Daily digest: %(n)d items wait for you", len(items)
    ) % {"n": len(items)}
    if overdue:
        subject += ngettext(", %(n)d overdue", ", %(n)d overdue", overdue) % {"n": overdue}
    lines = []
    for w in items:
        mark = _("[overdue] ") if w.overdue else ""
        due = f" ({_('due')} {timezone.localtime(w.due_at):%m-%d %H:%M})" if w.due_at else ""
        lines.append(f"· {mark}{w.title}{due} {_link(w.url)}")
    return subject, "\n".join(lines)


def digest_send(*, user: Any, day: dt.date, at: dt.datetime) -> bool:
    """Send this person's digest for ``day`` unless it went already, they have nothing waiting, or they
    switched it off. True when it was queued."""
    if DigestSent.objects.filter(user=user, date=day).exists():
        return False
    items = waiting_for(user, at)
    if not items:
        return False
    switches = Switches.load(key=DIGEST, defaults=(INAPP,), town_id=user.town_id, user_ids=[user.pk])
    channels = [ch for ch in person_channels() if switches.wants(user.pk, ch)]
    if not channels:
        return False
    with translation.override(language_of(user)):
        subject, body = _words(items)
    rows = [
        row
        for row in messages(town_id=user.town_id, users=[user], subject=subject, body=body, channels=channels)
        if row.channel in channels
    ]
    for row in rows:
        row.kind, row.action = DIGEST, True
    if not rows:
        return False
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, date=day, items=len(items), sent_at=at)
            queue(rows)
    except IntegrityError:  # another run sent it a moment ago
        return False
    return True


def digests_send(*, at: dt.datetime | None = None) -> int:
    """Each staff member's digest for today (town time), from ``DIGEST_HOUR`` on; how many were queued."""
    at = at or now()
    local = timezone.localtime(at)
    if local.hour < int(getattr(settings, "DIGEST_HOUR", 8)):
        return 0
    day = local.date()
    from django.contrib.auth import get_user_model

    done = DigestSent.objects.filter(date=day).values("user_id")
    people = (
        get_user_model()
        .objects.filter(is_active=True, town__isnull=False)
        .exclude(role__in=NOT_STAFF)
        .exclude(pk__in=done)
        .order_by("pk")
    )
    sent = 0
    for user in people.iterator():
        try:
            sent += digest_send(user=user, day=day, at=at)
        except Exception:  # one person's digest never stops the others'
            log.exception("daily digest for user %s failed", user.pk)
    return sent
