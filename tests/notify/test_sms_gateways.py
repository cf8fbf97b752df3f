"""Alibaba Cloud and Tencent Cloud SMS, each through its real SDK against a local fake of its HTTP API (which
checks the request's signature): templates and the signature, receipts by callback and by polling, permanent
errors failed at once, transient ones (5xx, throttling, timeout) retried with the outbox's back-off."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from lianxin.core.clock import now
from lianxin.notify import channels
from lianxin.notify.models import OutboxMessage, OutboxStatus, SMSDelivery, SMSStatus
from lianxin.notify.services import notify, outbox_deliver
from lianxin.notify.sms import (
    BUSY,
    DAILY_LIMIT,
    NO_TEMPLATE,
    REFUSED,
    TEMPLATES,
    callback_token,
    poll_receipts,
)

from .fake_sms import KEY_ID, SECRET, FakeAliyun, FakeTencent

pytestmark = pytest.mark.django_db

TOWN = zoneinfo.ZoneInfo("Asia/Shanghai")
DAYTIME = dt.datetime(2026, 12, 7, 10, 0, tzinfo=TOWN)
PHONE = "13900001111"
BACKENDS = {
    "aliyun": "lianxin.notify.sms.AliyunSMSBackend",
    "tencent": "lianxin.notify.sms.TencentSMSBackend",
}


def template_ids(provider: str) -> dict[str, dict[str, str]]:
    return {
        name: {"aliyun": f"SMS_{4000 + i}", "tencent": str(2000 + i)}
        for i, name in enumerate(sorted(TEMPLATES))
    }


def use_gateway(settings, provider: str, fake, *, secret: str = SECRET) -> None:
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    # Generous, so that a busy machine never turns a slow answer into a "timeout"; the timeout test sets its own.
    settings.SMS_TIMEOUT_SECONDS = 30
    settings.SMS_SIGN_NAME = "获嘉人大"
    settings.SMS_TEMPLATES = template_ids(provider)
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_ALIYUN_ACCESS_KEY_SECRET = KEY_ID, secret
    settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY = KEY_ID, secret
    settings.SMS_TENCENT_APP_ID = FakeTencent.app_id
    settings.SMS_ALIYUN_ENDPOINT = settings.SMS_TENCENT_ENDPOINT = fake.endpoint
    settings.SMS_BACKEND = BACKENDS[provider]
    channels.backend.cache_clear()


@pytest.fixture(params=["aliyun", "tencent"])
def gateway(request, settings):
    fake = FakeAliyun() if request.param == "aliyun" else FakeTencent()
    fake.provider = request.param
    use_gateway(settings, request.param, fake)
    with time_machine.travel(DAYTIME, tick=True):
        yield fake
    fake.stop()
    channels.backend.cache_clear()


def receipt(town, code: str = "HJ-0001") -> OutboxMessage:
    [row] = notify(
        town_id=town.pk,
        subject="受理",
        body="诉求已受理",
        sms_to=PHONE,
        template="receipt",
        params={"code": code},
    )
    return row


def sent_values(fake) -> object:
    return fake.sent[-1]["params"]


def test_a_notice_goes_as_its_template_with_the_signature(gateway, town):
    row = receipt(town)
    assert outbox_deliver() == 1
    [sent] = gateway.sent
    assert gateway.bad_signatures == 0
    assert sent["sign"] == "获嘉人大"
    assert sent["template"] == template_ids(gateway.provider)["receipt"][gateway.provider]
    if gateway.provider == "aliyun":
        assert sent["phone"] == PHONE and sent["params"] == {"code": "HJ-0001"}
    else:
        assert sent["phone"] == f"+86{PHONE}" and sent["params"] == ["HJ-0001"]
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    delivery = SMSDelivery.objects.get(message=row)
    assert (delivery.status, delivery.gateway_id) == (SMSStatus.ACCEPTED, sent["id"])


def test_tencent_gets_the_variables_in_the_template_s_order(settings, town):
    fake = FakeTencent()
    use_gateway(settings, "tencent", fake)
    try:
        with time_machine.travel(DAYTIME, tick=True):
            notify(
                town_id=town.pk,
                subject="已办结",
                body="请评价",
                sms_to=PHONE,
                template="completed",
                params={"url": "https://lx.example/t/HJ-2", "code": "HJ-2", "title": "not sent"},
            )
            outbox_deliver()
        assert fake.sent[0]["params"] == ["HJ-2", "https://lx.example/t/HJ-2"]
    finally:
        fake.stop()


def test_the_receipt_posted_to_the_callback_is_stored_on_the_message(gateway, town, client):
    row = receipt(town)
    other = receipt(town, "HJ-0002")
    outbox_deliver()
    gateway.undelivered.add(gateway.sent[1]["id"])
    url = reverse("notify:sms_report", args=[gateway.provider, callback_token()])
    answer = client.post(url, gateway.report_push(), content_type="application/json")
    assert answer.status_code == 200
    assert answer.json() == (
        {"code": 0, "msg": "接收成功"} if gateway.provider == "aliyun" else {"result": 0, "errmsg": "OK"}
    )
    delivered, undelivered = SMSDelivery.objects.get(message=row), SMSDelivery.objects.get(message=other)
    assert delivered.status == SMSStatus.DELIVERED and delivered.reported_at is not None
    assert undelivered.status == SMSStatus.UNDELIVERED and undelivered.code == "MK:0001"


def test_a_callback_without_the_token_changes_nothing(gateway, town, client, settings):
    row = receipt(town)
    outbox_deliver()
    wrong = reverse("notify:sms_report", args=[gateway.provider, "guessed-token"])
    assert client.post(wrong, gateway.report_push(), content_type="application/json").status_code == 404
    settings.SMS_CALLBACK_NETWORKS = [
        "203.0.113.0/24"
    ]  # the gateway's documented sources, not the test client
    right = reverse("notify:sms_report", args=[gateway.provider, callback_token()])
    assert client.post(right, gateway.report_push(), content_type="application/json").status_code == 404
    assert SMSDelivery.objects.get(message=row).status == SMSStatus.ACCEPTED


def test_the_receipt_is_polled_where_the_gateway_keeps_it(gateway, town):
    row = receipt(town)
    other = receipt(town, "HJ-0002")
    outbox_deliver()
    gateway.undelivered.add(gateway.sent[1]["id"])
    assert poll_receipts() == 2
    assert SMSDelivery.objects.get(message=row).status == SMSStatus.DELIVERED
    assert SMSDelivery.objects.get(message=other).status == SMSStatus.UNDELIVERED
    expected = "QuerySendDetails" if gateway.provider == "aliyun" else "PullSmsSendStatus"
    assert expected in gateway.calls


def test_a_permanent_error_fails_the_text_at_once(gateway, town):
    gateway.script = ["permanent"]
    row = receipt(town)
    outbox_deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.FAILED, 1, REFUSED)
    refused = SMSDelivery.objects.get(message=row)
    assert refused.status == SMSStatus.REFUSED
    assert refused.code in ("isv.MOBILE_NUMBER_ILLEGAL", "InvalidParameterValue.IncorrectPhoneNumber")
    with time_machine.travel(DAYTIME + dt.timedelta(hours=3)):
        outbox_deliver()
    assert gateway.calls.count("SendSms") == 1, "never tried again"


@pytest.mark.parametrize("trouble", ["500", "throttle", "timeout"])
def test_a_transient_error_is_retried_with_back_off_then_sent(gateway, town, trouble, settings):
    if trouble == "timeout":  # the fake answers after ``slow`` seconds: the client gives up well before
        settings.SMS_TIMEOUT_SECONDS = gateway.slow / 4
        channels.backend.cache_clear()
    gateway.script = [trouble]
    row = receipt(town)
    outbox_deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.PENDING, 1, BUSY)
    wait = row.next_attempt_at - now()
    assert dt.timedelta(seconds=20) < wait <= dt.timedelta(seconds=30), "the first back-off step"
    assert outbox_deliver() == 0, "not before its time"
    with time_machine.travel(row.next_attempt_at + dt.timedelta(seconds=1), tick=True):
        assert outbox_deliver() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert len(gateway.sent) == 1
    assert SMSDelivery.objects.get(message=row).status == SMSStatus.ACCEPTED


def test_a_redirect_from_the_gateway_is_not_followed(gateway, town):
    gateway.script = ["redirect"]
    row = receipt(town)
    outbox_deliver()
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and gateway.redirected_to == 0


def test_the_fake_refuses_a_wrong_signature_and_the_text_fails(settings, town):
    for provider, fake in (("aliyun", FakeAliyun()), ("tencent", FakeTencent())):
        use_gateway(settings, provider, fake, secret="not-the-secret")
        try:
            with time_machine.travel(DAYTIME, tick=True):
                row = receipt(town)
                outbox_deliver()
            row.refresh_from_db()
            assert fake.bad_signatures == 1 and fake.sent == []
            assert row.status == OutboxStatus.FAILED, "an authentication error is not retried"
        finally:
            fake.stop()
    channels.backend.cache_clear()


def test_tencent_s_daily_limit_for_a_number_waits_for_tomorrow_morning(settings, town):
    fake = FakeTencent()
    use_gateway(settings, "tencent", fake)
    fake.script = ["daily"]
    try:
        with time_machine.travel(DAYTIME, tick=True):
            row = receipt(town)
            outbox_deliver()
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == (OutboxStatus.PENDING, 0, DAILY_LIMIT)
        assert row.next_attempt_at == dt.datetime(2026, 12, 8, 8, 0, tzinfo=TOWN)
    finally:
        fake.stop()
        channels.backend.cache_clear()


def test_a_notice_without_a_template_is_not_texted_through_a_gateway(gateway, town):
    [row] = notify(town_id=town.pk, subject="自由文本", body="网关不收自由文本", sms_to=PHONE)
    outbox_deliver()
    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, NO_TEMPLATE)
    assert gateway.calls == []


def test_a_template_the_provider_has_not_approved_is_not_texted(gateway, town, settings):
    settings.SMS_TEMPLATES = {}
    row = receipt(town)
    outbox_deliver()
    row.refresh_from_db()
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, NO_TEMPLATE)
    assert gateway.calls == []
