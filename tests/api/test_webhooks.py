"""Hotline write-back: signed deliveries that survive a receiver that is down and comes back."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.utils import timezone

from lianxin.api import tasks
from lianxin.api.models import DeliveryStatus, WebhookDelivery
from lianxin.api.services import webhook_subscribe
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on 127.0.0.1; ``fail_next`` answers 500 that many times first."""

    def __init__(self, port: int) -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.fail_next = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.fail_next:
                    outer.fail_next -= 1
                    self.send_response(500)
                else:
                    outer.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def verify(secret: str, headers: dict, body: bytes) -> bool:
    ts = headers["X-Lianxin-Timestamp"]
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Lianxin-Signature"], f"sha256={mac}")


def test_deliveries_wait_for_a_receiver_that_is_down_then_arrive_in_order(loop, client):
    port = free_port()
    _sub, secret = webhook_subscribe(town=loop.town, name="12345", url=f"http://127.0.0.1:{port}/hook")
    hotline_demand = loop.closed(channel="hotline")
    loop.closed()  # a demand of another channel is not reported

    tasks.pump_webhooks()  # nobody listens: connection refused
    pending = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
    assert pending.count() == 7  # record, claim, assign, accept, complete, evaluate, close
    head = pending.order_by("event_id").first()
    assert head.attempts == 1 and head.last_error
    assert pending.filter(message__attempts=0).count() == 6  # the rest wait behind the head, in order
    client.force_login(UserFactory(role="system_admin", town=None, is_staff=True, is_superuser=True))
    page = client.get("/admin/api/webhookdelivery/?state=failing")
    assert page.status_code == 200 and b"Connection refused" in page.content

    receiver = Receiver(port)
    try:
        tasks.pump_webhooks()  # up again, but the head is backing off: nothing yet
        assert receiver.received == []
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=True):
            receiver.fail_next = 1  # one more hiccup: a 500
            tasks.pump_webhooks()
            assert receiver.received == []
            assert WebhookDelivery.objects.get(pk=head.pk).last_status_code == 500
        with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=True):
            tasks.pump_webhooks()
    finally:
        receiver.stop()

    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()
    bodies = [json.loads(body) for _headers, body in receiver.received]
    assert [b["action"] for b in bodies] == [
        "record",
        "claim",
        "assign",
        "accept",
        "complete",
        "evaluate",
        "close",
    ]
    assert {b["demand"]["code"] for b in bodies} == {hotline_demand.code}
    assert bodies[-1]["demand"]["open311_status"] == "closed"
    assert bodies[2]["demand"]["agency_responsible"] == str(loop.department)
    assert all(verify(secret, headers, body) for headers, body in receiver.received)
    assert not verify("wrong", *receiver.received[0])
    # nothing is sent twice
    tasks.pump_webhooks()
    assert len(receiver.received) == 7


def test_a_new_event_after_delivery_is_sent_once(loop):
    port = free_port()
    receiver = Receiver(port)
    try:
        webhook_subscribe(town=loop.town, name="12345", url=f"http://127.0.0.1:{port}/")
        demand = loop.claimed(channel="hotline")
        tasks.pump_webhooks()
        assert len(receiver.received) == 2
        from lianxin.demands import services

        services.demand_decline(demand=demand, actor=loop.deputy, reason="不属于本镇事权")
        tasks.pump_webhooks()
        tasks.pump_webhooks()
    finally:
        receiver.stop()
    actions = [json.loads(b)["action"] for _h, b in receiver.received]
    assert actions == ["record", "claim", "decline"]


def test_webhook_deliveries_are_rows_of_the_one_outbound_queue(loop):
    """The outbox's worker sends them, with the webhook channel's back-off, in the subscription's order."""
    from lianxin.api.services import webhooks_collect
    from lianxin.notify.models import OutboxMessage
    from lianxin.notify.services import outbox_deliver

    port = free_port()
    sub, _secret = webhook_subscribe(town=loop.town, name="12345", url=f"http://127.0.0.1:{port}/")
    loop.claimed(channel="hotline")
    outbox_deliver()  # the demand's notices, sent by the same queue
    assert webhooks_collect() == 2
    rows = OutboxMessage.objects.filter(channel="webhook").order_by("sequence")
    assert [r.stream for r in rows] == [f"webhook:{sub.pk}"] * 2
    assert [d.message_id for d in WebhookDelivery.objects.order_by("event_id")] == [r.pk for r in rows]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox_deliver() == 0  # nobody listens
    head, second = rows.all()  # read again
    assert head.attempts == 1 and head.next_attempt_at == start + dt.timedelta(seconds=10)
    assert second.attempts == 0, "the second waits behind the first"
    receiver = Receiver(port)
    try:
        with time_machine.travel(start + dt.timedelta(seconds=11), tick=False):
            assert outbox_deliver() == 2  # both webhook rows, nothing else was waiting
    finally:
        receiver.stop()
    assert [json.loads(b)["action"] for _h, b in receiver.received] == ["record", "claim"]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
