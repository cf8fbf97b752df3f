"""Delivery channels: registered backends behind one interface, delivered from one retry queue (the outbox).

A channel has a name (the outbox row's ``channel``), says how it reaches an account (``address``), delivers one
outbox row (``deliver``, raising ``DeliveryError`` to be tried again) and how it is retried (``retry``). Apps
register theirs with ``kit(label).add("channels", …)``: notify the in-app bell, SMS and e-mail; the API its
webhooks. An SMS gateway is a class with ``send`` named by ``SMS_BACKEND``; a group robot is one more channel.
Whatever calls another system over HTTP does it through ``lianxin.core.outbound.post`` (public https addresses
only, no redirects, one generic error text): the outbox stores that text and logs the detail.

Defaults need no service: SMS goes to a file (``var/sms.log``, one JSON line a message) and e-mail to
Django's console backend.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from lianxin.core.clock import now
from lianxin.core.kit import everywhere

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver now; the outbox tries again later (``permanent``: never, it fails now)."""

    permanent = False


class Refused(DeliveryError):
    """The message can never be delivered as it is (a number the gateway refuses, no approved template, an
    opted-out phone): the outbox marks it failed at once, with this reason."""

    permanent = True


class Deferred(DeliveryError):
    """Not now but at ``until`` (quiet hours, a gateway's daily limit): the row waits, without spending a try."""

    def __init__(self, reason: str, until: dt.datetime) -> None:
        super().__init__(reason)
        self.until = until


class Undeliverable(Refused):
    """The receiver refused the message for good (a wrong signature, say): the row fails now, not after its
    last attempt; trying again would only be refused again."""


class Later(Exception):
    """Not a failure: the channel may not send this row before ``at`` (a group robot's 20 messages a minute).
    The outbox moves the row to then, without counting an attempt or storing an error."""

    def __init__(self, at: dt.datetime) -> None:
        super().__init__(at.isoformat())
        self.at = at


class Backend(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class FileSMSBackend:
    """Appends each SMS as a JSON line to a file, for the demo and for tests that read what was sent."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or getattr(settings, "SMS_FILE", None) or settings.VAR_DIR / "sms.log")

    def send(self, *, to: str, subject: str, body: str) -> None:
        line = json.dumps(
            {"to": to, "text": f"【连心】{subject}:{body}", "at": now().isoformat()}, ensure_ascii=False
        )
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class ConsoleSMSBackend:
    def send(self, *, to: str, subject: str, body: str) -> None:
        log.info("SMS to %s: %s %s", to, subject, body)


class DjangoEmailBackend:
    def send(self, *, to: str, subject: str, body: str) -> None:
        send_mail(subject, body, None, [to])


@cache
def backend(channel: str) -> Backend:
    path = {"sms": settings.SMS_BACKEND, "email": settings.EMAIL_CHANNEL_BACKEND}[channel]
    return import_string(path)()


@dataclass(frozen=True)
class Retry:
    """How a channel is retried: waits doubling from ``first`` up to ``cap``; after ``max_attempts`` the row
    is given up (``None``: tried until it is delivered)."""

    first: dt.timedelta
    cap: dt.timedelta = dt.timedelta(hours=1)
    max_attempts: int | None = 8

    def wait(self, attempts: int) -> dt.timedelta:
        return min(self.first * 2 ** max(attempts - 1, 0), self.cap)


class Channel(Protocol):
    name: str
    retry: Retry

    def address(self, user: Any) -> str:
        """Where this channel reaches an account ("" when it cannot)."""
        ...

    def deliver(self, msg: Any) -> None:
        """Deliver one outbox row; raise ``DeliveryError`` (or ``OSError``, or the ``OutboundError`` of a call
        through ``core/outbound.py``, which every call to another system makes) to be tried again."""
        ...


PEOPLE = Retry(first=dt.timedelta(seconds=30))  # SMS, e-mail, in-app: eight tries over about two hours


class InAppChannel:
    """The bell: one notification for each account of the row (its user and the rest of its group)."""

    name = "inapp"
    retry = PEOPLE

    def address(self, user: Any) -> str:
        return ""

    def deliver(self, msg: Any) -> None:
        from .models import Notification

        assert msg.user_id is not None
        Notification.objects.bulk_create(
            [
                Notification(
                    town_id=msg.town_id,
                    user_id=user_id,
                    subject=msg.subject,
                    body=msg.body,
                    url=msg.url,
                    created_at=msg.created_at,
                    kind=msg.kind,
                    action=msg.action,
                    topic=msg.url or f"outbox:{msg.pk}",  # what it is about: its page, else itself
                )
                for user_id in msg.recipient_ids
            ]
        )


class SMSChannel:
    """A text to a phone, through the gateway ``SMS_BACKEND`` names."""

    name = "sms"
    retry = PEOPLE
    atomic = False  # a gateway is not waited for inside a transaction

    def address(self, user: Any) -> str:
        return str(getattr(user, "phone", "") or "")

    def deliver(self, msg: Any) -> None:
        from .sms import deliver  # templates, receipts, cap, quiet hours and opt-out

        deliver(msg)


class EmailChannel:
    name = "email"
    retry = PEOPLE

    def address(self, user: Any) -> str:
        return str(getattr(user, "email", "") or "")

    def deliver(self, msg: Any) -> None:
        backend("email").send(to=msg.address, subject=msg.subject, body=msg.body)


INAPP, SMS, EMAIL = InAppChannel(), SMSChannel(), EmailChannel()


def channel(name: str) -> Channel:
    """The registered channel of this name; an unknown one is a mistake in a table, not a delivery failure."""
    for _label, registered in everywhere("channels"):
        if registered.name == name:
            return registered
    raise KeyError(f"no channel {name!r} is registered")
