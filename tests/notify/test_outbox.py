"""The outbox: queued with the change, delivered by the worker, retried with backoff, never lost."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from lianxin.notify import channels
from lianxin.notify.channels import DeliveryError
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.notify.services import MAX_ATTEMPTS, notify, outbox_deliver

pytestmark = pytest.mark.django_db


class FlakySMS:
    """A gateway that is down while ``down`` is set; delivered texts are kept in ``sent``."""

    down = False
    sent: list[dict] = []

    def send(self, *, to, subject, body):
        if FlakySMS.down:
            raise DeliveryError("gateway unreachable")
        FlakySMS.sent.append({"to": to, "subject": subject})


@pytest.fixture
def flaky_sms(settings):
    settings.SMS_BACKEND = f"{__name__}.FlakySMS"
    channels.backend.cache_clear()
    FlakySMS.down, FlakySMS.sent = False, []
    yield FlakySMS
    channels.backend.cache_clear()


def test_in_app_message_becomes_a_notification_and_the_bell_counts_it(client, persona, town):
    user = persona("deputy")
    notify(town_id=town.pk, users=[user], subject="新诉求", body="路灯", url="/demands/X/")
    assert not Notification.objects.exists(), "nothing is delivered before the worker runs"
    assert outbox_deliver() == 1
    assert Notification.objects.get(user=user).subject == "新诉求"
    client.force_login(user)
    html = client.get("/", follow=True).content.decode()
    assert 'data-unread-info title="供参考">1<' in html  # a notice without action: "for information"
    client.post("/notifications/read/")
    html = client.get("/", follow=True).content.decode()
    assert "data-unread-info" not in html and 'data-unread-action title="需要我处理">0<' in html


def test_sms_goes_to_the_file_backend_by_default(settings, tmp_path, town, persona):
    settings.SMS_FILE = tmp_path / "sms.log"
    channels.backend.cache_clear()
    notify(town_id=town.pk, subject="您的诉求已受理", body="编号 123", sms_to="13900001111")
    outbox_deliver()
    line = json.loads((tmp_path / "sms.log").read_text().splitlines()[0])
    assert line["to"] == "13900001111" and "您的诉求已受理" in line["text"]
    channels.backend.cache_clear()


def test_a_gateway_that_is_down_is_retried_with_backoff_until_it_comes_back(flaky_sms, town):
    flaky_sms.down = True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        notify(town_id=town.pk, subject="s", body="b", sms_to="13900002222")
        assert outbox_deliver() == 0
    msg = OutboxMessage.objects.get()
    assert msg.status == "pending" and msg.attempts == 1 and "unreachable" in msg.last_error
    first_retry = msg.next_attempt_at
    assert first_retry > start
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        assert outbox_deliver() == 0
        assert OutboxMessage.objects.get().attempts == 1, "not retried before its time"
    with time_machine.travel(first_retry + dt.timedelta(seconds=1), tick=False):
        outbox_deliver()
    msg.refresh_from_db()
    assert msg.attempts == 2 and msg.next_attempt_at - first_retry > first_retry - start, "backoff grows"
    flaky_sms.down = False
    with time_machine.travel(msg.next_attempt_at + dt.timedelta(seconds=1), tick=False):
        assert outbox_deliver() == 1
    msg.refresh_from_db()
    assert msg.status == "sent" and flaky_sms.sent == [{"to": "13900002222", "subject": "s"}]


def test_after_max_attempts_a_message_is_marked_failed_not_dropped(flaky_sms, town):
    flaky_sms.down = True
    notify(town_id=town.pk, subject="s", body="b", sms_to="13900003333")
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            outbox_deliver()
        moment = OutboxMessage.objects.get().next_attempt_at + dt.timedelta(seconds=1)
    msg = OutboxMessage.objects.get()
    assert msg.status == "failed" and msg.attempts == MAX_ATTEMPTS


def test_delivery_is_kicked_off_when_the_change_commits(town, persona, django_capture_on_commit_callbacks):
    user = persona("presidium")
    with django_capture_on_commit_callbacks(execute=True):
        notify(town_id=town.pk, users=[user], subject="s", body="b")
    assert Notification.objects.filter(user=user).count() == 1  # huey runs inline in tests


def test_email_goes_through_the_same_outbox(town, persona, mailoutbox):
    user = persona("department", email="chengguan@example.org")
    notify(town_id=town.pk, users=[user], subject="新交办", body="请签收", email=True)
    outbox_deliver()
    assert [m.to for m in mailoutbox] == [["chengguan@example.org"]]
    assert OutboxMessage.objects.filter(channel="email", status="sent").count() == 1


def test_one_delivery_task_per_transaction(town, persona, django_capture_on_commit_callbacks):
    user = persona("deputy")
    with django_capture_on_commit_callbacks() as callbacks:
        for i in range(5):
            notify(town_id=town.pk, users=[user], subject=f"s{i}", body="b")
    assert len(callbacks) == 1


def test_addresses_are_encrypted_at_rest(town):
    from django.db import connection

    notify(town_id=town.pk, subject="s", body="b", sms_to="13955556666")
    with connection.cursor() as c:
        c.execute("SELECT address FROM notify_outboxmessage")
        (stored,) = c.fetchone()
    assert "13955556666" not in stored
    assert OutboxMessage.objects.get().address == "13955556666"


def test_a_backlog_longer_than_a_batch_is_delivered_in_one_run(town, persona):
    user = persona("deputy")
    for i in range(7):
        notify(town_id=town.pk, users=[user], subject=f"s{i}", body="b")
    assert outbox_deliver(batch=3) == 7
    assert Notification.objects.filter(user=user).count() == 7


def test_the_outbox_admin_shows_a_texts_phone_masked_to_the_presidium(client, loop):
    """The presidium reads the outbox (a case file) in the admin; the number a text went to stays masked."""
    from lianxin.notify.models import OutboxMessage

    msg = OutboxMessage.objects.create(
        town=loop.town, channel="sms", address="13912345678", subject="诉求已受理", body="您的诉求已受理"
    )
    client.force_login(loop.presidium)
    page = client.get(f"/admin/notify/outboxmessage/{msg.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "13912345678" not in html and "139****5678" in html
