"""Queue notifications in the outbox, and deliver what is due (the worker calls ``outbox_deliver``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import translation

from lianxin.core.clock import now
from lianxin.core.transactions import on_commit_once

from .channels import DeliveryError, backend
from .models import ChannelName, Notification, OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 8
F = TypeVar("F", bound=Callable[..., Any])


def in_town_language(compose: F) -> F:
    """Compose a notice in the town's language (settings.LANGUAGE_CODE), whatever the language of the person
    whose action it follows: a move made on an English page must not text a citizen in English (nor leave the
    texts to depend on which page the thread served last)."""

    @functools.wraps(compose)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with translation.override(settings.LANGUAGE_CODE):
            return compose(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


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
) -> list[OutboxMessage]:
    """The outbox rows ``notify`` writes, unsaved: a caller with several notices queues them together."""
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
    for user in recipients:
        if sms and user.phone:
            rows.append(
                OutboxMessage(
                    town_id=town_id,
                    channel=ChannelName.SMS,
                    user=user,
                    address=user.phone,
                    subject=subject,
                    body=body,
                )
            )
        if email and user.email:
            rows.append(
                OutboxMessage(
                    town_id=town_id,
                    channel=ChannelName.EMAIL,
                    user=user,
                    address=user.email,
                    subject=subject,
                    body=f"{body}\n{url}".strip(),
                )
            )
    if sms_to:
        rows.append(
            OutboxMessage(
                town_id=town_id, channel=ChannelName.SMS, address=sms_to, subject=subject, body=body, url=url
            )
        )
    return rows


def _kick_worker_on_commit() -> None:
    from .tasks import deliver_outbox

    on_commit_once(deliver_outbox)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def outbox_deliver(*, batch: int = 200) -> int:
    """Deliver every message that is due, a batch at a time in queue order; each is locked while it is
    sent, so two workers never send one twice. One that fails waits for its next attempt."""
    sent, after = 0, 0
    while True:
        due = list(
            OutboxMessage.objects.filter(
                status=OutboxStatus.PENDING, next_attempt_at__lte=now(), pk__gt=after
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not due:
            return sent
        after = due[-1]
        sent += _deliver_batch(due)


def _deliver_batch(pks: list[int]) -> int:
    sent = 0
    for pk in pks:
        with transaction.atomic():
            msg = OutboxMessage.objects.select_for_update().filter(pk=pk, status=OutboxStatus.PENDING).first()
            if msg is None:
                continue
            msg.attempts += 1
            try:
                _send(msg)
            except (DeliveryError, OSError) as exc:
                msg.last_error = str(exc)[:500]
                if msg.attempts >= MAX_ATTEMPTS:
                    msg.status = OutboxStatus.FAILED
                else:
                    msg.next_attempt_at = now() + _backoff(msg.attempts)
            else:
                msg.status = OutboxStatus.SENT
                msg.sent_at = now()
                sent += 1
            msg.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return sent


def _send(msg: OutboxMessage) -> None:
    if msg.channel == ChannelName.INAPP:
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
                )
                for user_id in [msg.user_id, *msg.group]
            ]
        )
    else:
        backend(msg.channel).send(to=msg.address, subject=msg.subject, body=msg.body)


def notifications_mark_read(*, user: Any, pks: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=now())
