"""Hotline write-back: signed deliveries that survive a receiver that is down and comes back."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from lianxin.api import tasks
from lianxin.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from lianxin.api.services import webhook_subscribe
from lianxin.core import outbound
from tests.factories import UserFactory
from tests.receivers import NotHttp, free_port

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP server on 127.0.0.1; ``fail_next`` answers 500 that many times first; with ``redirect_to``
    it answers 302 to there. ``hits`` has every request's method, whatever it was answered."""

    def __init__(self, port: int, *, redirect_to: str = "") -> None:
        self.received: list[tuple[dict, bytes]] = []
        self.hits: list[str] = []
        self.fail_next = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits.append(self.command)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                elif outer.fail_next:
                    outer.fail_next -= 1
                    self.send_response(500)
                else:
                    outer.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            do_GET = do_POST  # a followed redirect would arrive as a GET

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def shown(text: str) -> bytes:
    """A stored failure text as the admin's pages show it (Chinese first)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return outbound.error_text(text).encode()


def verify(secret: str, headers: dict, body: bytes) -> bool:
    ts = headers["X-Lianxin-Timestamp"]
    mac = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["X-Lianxin-Signature"], f"sha256={mac}")


@pytest.fixture
def local_receivers(settings):
    """The receivers here listen on this machine's loopback: allowed as a town's own intranet receiver would be
    (docs/security.md, "Outbound calls"); without these settings Lianxin refuses to call them."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    return settings


def test_deliveries_wait_for_a_receiver_that_is_down_then_arrive_in_order(loop, client, local_receivers):
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
    assert page.status_code == 200 and shown(outbound.UNREACHABLE) in page.content
    # the raw error is the log's
    assert b"Connection refused" not in page.content and b"Errno" not in page.content

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


def test_a_new_event_after_delivery_is_sent_once(loop, local_receivers):
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


def test_webhook_deliveries_are_rows_of_the_one_outbound_queue(loop, local_receivers):
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


# --- the outbound rule (issue 23, item 2) ---------------------------------------------------------------------
def sysadmin_client(client):
    client.force_login(UserFactory(role="system_admin", town=None, is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    ("url", "allow_http", "advice"),
    [
        ("http://169.254.169.254/latest/meta-data/", True, outbound.PUBLIC_ONLY),
        ("https://169.254.169.254/latest/meta-data/", False, outbound.PUBLIC_ONLY),
        ("https://10.0.0.8/hook", False, outbound.PUBLIC_ONLY),
        ("https://[::1]:8080/hook", False, outbound.PUBLIC_ONLY),
        ("https://localhost/hook", False, outbound.PUBLIC_ONLY),
        ("ftp://hotline.example/hook", False, outbound.USE_HTTPS),
        ("ftp://hotline.example/hook", True, outbound.USE_HTTP_OR_HTTPS),
        ("http://1.1.1.1/hook", False, outbound.USE_HTTPS),
        ("https://hotline:secret@1.1.1.1/hook", False, outbound.NO_USERINFO),
    ],
)
def test_a_receiver_that_is_not_a_public_https_address_is_refused_when_subscribed(
    loop, settings, url, allow_http, advice
):
    settings.OUTBOUND_ALLOW_HTTP = allow_http
    with pytest.raises(ValidationError) as caught:
        webhook_subscribe(town=loop.town, name="12345", url=url)
    assert caught.value.message_dict == {"url": [str(advice)]}
    assert not WebhookSubscription.objects.exists()


def test_a_public_https_receiver_is_subscribed_without_calling_it(loop):
    sub, _secret = webhook_subscribe(town=loop.town, name="12345", url="https://1.1.1.1/lianxin")
    assert sub.url == "https://1.1.1.1/lianxin"


def test_the_admin_refuses_to_point_a_subscription_at_a_private_address(loop, client, local_receivers):
    sub, _secret = webhook_subscribe(town=loop.town, name="12345", url="https://1.1.1.1/lianxin")
    admin = sysadmin_client(client)
    page = f"/admin/api/webhooksubscription/{sub.pk}/change/"
    for url in ("http://169.254.169.254/latest/meta-data/", "https://10.0.0.8/", "ftp://1.1.1.1/"):
        answer = admin.post(page, {"name": sub.name, "url": url, "active": "on"})
        assert answer.status_code == 200, url  # the form again, with the error
        assert answer.context["adminform"].form.errors["url"], url
    sub.refresh_from_db()
    assert sub.url == "https://1.1.1.1/lianxin"
    # a town's own receiver the operator allowed is accepted
    assert (
        admin.post(page, {"name": sub.name, "url": "http://127.0.0.1:9/", "active": "on"}).status_code == 302
    )
    # and a subscription whose address is refused now can still be paused without naming a new one
    local_receivers.OUTBOUND_ALLOWED_NETWORKS = []
    assert admin.post(page, {"name": sub.name, "url": "http://127.0.0.1:9/"}).status_code == 302
    sub.refresh_from_db()
    assert not sub.active


def test_a_loopback_receiver_gets_nothing_once_its_network_is_not_allowed(loop, client, local_receivers):
    """Checked again at each delivery: the setting may change, and so may what the name resolves to."""
    port = free_port()
    receiver = Receiver(port)
    try:
        webhook_subscribe(town=loop.town, name="12345", url=f"http://127.0.0.1:{port}/hook")
        local_receivers.OUTBOUND_ALLOWED_NETWORKS = []
        loop.claimed(channel="hotline")
        tasks.pump_webhooks()
    finally:
        receiver.stop()
    assert receiver.hits == []
    head = WebhookDelivery.objects.order_by("event_id").first()
    assert head.status == DeliveryStatus.PENDING and head.last_error == outbound.REFUSED
    page = sysadmin_client(client).get("/admin/api/webhookdelivery/")
    assert shown(outbound.REFUSED) in page.content


def test_a_redirect_is_not_followed_to_another_server(loop, local_receivers):
    port, elsewhere_port = free_port(), free_port()
    elsewhere = Receiver(elsewhere_port)
    receiver = Receiver(port, redirect_to=f"http://127.0.0.1:{elsewhere_port}/stolen")
    try:
        webhook_subscribe(town=loop.town, name="12345", url=f"http://127.0.0.1:{port}/hook")
        loop.claimed(channel="hotline")
        tasks.pump_webhooks()
    finally:
        receiver.stop()
        elsewhere.stop()
    assert receiver.hits == ["POST"]  # the head of the stream, once; the rest wait behind it
    assert elsewhere.hits == []
    head = WebhookDelivery.objects.order_by("event_id").first()
    assert (head.status, head.last_status_code, head.last_error) == ("pending", 302, outbound.REDIRECTED)


def test_the_delivery_list_says_the_same_for_a_closed_port_and_an_open_one(
    loop, client, local_receivers, caplog
):
    """Otherwise the list would be a port scanner of every host the receiver's address may reach."""
    ssh, silent = NotHttp(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"), NotHttp(b"")
    try:
        for name, port in (("closed", free_port()), ("ssh", ssh.port), ("silent", silent.port)):
            webhook_subscribe(town=loop.town, name=name, url=f"http://127.0.0.1:{port}/hook")
        loop.claimed(channel="hotline")
        with caplog.at_level(logging.WARNING):
            tasks.pump_webhooks()
    finally:
        ssh.stop()
        silent.stop()
    heads = WebhookDelivery.objects.filter(message__attempts=1).select_related("message", "subscription")
    assert {d.subscription.name: d.last_error for d in heads} == {
        "closed": outbound.UNREACHABLE,
        "ssh": outbound.UNREACHABLE,
        "silent": outbound.UNREACHABLE,
    }
    page = sysadmin_client(client).get("/admin/api/webhookdelivery/?state=failing").content
    assert page.count(shown(outbound.UNREACHABLE)) == 3
    for raw in (b"refused", b"Errno", b"SSH", b"BadStatusLine", b"Remote end closed"):
        assert raw not in page
    # the outbox's own list (the presidium's) shows the same
    from django.contrib.auth.models import Permission

    presidium = loop.presidium
    presidium.is_staff = True
    presidium.save(update_fields=["is_staff"])
    presidium.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(presidium)
    outbox = client.get("/admin/notify/outboxmessage/?channel=webhook").content
    assert outbox.count(shown(outbound.UNREACHABLE)) == 3 and b"Errno" not in outbox
    # the detail is for the operator's log
    details = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(details) == 3 and any("Connection refused" in d for d in details)
