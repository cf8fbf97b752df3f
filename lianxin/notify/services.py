"""Queue notifications in the outbox, and deliver what is due (the worker calls ``outbox_deliver``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q

from lianxin.core.clock import now
from lianxin.core.outbound import OutboundError
from lianxin.core.transactions import on_commit_once

from .channels import PEOPLE, Deferred, DeliveryError, Later, channel
from .models import ChannelName, Notification, OutboxMessage, OutboxStatus

MAX_ATTEMPTS = PEOPLE.max_attempts
LEASE = dt.timedelta(seconds=60)  # a claimed row is another worker's again if its sender died
F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)


def notify(
    *,
    town_id: int,
    users: Iterable[Any] = (),
    subject: str,
    body: str,
    url: str = "",
    sms: bool = False,
    email: bool = False,
    sms_to: str = "",
    template: str = "",
    params: Mapping[str, Any] | None = None,
) -> list[OutboxMessage]:
    """Queue an in-app message (and optionally an SMS and an e-mail) for each user, inside the change's
    transaction, so the message exists if and only if the change does.

    ``sms_to`` sends a text to a phone without an account (a citizen who gave only a number).
    Delivery is kicked off when the transaction commits; the periodic sweep catches anything missed.
    """
    return queue(
        messages(
            town_id=town_id,
            users=users,
            subject=subject,
            body=body,
            url=url,
            sms=sms,
            email=email,
            sms_to=sms_to,
            template=template,
            params=params,
        )
    )


def queue(rows: list[OutboxMessage]) -> list[OutboxMessage]:
    """Write the messages of one change in one INSERT, and wake the worker when the change commits."""
    created = OutboxMessage.objects.bulk_create(rows)
    if created:
        _kick_worker_on_commit()
    return created


def messages(
    *,
    town_id: int,
    users: Iterable[Any] = (),
    subject: str,
    body: str,
    url: str = "",
    sms: bool = False,
    email: bool = False,
    sms_to: str = "",
    channels: Iterable[str] = (),
    template: str = "",
    params: Mapping[str, Any] | None = None,
) -> list[OutboxMessage]:
    """The outbox rows ``notify`` writes, unsaved: a caller with several notices queues them together.

    One in-app row for the whole group; then, for each account, one row on each other channel asked for
    (``sms``, ``email`` or any registered channel's name) that can reach it (its ``address``). A text carries
    its SMS ``template`` and the values of that template's variables, picked from ``params``."""
    from .sms import template_values

    texted: dict[str, Any] = {"template": template, "params": template_values(template, params or {})}
    rows = []
    recipients = list({u.pk: u for u in users if u is not None}.values())
    if recipients:  # one in-app row for the whole group
        rows.append(
            OutboxMessage(
                town_id=town_id,
                channel=ChannelName.INAPP,
                user=recipients[0],
                group=[u.pk for u in recipients[1:]],
                subject=subject,
                body=body,
                url=url,
            )
        )
    names = [*(["sms"] if sms else []), *(["email"] if email else [])]
    names += [n for n in channels if n not in names and n != ChannelName.INAPP]
    reached = [channel(n) for n in names]
    for user in recipients:
        for ch in reached:
            address = ch.address(user)
            if not address:
                continue
            # An e-mail carries its link in the text; a text message is kept short (the link is in the app).
            text = f"{body}\n{url}".strip() if ch.name == ChannelName.EMAIL else body
            rows.append(
                OutboxMessage(
                    town_id=town_id,
                    channel=ch.name,
                    user=user,
                    address=address,
                    subject=subject,
                    body=text,
                    **(texted if ch.name == ChannelName.SMS else {}),
                )
            )
    if sms_to:
        rows.append(
            OutboxMessage(
                town_id=town_id,
                channel=ChannelName.SMS,
                address=sms_to,
                subject=subject,
                body=body,
                url=url,
                **texted,
            )
        )
    return rows


def _kick_worker_on_commit() -> None:
    from .tasks import deliver_outbox

    on_commit_once(deliver_outbox)


def outbox_deliver(*, batch: int = 200) -> int:
    """Deliver every message that is due, a batch at a time in queue order, through its channel.

    1. Each row is claimed by a compare-and-swap on ``next_attempt_at`` (a lease), so two workers never send
       one twice and no row lock is held while a receiver is called.
    2. A row of a stream waits while an earlier row of its stream is still pending (backing off, say).
    3. One that fails waits for its next attempt, by its channel's back-off; a channel that gives up marks
       it failed after its last attempt, or at once when the receiver refused it for good (``Undeliverable``).
    4. A channel that must wait (``Later``: a group robot's 20 a minute) moves the row to then, counting no
       attempt and keeping no error.
    """
    sent, after = 0, 0
    while True:
        due = list(
            OutboxMessage.objects.filter(
                status=OutboxStatus.PENDING, next_attempt_at__lte=now(), pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", "next_attempt_at", "attempts", "stream", "sequence")[:batch]
        )
        if not due:
            return sent
        after = due[-1][0]
        blocked: set[str] = set()
        for pk, at, attempts, stream, sequence in due:
            if stream and (stream in blocked or _behind(pk, stream, sequence)):
                blocked.add(stream)
                continue
            done = _deliver_one(pk, at, attempts)
            sent += done is True
            if stream and done is not True:
                blocked.add(stream)


def _behind(pk: int, stream: str, sequence: int | None) -> bool:
    """Whether an earlier row of the stream is still waiting to be sent."""
    earlier = Q(pk__lt=pk) if sequence is None else Q(sequence__lt=sequence) | Q(sequence=sequence, pk__lt=pk)
    return OutboxMessage.objects.filter(earlier, stream=stream, status=OutboxStatus.PENDING).exists()


def _deliver_one(pk: int, at: Any, attempts: int) -> bool | None:
    """Send one claimed row: True when sent, False when it will be tried again, None when another worker
    holds it."""
    claimed = OutboxMessage.objects.filter(pk=pk, status=OutboxStatus.PENDING, next_attempt_at=at).update(
        next_attempt_at=now() + LEASE, attempts=attempts + 1
    )
    if not claimed:
        return None
    msg = OutboxMessage.objects.get(pk=pk)
    way = channel(msg.channel)
    try:
        # The bell's notifications and the row's "sent" are written together; a channel that calls another
        # system (a webhook's receiver) is not held inside a transaction while it waits for the answer.
        with transaction.atomic() if getattr(way, "atomic", True) else nullcontext():
            way.deliver(msg)
            OutboxMessage.objects.filter(pk=pk).update(status=OutboxStatus.SENT, sent_at=now(), last_error="")
    except Later as later:  # the channel's pace, not a failure: no attempt counted, no error kept
        OutboxMessage.objects.filter(pk=pk).update(next_attempt_at=later.at, attempts=attempts)
        return False
    except (DeliveryError, OutboundError, OSError) as exc:
        if isinstance(exc, OutboundError):  # its text is generic, for the lists; what happened is the log's
            log.warning("outbox %s (%s) not delivered: %s", pk, msg.channel, exc.detail)
        changes: dict[str, Any] = {"last_error": str(exc)[:500] or exc.__class__.__name__}
        if isinstance(exc, Deferred):  # its time is not now: it waits, and the try is not counted
            changes.update(next_attempt_at=exc.until, attempts=max(msg.attempts - 1, 0))
        elif getattr(exc, "permanent", False) or (
            way.retry.max_attempts is not None and msg.attempts >= way.retry.max_attempts
        ):
            changes["status"] = OutboxStatus.FAILED
        else:
            changes["next_attempt_at"] = now() + way.retry.wait(msg.attempts)
        OutboxMessage.objects.filter(pk=pk).update(**changes)
        return False
    return True


def outbox_retry_now(*, messages: Any) -> int:
    """Try these pending rows at the next pass instead of waiting out their back-off (from the admin)."""
    return int(messages.filter(status=OutboxStatus.PENDING).update(next_attempt_at=now()))


def notifications_mark_read(
    *, user: Any, pks: Iterable[int] | None = None, tab: str | None = None, topic: str | None = None
) -> int:
    """Mark a person's unread notifications read: all, or those of one tab ("action"/"info"), of one
    subject, or these."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    if tab is not None:
        qs = qs.filter(action=tab == "action")
    if topic is not None:
        qs = qs.filter(topic=topic)
    return qs.update(read_at=now())


def preferences_save(
    *, user: Any, wanted: dict[tuple[str, str], bool], defaults: dict[str, tuple[str, ...]]
) -> None:
    """Keep a person's choices for the pairs they set: a row only where the choice differs from the
    kind's default (so a later change of the table's defaults reaches everyone who never chose)."""
    from .models import NoticePreference

    with transaction.atomic():
        held = NoticePreference.objects.filter(user=user).values_list("pk", "kind", "channel")
        NoticePreference.objects.filter(pk__in=[pk for pk, k, ch in held if (k, ch) in wanted]).delete()
        NoticePreference.objects.bulk_create(
            [
                NoticePreference(user=user, kind=kind, channel=ch, enabled=on)
                for (kind, ch), on in wanted.items()
                if on != (ch in defaults.get(kind, ()))
            ]
        )


def locked_kinds_save(*, town_id: int, kinds: set[str], by: Any) -> None:
    """The town's locked kinds become exactly these."""
    from .models import LockedKind

    with transaction.atomic():
        LockedKind.objects.filter(town_id=town_id).exclude(kind__in=kinds).delete()
        held = set(LockedKind.objects.filter(town_id=town_id).values_list("kind", flat=True))
        LockedKind.objects.bulk_create(
            [LockedKind(town_id=town_id, kind=k, locked_by=by) for k in sorted(kinds - held)]
        )
