"""Texts through the two gateways a Chinese town has a contract with: Alibaba Cloud SMS and Tencent Cloud SMS.

Chinese gateways send approved templates only, never free text. A notice names its template (``TEMPLATES``
below, e.g. ``receipt``: 您的诉求已受理，编号${code}…); the outbox row carries the template's name and the
values of its variables (set when the notice is queued); ``SMS_TEMPLATES`` maps each name to the code
(Alibaba, ``SMS_…``) or id (Tencent) the provider approved. A row without a template, or whose template has no
code at the provider, is not texted: it fails at once with the reason (the file backend, the default, still
writes every message to ``var/sms.log``).

Before a text goes (``deliver``, from the SMS channel):

1. a phone that asked for no more texts (``SMSOptOut``: it replied TD, or an administrator recorded it) is
   not texted; sign-in codes, asked for by the person, still go;
2. a citizen is not texted in quiet hours (``SMS_QUIET_HOURS``, 21:00–08:00 town time): the row waits until
   they end; sign-in codes go at once;
3. a number gets at most ``SMS_DAILY_CAP_PER_NUMBER`` notice texts a day; over it the row fails, with the
   reason.

The gateway's answer decides what follows: accepted (an ``SMSDelivery`` with its id there); refused for good
(an invalid number, a template or signature not approved, no balance: failed at once, no retry); busy
(flow control, a timeout, a 5xx: tried again with the outbox's back-off); the number's daily limit at the
gateway (tried again tomorrow after quiet hours). Receipts come back by callback (``sms_views.py``) and by
polling (``poll_receipts``, every five minutes) and are stored on the delivery.

The SDKs make their own HTTP calls, so the rule of ``core/outbound.py`` is applied around them: the endpoint
is checked by ``check_url`` (https only, a public address or one of ``OUTBOUND_ALLOWED_NETWORKS``) before
every call, and their HTTP sessions follow no redirect.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_noop

from lianxin.core.clock import now
from lianxin.core.fields import lookup_hash
from lianxin.core.outbound import OutboundError, check_url

from .channels import Deferred, DeliveryError, Refused, backend
from .models import SMSDelivery, SMSOptOut, SMSStatus

log = logging.getLogger(__name__)

# Stored as they are (English), shown translated (core.outbound.error_text).
NO_TEMPLATE = gettext_noop("not texted: this notice has no SMS template approved at the gateway")
REFUSED = gettext_noop("the SMS gateway refused the text; its code is in the SMS deliveries")
BUSY = gettext_noop("the SMS gateway did not take the text now; it is tried again")
DAILY_LIMIT = gettext_noop("the gateway's daily limit for this number is reached; it is tried again tomorrow")
QUIET = gettext_noop("held for the end of quiet hours")
CAPPED = gettext_noop("not texted: this number has had its texts for today (daily cap)")
OPTED_OUT = gettext_noop("not texted: the number asked for no more texts")

STOP_WORDS = {"TD", "T", "N", "退订", "退定"}  # a reply that means "no more texts"


@dataclass(frozen=True)
class Template:
    """A text the providers approve once: its variables in order (Tencent takes a list) and our suggested
    words. ``personal``: asked for by the person (a sign-in code): no quiet hours, cap or opt-out."""

    variables: tuple[str, ...]
    text: str
    personal: bool = False


TEMPLATES: dict[str, Template] = {
    "login_code": Template(
        ("code", "minutes"), "您的验证码为${code}，${minutes}分钟内有效，请勿告诉他人。", True
    ),
    "receipt": Template(("code",), "您的诉求已受理，编号${code}。凭编号可查询办理进度并评价办理结果。"),
    "progress": Template(("code", "url"), "您的诉求${code}有新进展，详情请查看：${url}"),
    "completed": Template(("code", "url"), "您的诉求${code}已办结，请对办理结果进行评价：${url}"),
    "closed": Template(("code",), "您的诉求${code}已办结归档，感谢您的参与。"),
    "tracking_paused": Template(
        ("code",), "诉求${code}的查询码多次输错，已暂停查询15分钟。如非本人操作，信息未泄露。"
    ),
    "assignment": Template(("code", "due"), "您单位有新的交办事项${code}，请于${due}前办理。"),
    "reminder": Template(("code",), "交办事项${code}即将到期，请及时办理。"),
    "overdue": Template(("code",), "交办事项${code}已超期，请尽快办理并反馈。"),
    "deadline": Template(("code", "due"), "交办事项${code}的办理期限已调整为${due}。"),
    "rework": Template(("code", "due"), "交办事项${code}被退回重办，新的期限为${due}。"),
}


def template_values(name: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The values of a template's variables, as text, picked from the notice's facts (nothing else of them is
    stored on the row)."""
    template = TEMPLATES.get(name)
    if template is None:
        return {}
    return {var: str(params.get(var, "") or "") for var in template.variables}


def template_code(name: str, provider: str) -> str:
    return str((settings.SMS_TEMPLATES.get(name) or {}).get(provider, "") or "")


def mobile(address: str) -> str:
    """A mainland number as 11 digits (without +86)."""
    digits = "".join(c for c in address if c.isdigit() or c == "+")
    return digits.removeprefix("+86").removeprefix("0086")


# --- the rules before a text goes ----------------------------------------------------------------------------
def quiet_until(moment: dt.datetime) -> dt.datetime | None:
    """When the quiet hours around ``moment`` end (None: it is not in them)."""
    start, end = settings.SMS_QUIET_HOURS
    if start == end:
        return None
    local = timezone.localtime(moment)
    hour = local.hour
    quiet = (hour >= start or hour < end) if start > end else (start <= hour < end)
    if not quiet:
        return None
    until = local.replace(hour=end, minute=0, second=0, microsecond=0)
    return until + dt.timedelta(days=1) if until <= local else until


def tomorrow_morning(moment: dt.datetime) -> dt.datetime:
    local = timezone.localtime(moment)
    return (local + dt.timedelta(days=1)).replace(
        hour=settings.SMS_QUIET_HOURS[1], minute=0, second=0, microsecond=0
    )


def sent_today(phone_hash: str) -> int:
    """Notice texts the gateway took for this number since the town's midnight."""
    midnight = timezone.localtime(now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        SMSDelivery.objects.filter(phone_hash=phone_hash, message__isnull=False, sent_at__gte=midnight)
        .exclude(status=SMSStatus.REFUSED)
        .count()
    )


def opted_out(phone_hash: str) -> bool:
    return SMSOptOut.objects.filter(phone_hash=phone_hash).exists()


def opt_out(phones: Iterable[str], *, source: str) -> int:
    """Record that these numbers want no more texts; the count of numbers newly recorded."""
    added = 0
    for phone in phones:
        _row, created = SMSOptOut.objects.get_or_create(
            phone_hash=lookup_hash(mobile(phone)), defaults={"source": source}
        )
        added += created
    return added


def _to_citizen(msg: Any) -> bool:
    """A text to a phone without an account, or to a citizen's account (staff are texted at any hour)."""
    return msg.user_id is None or getattr(msg.user, "role", "citizen") == "citizen"


def deliver(msg: Any) -> None:
    """Text one outbox row through ``SMS_BACKEND`` (the SMS channel's delivery)."""
    gateway = backend("sms")
    if not getattr(gateway, "templated", False):  # the file and console backends: every message, as it is
        gateway.send(to=msg.address, subject=msg.subject, body=msg.body)
        return
    template = TEMPLATES.get(msg.template)
    if template is None:
        raise Refused(NO_TEMPLATE)
    phone = mobile(msg.address)
    phone_hash = lookup_hash(phone)
    if not template.personal:
        if opted_out(phone_hash):
            raise Refused(OPTED_OUT)
        if _to_citizen(msg) and (until := quiet_until(now())):
            raise Deferred(QUIET, until)
        if sent_today(phone_hash) >= settings.SMS_DAILY_CAP_PER_NUMBER:
            raise Refused(CAPPED)
    _send(gateway, town_id=msg.town_id, message=msg, phone=phone, template=msg.template, values=msg.params)


def send_now(
    *, town_id: int, to: str, subject: str, body: str, template: str, params: Mapping[str, Any]
) -> None:
    """Text at once, outside the outbox (a sign-in code: worth nothing later). A gateway's failure is logged
    and recorded; the person asks for a new code."""
    gateway = backend("sms")
    if not getattr(gateway, "templated", False):
        gateway.send(to=to, subject=subject, body=body)
        return
    try:
        _send(
            gateway,
            town_id=town_id,
            message=None,
            phone=mobile(to),
            template=template,
            values=template_values(template, params),
        )
    except (DeliveryError, OutboundError) as exc:
        log.warning("SMS %s not sent: %s", template, getattr(exc, "detail", exc))


def _send(
    gateway: Any, *, town_id: int, message: Any, phone: str, template: str, values: Mapping[str, str]
) -> None:
    record = {
        "town_id": town_id,
        "message": message,
        "provider": gateway.provider,
        "template": template,
        "phone_hash": lookup_hash(phone),
    }
    try:
        gateway_id = gateway.send_template(phone=phone, template=template, values=values)
    except GatewayRefused as exc:
        SMSDelivery.objects.create(**record, status=SMSStatus.REFUSED, code=exc.code[:80])
        raise
    SMSDelivery.objects.create(**record, status=SMSStatus.ACCEPTED, gateway_id=gateway_id)


# --- what the gateways answer --------------------------------------------------------------------------------
class GatewayRefused(Refused):
    def __init__(self, code: str) -> None:
        super().__init__(REFUSED)
        self.code = code


class GatewayBusy(DeliveryError):
    def __init__(self, code: str) -> None:
        super().__init__(BUSY)
        self.code = code


@dataclass(frozen=True)
class Report:
    """A gateway's word on one text: reached the phone or not, the operator's code, when."""

    gateway_id: str
    delivered: bool
    code: str
    at: dt.datetime | None = None


def local_time(text: str) -> dt.datetime | None:
    """A gateway's "2026-12-07 10:00:03", which is Beijing time."""
    try:
        return timezone.make_aware(dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S"))
    except (ValueError, AttributeError):
        return None


def receipts_store(provider: str, reports: Iterable[Report]) -> int:
    """Store the reports on their deliveries (a report heard twice, by callback and by polling, changes
    nothing the second time); the count of deliveries updated."""
    updated = 0
    for report in reports:
        updated += (
            SMSDelivery.objects.filter(provider=provider, gateway_id=report.gateway_id)
            .exclude(status=SMSStatus.REFUSED)
            .update(
                status=SMSStatus.DELIVERED if report.delivered else SMSStatus.UNDELIVERED,
                code=report.code[:80],
                reported_at=report.at or now(),
            )
        )
    return updated


def replies_store(replies: Iterable[tuple[str, str]]) -> int:
    """A reply of TD (退订) opts its number out."""
    return opt_out((phone for phone, text in replies if text.strip().upper() in STOP_WORDS), source="reply")


def poll_receipts() -> int:
    """Ask the gateway for the reports (and, where it keeps them, the replies) it has: the periodic task."""
    gateway: Any = backend("sms")
    if not getattr(gateway, "templated", False):
        return 0
    stored = receipts_store(gateway.provider, gateway.poll())
    replies_store(gateway.poll_replies())
    return stored


def callback_token() -> str:
    """The unguessable part of the callback URLs: neither gateway signs its callbacks."""
    return settings.SMS_CALLBACK_TOKEN or salted_hmac("lianxin.notify.sms.callback", "v1").hexdigest()[:32]


# --- the gateways -------------------------------------------------------------------------------------------
class Gateway:
    """What both backends share: the endpoint under outbound's rule, the timeout, the template's code."""

    provider = ""
    templated = True  # sends templates; the rules above apply
    endpoint_setting = ""
    transient: frozenset[str] = frozenset()
    daily: frozenset[str] = frozenset()

    def __init__(self) -> None:
        parts = urlsplit(getattr(settings, self.endpoint_setting))
        self.scheme, self.host = (parts.scheme or "https").lower(), parts.netloc or parts.path
        self.timeout = float(settings.SMS_TIMEOUT_SECONDS)

    def checked(self) -> None:
        """The endpoint passes outbound's rule now (it raises ``OutboundError``: tried again)."""
        check_url(f"{self.scheme}://{self.host}/")

    def code_for(self, template: str) -> str:
        code = template_code(template, self.provider)
        if not code:
            raise Refused(NO_TEMPLATE)
        return code

    def failure(self, code: str, detail: str = "") -> DeliveryError:
        log.warning("SMS gateway %s answered %s: %s", self.provider, code, detail)
        if code in self.daily:
            return Deferred(DAILY_LIMIT, tomorrow_morning(now()))
        if code in self.transient or self.is_transient(code):
            return GatewayBusy(code)
        return GatewayRefused(code)

    def is_transient(self, code: str) -> bool:
        raise NotImplementedError

    def send(self, *, to: str, subject: str, body: str) -> None:
        raise Refused(NO_TEMPLATE)  # free text: a real gateway takes none

    def send_template(self, *, phone: str, template: str, values: Mapping[str, str]) -> str:
        raise NotImplementedError

    def poll(self) -> list[Report]:
        return []

    def poll_replies(self) -> list[tuple[str, str]]:
        return []


def _no_redirects(session: Any) -> None:
    """A redirect from a gateway is a failure, never followed (outbound's rule 4)."""
    session.max_redirects = 0


class AliyunSMSBackend(Gateway):
    """Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms, QuerySendDetails; signed ACS3-HMAC-SHA256 by the SDK."""

    provider = "aliyun"
    endpoint_setting = "SMS_ALIYUN_ENDPOINT"
    transient = frozenset(
        {"isv.BUSINESS_LIMIT_CONTROL", "InternalError", "ServiceUnavailable", "isp.SYSTEM_ERROR"}
    )
    daily = frozenset({"isv.DAY_LIMIT_CONTROL"})

    def __init__(self) -> None:
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config
        from darabonba.core import DEFAULT_POOL_MAXSIZE, DaraCore

        super().__init__()
        ms = int(self.timeout * 1000)
        self.client = Client(
            Config(
                access_key_id=settings.SMS_ALIYUN_ACCESS_KEY_ID,
                access_key_secret=settings.SMS_ALIYUN_ACCESS_KEY_SECRET,
                endpoint=self.host,
                protocol=self.scheme,
                read_timeout=ms,
                connect_timeout=ms,
            )
        )
        # The SDK keeps one HTTP session per endpoint (keyed as darabonba keys it); made here, it follows no
        # redirect (tests/notify/test_sms_gateways.py proves it).
        key = f"{self.scheme}://{self.host}:80:pool={DEFAULT_POOL_MAXSIZE}"
        _no_redirects(DaraCore._get_session(key, self.scheme, verify=True, pool_size=DEFAULT_POOL_MAXSIZE))

    def is_transient(self, code: str) -> bool:
        return code.startswith(
            ("Throttling", "isp.", "Internal", "ServiceUnavailable")
        ) or not code.startswith(
            (
                "isv.",
                "InvalidAccessKeyId",
                "SignatureDoesNotMatch",
                "IncompleteSignature",
                "Forbidden",
                "Missing",
            )
        )

    def _call(self, method: str, request: Any) -> Any:
        from darabonba.runtime import RuntimeOptions

        self.checked()
        try:
            return getattr(self.client, method)(request, RuntimeOptions()).body
        except Exception as exc:  # the SDK's own: an HTTP error status, a timeout, a refused connection
            raise self.failure(str(getattr(exc, "code", "") or exc.__class__.__name__), repr(exc)) from exc

    def send_template(self, *, phone: str, template: str, values: Mapping[str, str]) -> str:
        from alibabacloud_dysmsapi20170525.models import SendSmsRequest

        request = SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.SMS_SIGN_NAME,
            template_code=self.code_for(template),
            template_param=json.dumps(dict(values), ensure_ascii=False),
        )
        body = self._call("send_sms_with_options", request)
        if body.code != "OK":
            raise self.failure(str(body.code), str(body.message))
        return str(body.biz_id)

    def poll(self) -> list[Report]:
        """QuerySendDetails for each text of the last two days still without a report (texts of the outbox:
        the phone is read from its row)."""
        from alibabacloud_dysmsapi20170525.models import QuerySendDetailsRequest

        waiting = SMSDelivery.objects.filter(
            provider=self.provider,
            status=SMSStatus.ACCEPTED,
            message__isnull=False,
            sent_at__gte=now() - dt.timedelta(days=2),
        ).select_related("message")[:100]
        reports = []
        for delivery in waiting:
            assert delivery.message is not None
            request = QuerySendDetailsRequest(
                phone_number=mobile(delivery.message.address),
                send_date=f"{timezone.localtime(delivery.sent_at):%Y%m%d}",
                biz_id=delivery.gateway_id,
                page_size=10,
                current_page=1,
            )
            try:
                body = self._call("query_send_details_with_options", request)
            except (DeliveryError, OutboundError):
                continue
            details = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            for row in details or []:
                if row.send_status in (2, 3):  # 1: still waiting for the operator
                    reports.append(
                        Report(
                            delivery.gateway_id,
                            row.send_status == 3,
                            str(row.err_code or ""),
                            local_time(row.receive_date or ""),
                        )
                    )
        return reports

    @staticmethod
    def reports_from(payload: Any) -> list[Report]:
        """The SmsReport HTTP batch push: a JSON list."""
        return [
            Report(
                str(item.get("biz_id", "")),
                bool(item.get("success")),
                str(item.get("err_code", "")),
                local_time(str(item.get("report_time", ""))),
            )
            for item in payload
            if isinstance(item, dict) and item.get("biz_id")
        ]

    @staticmethod
    def replies_from(payload: Any) -> list[tuple[str, str]]:
        """The SmsUp HTTP batch push (a citizen's reply): a JSON list."""
        return [
            (str(item.get("phone_number", "")), str(item.get("content", "")))
            for item in payload
            if isinstance(item, dict)
        ]


class TencentSMSBackend(Gateway):
    """Tencent Cloud SMS (sms 2021-01-11): SendSms, PullSmsSendStatus, PullSmsReplyStatus; signed
    TC3-HMAC-SHA256 by the SDK."""

    provider = "tencent"
    endpoint_setting = "SMS_TENCENT_ENDPOINT"
    daily = frozenset({"LimitExceeded.PhoneNumberDailyLimit"})

    def __init__(self) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        super().__init__()
        profile = HttpProfile(protocol=self.scheme, endpoint=self.host, reqTimeout=self.timeout)
        self.client = sms_client.SmsClient(
            credential.Credential(settings.SMS_TENCENT_SECRET_ID, settings.SMS_TENCENT_SECRET_KEY),
            settings.SMS_TENCENT_REGION,
            ClientProfile(httpProfile=profile),
        )
        _no_redirects(self.client.request.conn._session)

    def is_transient(self, code: str) -> bool:
        return code.startswith(
            (
                "LimitExceeded.",
                "RequestLimitExceeded",
                "InternalError",
                "ClientNetworkError",
                "ServerNetworkError",
            )
        ) or code in ("", "FailedOperation.FailResolvePacket")

    def _call(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

        self.checked()
        try:
            return dict(json.loads(self.client.call(action, params)).get("Response") or {})
        except TencentCloudSDKException as exc:
            raise self.failure(str(exc.get_code() or ""), str(exc.get_message())) from exc
        except Exception as exc:  # what the SDK does not wrap (a redirect refused, an unreadable answer)
            raise self.failure("ClientNetworkError", repr(exc)) from exc

    def send_template(self, *, phone: str, template: str, values: Mapping[str, str]) -> str:
        answer = self._call(
            "SendSms",
            {
                "PhoneNumberSet": [f"+86{phone}"],
                "SmsSdkAppId": settings.SMS_TENCENT_APP_ID,
                "SignName": settings.SMS_SIGN_NAME,
                "TemplateId": self.code_for(template),
                "TemplateParamSet": [values.get(v, "") for v in TEMPLATES[template].variables],
            },
        )
        status = (answer.get("SendStatusSet") or [{}])[0]
        if status.get("Code") != "Ok":
            raise self.failure(str(status.get("Code", "")), str(status.get("Message", "")))
        return str(status["SerialNo"])

    def poll(self) -> list[Report]:
        answer = self._safe("PullSmsSendStatus", {"SmsSdkAppId": settings.SMS_TENCENT_APP_ID, "Limit": 100})
        return [
            Report(
                str(item.get("SerialNo", "")),
                item.get("ReportStatus") == "SUCCESS",
                str(item.get("Description", "")),
                local_time(str(item.get("UserReceiveTime", ""))),
            )
            for item in answer.get("PullSmsSendStatusSet") or []
        ]

    def poll_replies(self) -> list[tuple[str, str]]:
        answer = self._safe("PullSmsReplyStatus", {"SmsSdkAppId": settings.SMS_TENCENT_APP_ID, "Limit": 100})
        return [
            (
                str(item.get("SubscriberNumber") or item.get("PhoneNumber", "")),
                str(item.get("ReplyContent", "")),
            )
            for item in answer.get("PullSmsReplyStatusSet") or []
        ]

    def _safe(self, action: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._call(action, params)
        except (DeliveryError, OutboundError):
            return {}

    @staticmethod
    def reports_from(payload: Any) -> list[Report]:
        """The status callback: a JSON list of reports."""
        return [
            Report(
                str(item.get("sid", "")),
                item.get("report_status") == "SUCCESS",
                str(item.get("errmsg", "")),
                local_time(str(item.get("user_receive_time", ""))),
            )
            for item in payload
            if isinstance(item, dict) and item.get("sid")
        ]

    @staticmethod
    def replies_from(payload: Any) -> list[tuple[str, str]]:
        """The reply callback: one reply (or a list of them)."""
        items = payload if isinstance(payload, list) else [payload]
        return [(str(i.get("mobile", "")), str(i.get("text", ""))) for i in items if isinstance(i, dict)]


GATEWAYS: dict[str, type[Gateway]] = {"aliyun": AliyunSMSBackend, "tencent": TencentSMSBackend}
