"""The rules before a text goes through a real gateway: a daily cap per number, quiet hours for citizens
(sign-in codes excepted), opt-out (a reply of TD, or the administrator's action); and the templates the
demand's notices carry. Against the local fake gateways (tests/notify/fake_sms.py), through the outbox worker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.accounts.services import login_code_send
from lianxin.core.clock import now
from lianxin.demands.services import demand_record
from lianxin.notify import channels
from lianxin.notify.models import OutboxMessage, OutboxStatus, SMSDelivery, SMSOptOut
from lianxin.notify.services import notify, outbox_deliver
from lianxin.notify.sms import CAPPED, OPTED_OUT, QUIET, callback_token, poll_receipts
from lianxin.ops.figures import outbox_oldest_age
from tests.factories import CategoryFactory, UserFactory

from .fake_sms import FakeAliyun, FakeTencent
from .test_sms_gateways import DAYTIME, PHONE, TOWN, receipt, template_ids, use_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture
def aliyun(settings):
    fake = FakeAliyun()
    use_gateway(settings, "aliyun", fake)
    yield fake
    fake.stop()
    channels.backend.cache_clear()


@pytest.fixture
def tencent(settings):
    fake = FakeTencent()
    use_gateway(settings, "tencent", fake)
    yield fake
    fake.stop()
    channels.backend.cache_clear()


def test_a_number_gets_at_most_the_daily_cap_of_notice_texts(aliyun, town, settings):
    settings.SMS_DAILY_CAP_PER_NUMBER = 2
    with time_machine.travel(DAYTIME, tick=True):
        rows = [receipt(town, f"HJ-{i}") for i in range(3)]
        outbox_deliver()
        login_code_send(town=town, phone=PHONE)  # asked for by the person: not capped
    states = [OutboxMessage.objects.get(pk=r.pk) for r in rows]
    assert [(r.status, r.last_error) for r in states] == [
        (OutboxStatus.SENT, ""),
        (OutboxStatus.SENT, ""),
        (OutboxStatus.FAILED, CAPPED),
    ]
    assert [s["params"].get("code") for s in aliyun.sent][:2] == ["HJ-0", "HJ-1"]
    assert len(aliyun.sent) == 3 and "minutes" in aliyun.sent[2]["params"]
    with time_machine.travel(DAYTIME + dt.timedelta(days=1), tick=True):  # a new day, a new count
        receipt(town, "HJ-9")
        assert outbox_deliver() == 1


def test_citizens_are_not_texted_in_quiet_hours_but_the_text_waits_for_the_morning(aliyun, town, persona):
    night = dt.datetime(2026, 12, 7, 22, 30, tzinfo=TOWN)
    staff = persona(Role.DEPARTMENT, phone="13700002222")
    with time_machine.travel(night, tick=True):
        citizen_row = receipt(town)
        staff_rows = notify(
            town_id=town.pk,
            users=[staff],
            subject="交办",
            body="b",
            sms=True,
            template="reminder",
            params={"code": "HJ-7"},
        )
        outbox_deliver()
        login_code_send(town=town, phone=PHONE)  # a sign-in code is wanted now
    citizen_row.refresh_from_db()
    assert (citizen_row.status, citizen_row.attempts, citizen_row.last_error) == (
        OutboxStatus.PENDING,
        0,
        QUIET,
    )
    assert citizen_row.next_attempt_at == dt.datetime(2026, 12, 8, 8, 0, tzinfo=TOWN)
    staff_sms = next(r for r in staff_rows if r.channel == "sms")
    assert OutboxMessage.objects.get(pk=staff_sms.pk).status == OutboxStatus.SENT, "staff are texted at night"
    assert sorted(s["phone"] for s in aliyun.sent) == ["13700002222", PHONE]  # the code, and the staff's text
    with time_machine.travel(dt.datetime(2026, 12, 8, 7, 59, tzinfo=TOWN), tick=True):
        assert outbox_deliver() == 0
        assert outbox_oldest_age(now()) is None, "a text held for the morning is not outbox lag"
    with time_machine.travel(dt.datetime(2026, 12, 8, 8, 0, 1, tzinfo=TOWN), tick=True):
        assert outbox_deliver() == 1
    citizen_row.refresh_from_db()
    assert citizen_row.status == OutboxStatus.SENT


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_reply_of_td_to_the_callback_stops_notice_texts_but_not_sign_in_codes(
    provider, settings, town, client
):
    fake = FakeAliyun() if provider == "aliyun" else FakeTencent()
    use_gateway(settings, provider, fake)
    try:
        with time_machine.travel(DAYTIME, tick=True):
            url = reverse("notify:sms_reply", args=[provider, callback_token()])
            answer = client.post(
                url, json.dumps(fake.reply_push(PHONE, " td ")), content_type="application/json"
            )
            assert answer.status_code == 200
            row = receipt(town)
            outbox_deliver()
            login_code_send(town=town, phone=PHONE)
        row.refresh_from_db()
        assert (row.status, row.last_error) == (OutboxStatus.FAILED, OPTED_OUT)
        assert SMSOptOut.objects.get().source == "reply"
        [code] = fake.sent
        assert code["template"] == template_ids(provider)["login_code"][provider], (
            "the sign-in code still goes"
        )
    finally:
        fake.stop()
        channels.backend.cache_clear()


def test_any_other_reply_opts_nobody_out(aliyun, town, client):
    url = reverse("notify:sms_reply", args=["aliyun", callback_token()])
    client.post(url, json.dumps(aliyun.reply_push(PHONE, "谢谢，已收到")), content_type="application/json")
    assert not SMSOptOut.objects.exists()


def test_tencent_s_replies_are_also_polled(tencent, town):
    tencent.replies.append((PHONE, "TD"))
    with time_machine.travel(DAYTIME, tick=True):
        poll_receipts()
        row = receipt(town)
        outbox_deliver()
    row.refresh_from_db()
    assert row.last_error == OPTED_OUT and tencent.sent == []


def test_the_presidium_records_an_opt_out_from_the_outbox(aliyun, town, persona, client):
    """A citizen who asks at the office (or by phone) to get no more texts: the outbox admin's action."""
    client.force_login(persona(Role.PRESIDIUM))
    with time_machine.travel(DAYTIME, tick=True):
        first = receipt(town)
        outbox_deliver()
        client.post(
            reverse("admin:notify_outboxmessage_changelist"),
            {"action": "stop_texts", "_selected_action": [first.pk]},
        )
        later = receipt(town, "HJ-2")
        outbox_deliver()
    later.refresh_from_db()
    assert SMSOptOut.objects.get().source == "admin"
    assert (later.status, later.last_error) == (OutboxStatus.FAILED, OPTED_OUT)
    assert len(aliyun.sent) == 1


def test_a_recorded_demand_texts_the_citizen_its_receipt_template_with_the_code(aliyun, town):
    with time_machine.travel(DAYTIME, tick=True):
        demand = demand_record(
            town=town,
            recorded_by=UserFactory(role=Role.DEPUTY, town=town),
            channel="deputy_visit",
            category=CategoryFactory(town=town),
            title="路灯不亮",
            description="村口路灯坏了三天",
            requester_name="王大伯",
            requester_phone=PHONE,
            consent=True,
        )
        outbox_deliver()
    row = OutboxMessage.objects.get(channel="sms")
    assert (row.template, row.params) == ("receipt", {"code": demand.code})
    assert aliyun.sent[0]["params"] == {"code": demand.code}
    assert SMSDelivery.objects.get(message=row).template == "receipt"


def test_the_file_backend_still_writes_every_text_to_the_log(settings, tmp_path, town):
    settings.SMS_FILE = tmp_path / "sms.log"
    channels.backend.cache_clear()
    with time_machine.travel(dt.datetime(2026, 12, 7, 23, 0, tzinfo=TOWN)):  # no quiet hours for the file
        notify(town_id=town.pk, subject="自由文本", body="没有模板也写", sms_to=PHONE)
        outbox_deliver()
    assert "没有模板也写" in (tmp_path / "sms.log").read_text()
