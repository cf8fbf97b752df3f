"""Writes of the API app: issuing and revoking keys, subscribing receivers, and delivering webhooks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lianxin.core import clock, outbound
from lianxin.core.models import Town
from lianxin.demands.models import Channel, DemandEvent
from lianxin.notify.channels import DeliveryError
from lianxin.notify.models import ChannelName, OutboxMessage
from lianxin.notify.services import outbox_retry_now

from .models import (
    ApiKey,
    DeliveryStatus,
    IdempotencyRecord,
    SystemAccount,
    WebhookDelivery,
    WebhookSubscription,
)

KEY_PREFIX = "lx_"
SIGNATURE_HEADER = "X-Lianxin-Signature"
TIMESTAMP_HEADER = "X-Lianxin-Timestamp"
DELIVERY_TIMEOUT = 10  # seconds a receiver gets to answer
LOOKBACK = dt.timedelta(days=7)  # events this old are never collected for the first time


def hash_key(raw: str) -> str:
    # Keys are 32 random bytes, so a fast hash is enough (a slow one guards guessable passwords).
    return hashlib.sha256(raw.encode()).hexdigest()


# --- API keys -------------------------------------------------------------------------------------
@transaction.atomic
def api_key_create(*, town: Town, name: str, channel: str = Channel.HOTLINE) -> tuple[ApiKey, str]:
    """Issue a key for a system of ``town``; the plain key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the system this key is for.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose a known channel.")})
    if ApiKey.objects.filter(town=town, name=name).exists():
        raise ValidationError({"name": _("This town already has a key with this name.")})
    secret = secrets.token_urlsafe(32)
    raw = f"{KEY_PREFIX}{secret}"
    account = SystemAccount.objects.create_system_account(
        username=f"system-{town.code}-{secrets.token_hex(4)}", display_name=name, town=town
    )
    key = ApiKey.objects.create(
        town=town,
        name=name,
        prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=hash_key(raw),
        channel=channel,
        account=account,
        created_at=clock.now(),
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> ApiKey:
    """A revoked key is refused at once; its account stays so that its records keep their author."""
    if key.revoked_at is None:
        key.revoked_at = clock.now()
        key.save(update_fields=["revoked_at"])
        SystemAccount.objects.filter(pk=key.account_id).update(is_active=False)
    return key


def api_key_rotate(*, town: Town, name: str, channel: str = Channel.HOTLINE) -> tuple[ApiKey, str]:
    """Revoke the key of this name (if any) and issue a new one under the same name."""
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().filter(town=town, name=name).first()
        if old is not None:
            api_key_revoke(key=old)
            old.name = f"{name} · {old.prefix} {old.revoked_at:%Y%m%d%H%M%S}"[:60]
            old.save(update_fields=["name"])
        return api_key_create(town=town, name=name, channel=channel)


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The active key for this plain text, with its account; None for an unknown or revoked key."""
    if not raw or not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    key = ApiKey.objects.select_related("town", "account").filter(key_hash=hash_key(raw)).first()
    if key is None or key.revoked_at is not None:
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=5):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)  # throttled: not a write per request
    return key


# --- idempotency ----------------------------------------------------------------------------------
def idempotency_begin(*, client: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Take the key for this request: None when taken, else the record of the request that holds it."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(
                client=client, key=key, fingerprint=fingerprint, created_at=clock.now()
            )
    except IntegrityError:
        return IdempotencyRecord.objects.filter(client=client, key=key).first()
    return None


def idempotency_finish(*, client: str, key: str, status_code: int, response: Any) -> None:
    IdempotencyRecord.objects.filter(client=client, key=key).update(
        state=IdempotencyRecord.State.DONE, status_code=status_code, response=response
    )


def idempotency_abandon(*, client: str, key: str, stale_before: dt.datetime | None = None) -> None:
    """The first attempt did not succeed (4xx, 5xx, a crash): let a retry start afresh."""
    rows = IdempotencyRecord.objects.filter(client=client, key=key, state=IdempotencyRecord.State.IN_PROGRESS)
    if stale_before is not None:
        rows = rows.filter(created_at__lt=stale_before)
    rows.delete()


def idempotency_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    return IdempotencyRecord.objects.filter(created_at__lt=clock.now() - older_than).delete()[0]


# --- webhooks -------------------------------------------------------------------------------------
def webhook_subscribe(
    *, town: Town, name: str, url: str, channel: str = Channel.HOTLINE
) -> tuple[WebhookSubscription, str]:
    """Subscribe a receiver; the signing secret is returned (and shown) once, and kept encrypted."""
    try:
        outbound.validate_url(url)  # and again at each delivery: what the name resolves to may change
    except ValidationError as exc:
        raise ValidationError({"url": exc.messages}) from exc
    if WebhookSubscription.objects.filter(town=town, name=name).exists():
        raise ValidationError({"name": _("This town already has a webhook with this name.")})
    secret = secrets.token_urlsafe(32)
    sub = WebhookSubscription.objects.create(
        town=town, name=name, url=url, secret=secret, channel=channel, created_at=clock.now()
    )
    return sub, secret


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``"<timestamp>.<body>"``: a replayed old body fails the check."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def event_payload(event: DemandEvent) -> dict[str, Any]:
    """What a receiver is told: the event, and where the demand now stands (Open311 terms beside ours)."""
    from .open311 import request_status, status_notes

    demand = event.demand
    assignment = getattr(demand, "assignment", None)
    return {
        "event_id": event.pk,
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "note": event.note,
        "at": event.at,
        "demand": {
            "code": demand.code,
            "service_request_id": demand.code,
            "status": demand.status,
            "open311_status": request_status(demand),
            "status_notes": status_notes(demand),
            "agency_responsible": str(assignment.department) if assignment else "",
            "due_at": assignment.due_at if assignment else None,
            "outcome": demand.outcome,
            "closing_note": demand.closing_note,
        },
    }


def webhooks_collect(*, limit: int = 500) -> int:
    """Queue a delivery for each new event of a subscribed channel; return how many were queued.

    No cursor: a cursor on event ids would skip an event whose transaction committed after a later id had
    been read. Instead each pass looks for events (since the subscription began, within ``LOOKBACK``) that
    have no delivery row yet; the unique (subscription, event) pair makes two passes at once harmless.
    Each delivery is sent by the one outbound queue: an outbox row of channel ``webhook`` in the
    subscription's stream, in event order.
    """
    queued = 0
    horizon = clock.now() - LOOKBACK
    for sub in WebhookSubscription.objects.filter(active=True):
        since = max(sub.created_at, horizon)
        events = list(
            DemandEvent.objects.filter(town_id=sub.town_id, demand__channel=sub.channel, at__gte=since)
            .exclude(pk__in=WebhookDelivery.objects.filter(subscription=sub).values("event_id"))
            .select_related("demand", "demand__assignment__department")
            .order_by("pk")[:limit]
        )
        if not events:
            continue
        with transaction.atomic():
            outbox = OutboxMessage.objects.bulk_create(
                [
                    OutboxMessage(
                        town_id=sub.town_id,
                        channel=ChannelName.WEBHOOK,
                        subject=f"demand.{ev.action}"[:120],
                        body="",
                        created_at=clock.now(),
                        stream=stream_of(sub),
                        sequence=ev.pk,
                    )
                    for ev in events
                ]
            )
            rows = [
                WebhookDelivery(
                    town_id=sub.town_id,
                    subscription=sub,
                    event=ev,
                    message=msg,
                    payload=json.loads(json.dumps(event_payload(ev), cls=DjangoJSONEncoder)),
                    created_at=clock.now(),
                )
                for ev, msg in zip(events, outbox, strict=True)
            ]
            made = WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        queued += len(made)
    return queued


def stream_of(sub: WebhookSubscription) -> str:
    """The outbox stream of a subscription: its deliveries are sent one after another, in event order."""
    return f"webhook:{sub.pk}"


def _post(sub: WebhookSubscription, delivery: WebhookDelivery) -> int:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Lianxin-Webhook/1",
        "X-Lianxin-Event": f"demand.{delivery.payload.get('action', '')}",
        "X-Lianxin-Delivery": str(delivery.pk),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(sub.secret, timestamp, body),
    }
    return outbound.post(sub.url, body, headers=headers, timeout=DELIVERY_TIMEOUT).status


def webhook_retry_now(*, deliveries: Any) -> int:
    """From the admin: try these pending deliveries at the next pass instead of waiting out the backoff."""
    pending = deliveries.filter(status=DeliveryStatus.PENDING).values("message")
    return outbox_retry_now(messages=OutboxMessage.objects.filter(pk__in=pending))


def webhook_send(*, delivery: WebhookDelivery) -> None:
    """Post one delivery to its receiver (the webhook channel calls this for its outbox row), under the outbound
    rule (``core/outbound.py``: the address is checked again now). Anything but a 2xx answer raises: the
    outbox keeps the generic text for the delivery list, logs the detail, and tries again after its back-off."""
    sub = delivery.subscription
    if not sub.active:  # paused in the admin: tried again later, as a receiver that is down would be
        raise DeliveryError(gettext_noop("subscription paused"))
    try:
        code = _post(sub, delivery)
    except outbound.OutboundError as exc:
        if exc.status is not None:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(last_status_code=exc.status)
        raise
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=clock.now(), last_status_code=code
    )
