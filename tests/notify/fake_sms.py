"""Local stand-ins for the two SMS gateways, on 127.0.0.1: each speaks enough of its service's HTTP API for the
real SDK (Alibaba Cloud's RPC style signed with ACS3-HMAC-SHA256, Tencent Cloud's JSON API signed with
TC3-HMAC-SHA256), checks every request's signature with the test secret, and answers from a script:

    "ok"         accepted (a BizId / SerialNo), a delivery report kept for polling and for the callback
    "permanent"  the number is refused (not worth another try)
    "throttle"   the gateway's flow control (try later)
    "daily"      the number's daily limit at the gateway (Tencent's LimitExceeded.PhoneNumberDailyLimit)
    "500"        a server error
    "timeout"    no answer for ``slow`` seconds (longer than the client waits), then a server error
    "redirect"   a 302 to another path, which a client must not follow

A request whose signature does not match is answered with the gateway's own authentication error and counted
in ``bad_signatures``; nothing is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

KEY_ID, SECRET = "test-key-id", "test-secret-not-real"


class FakeGateway:
    slow = 2.0  # seconds a "timeout" answer waits; the tests' client timeout is smaller

    def __init__(self) -> None:
        self.script: list[str] = []  # behaviours of the next sends, in order ("ok" when empty)
        self.sent: list[dict[str, Any]] = []  # what was accepted: phone, sign, template, params, id
        self.calls: list[str] = []  # every action asked for, in order
        self.bad_signatures = 0
        self.redirected_to = 0  # requests that arrived at the redirect's target
        self.undelivered: set[str] = set()  # ids whose report says "not delivered"
        self.polled: set[str] = set()  # Tencent's pull hands each report out once
        self.replies: list[tuple[str, str]] = []  # (phone, text) a citizen sent back
        self._ids = itertools.count(1)
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                gateway._handle(self)

            def do_GET(self) -> None:
                gateway._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next_id(self) -> str:
        return str(next(self._ids))

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        if urlsplit(request.path).path == "/moved":
            self.redirected_to += 1
            return self._answer(request, 200, {"Code": "OK", "BizId": "moved", "Response": {}})
        self.answer(request, body)

    def _answer(
        self, request: BaseHTTPRequestHandler, status: int, payload: Any, *, headers: dict | None = None
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def behaviour(self) -> str:
        return self.script.pop(0) if self.script else "ok"

    def answer(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        raise NotImplementedError


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


class FakeAliyun(FakeGateway):
    """Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms and QuerySendDetails, RPC style (parameters in the
    query), ACS3-HMAC-SHA256; the HTTP batch push of SmsReport and SmsUp built by ``report_push`` and
    ``reply_push``."""

    def signature_ok(self, request: BaseHTTPRequestHandler, body: bytes) -> bool:
        auth = request.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        fields = dict(part.split("=", 1) for part in rest.split(",") if "=" in part)
        if algorithm != "ACS3-HMAC-SHA256" or fields.get("Credential") != KEY_ID:
            return False
        payload = hashlib.sha256(body).hexdigest()
        if request.headers.get("x-acs-content-sha256") != payload:
            return False
        parts = urlsplit(request.path)
        query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in query)
        signed = fields.get("SignedHeaders", "").split(";")
        headers = "".join(f"{name}:{(request.headers.get(name) or '').strip()}\n" for name in signed)
        canonical = f"{request.command}\n{parts.path or '/'}\n{canonical_query}\n{headers}\n{';'.join(signed)}\n{payload}"
        to_sign = f"ACS3-HMAC-SHA256\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = _hmac(SECRET.encode(), to_sign).hex()
        return hmac.compare_digest(expected, fields.get("Signature", ""))

    def answer(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self.signature_ok(request, body):
            self.bad_signatures += 1
            return self._answer(
                request,
                400,
                {"Code": "IncompleteSignature", "Message": "signature mismatch", "RequestId": "r"},
            )
        action = request.headers.get("x-acs-action", "")
        self.calls.append(action)
        params = dict(parse_qsl(urlsplit(request.path).query, keep_blank_values=True))
        if action == "QuerySendDetails":
            return self._answer(request, 200, self._details(params))
        what = self.behaviour()
        if what == "redirect":
            return self._answer(request, 302, {}, headers={"Location": "/moved"})
        if what == "500":
            return self._answer(request, 500, {"Code": "InternalError", "Message": "busy", "RequestId": "r"})
        if what == "permanent":
            return self._answer(
                request, 200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r"}
            )
        if what == "throttle":
            return self._answer(
                request,
                200,
                {
                    "Code": "isv.BUSINESS_LIMIT_CONTROL",
                    "Message": "触发分钟级流控Permits:1",
                    "RequestId": "r",
                },
            )
        if what == "timeout":
            time.sleep(self.slow)
            return self._answer(request, 500, {"Code": "InternalError", "Message": "late", "RequestId": "r"})
        biz_id = f"{self.next_id()}^0"
        self.sent.append(
            {
                "id": biz_id,
                "phone": params.get("PhoneNumbers"),
                "sign": params.get("SignName"),
                "template": params.get("TemplateCode"),
                "params": json.loads(params.get("TemplateParam") or "{}"),
                "at": dt.datetime.now(),
            }
        )
        self._answer(request, 200, {"Code": "OK", "Message": "OK", "BizId": biz_id, "RequestId": "r"})

    def _details(self, params: dict[str, str]) -> dict[str, Any]:
        found = [
            s
            for s in self.sent
            if s["id"] == params.get("BizId")
            and s["phone"] == params.get("PhoneNumber")
            and s["at"].strftime("%Y%m%d") == params.get("SendDate")
        ]
        rows = [
            {
                "PhoneNum": s["phone"],
                "SendStatus": 2 if s["id"] in self.undelivered else 3,
                "ErrCode": "MK:0001" if s["id"] in self.undelivered else "DELIVERED",
                "TemplateCode": s["template"],
                "Content": "",
                "SendDate": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                "ReceiveDate": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                "OutId": "",
            }
            for s in found
        ]
        return {
            "Code": "OK",
            "Message": "OK",
            "RequestId": "r",
            "TotalCount": str(len(rows)),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": rows},
        }

    def report_push(self) -> list[dict[str, Any]]:
        """The SmsReport batch the console's HTTP push posts to the callback URL: one item per text."""
        return [
            {
                "phone_number": s["phone"],
                "send_time": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                "report_time": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                "success": s["id"] not in self.undelivered,
                "err_code": "MK:0001" if s["id"] in self.undelivered else "DELIVERED",
                "err_msg": "用户接收失败" if s["id"] in self.undelivered else "用户接收成功",
                "sms_size": "1",
                "biz_id": s["id"],
                "out_id": "",
            }
            for s in self.sent
        ]

    def reply_push(self, phone: str, text: str) -> list[dict[str, Any]]:
        """The SmsUp batch (a citizen's reply) the HTTP push posts."""
        return [
            {
                "phone_number": phone,
                "send_time": f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}",
                "content": text,
                "sign_name": "连心",
                "dest_code": "1234",
                "sequence_id": 1,
            }
        ]


class FakeTencent(FakeGateway):
    """Tencent Cloud SMS (sms 2021-01-11): SendSms, PullSmsSendStatus and PullSmsReplyStatus, JSON bodies,
    TC3-HMAC-SHA256; the status callback body built by ``report_push``."""

    app_id = "1400000001"

    def signature_ok(self, request: BaseHTTPRequestHandler, body: bytes) -> bool:
        auth = request.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        credential = fields.get("Credential", "").split("/")
        if algorithm != "TC3-HMAC-SHA256" or len(credential) != 4 or credential[0] != KEY_ID:
            return False
        _id, date, service, _end = credential
        timestamp = request.headers.get("X-TC-Timestamp", "")
        if date != dt.datetime.fromtimestamp(int(timestamp or 0), dt.UTC).strftime("%Y-%m-%d"):
            return False
        canonical = (
            f"POST\n/\n\ncontent-type:{request.headers.get('Content-Type')}\nhost:{request.headers.get('Host')}\n"
            f"\ncontent-type;host\n{hashlib.sha256(body).hexdigest()}"
        )
        to_sign = (
            f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n"
            f"{hashlib.sha256(canonical.encode()).hexdigest()}"
        )
        key = _hmac(_hmac(_hmac(f"TC3{SECRET}".encode(), date), service), "tc3_request")
        return hmac.compare_digest(_hmac(key, to_sign).hex(), fields.get("Signature", ""))

    def answer(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self.signature_ok(request, body):
            self.bad_signatures += 1
            return self._error(request, "AuthFailure.SignatureFailure", "signature mismatch")
        action = request.headers.get("X-TC-Action", "")
        self.calls.append(action)
        params = json.loads(body or b"{}")
        if action == "PullSmsSendStatus":
            return self._answer(
                request, 200, {"Response": {"PullSmsSendStatusSet": self._pull(), "RequestId": "r"}}
            )
        if action == "PullSmsReplyStatus":
            replies, self.replies = self.replies, []
            items = [
                {
                    "SmsCode": "",
                    "SignName": "连心",
                    "CountryCode": "86",
                    "PhoneNumber": f"+86{phone}",
                    "SubscriberNumber": phone,
                    "ReplyContent": text,
                    "ReplyTime": f"{dt.datetime.now():%Y-%m-%d %H:%M:%S}",
                    "ReplyUnixTime": int(time.time()),
                    "SessionContext": "",
                    "ExtendCode": "",
                }
                for phone, text in replies
            ]
            return self._answer(
                request, 200, {"Response": {"PullSmsReplyStatusSet": items, "RequestId": "r"}}
            )
        if params.get("SmsSdkAppId") != self.app_id:
            return self._error(request, "InvalidParameterValue.SdkAppIdNotExist", "no such app")
        what = self.behaviour()
        if what == "redirect":
            return self._answer(request, 302, {}, headers={"Location": "/moved"})
        if what == "500":
            request.send_response(502)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return None
        if what == "timeout":
            time.sleep(self.slow)
            return self._error(request, "InternalError.Timeout", "late")
        phone = params["PhoneNumberSet"][0]
        code, serial = {
            "permanent": ("InvalidParameterValue.IncorrectPhoneNumber", ""),
            "throttle": ("LimitExceeded.PhoneNumberThirtySecondLimit", ""),
            "daily": ("LimitExceeded.PhoneNumberDailyLimit", ""),
        }.get(what, ("Ok", ""))
        if code == "Ok":
            serial = f"2645:{self.next_id()}"
            self.sent.append(
                {
                    "id": serial,
                    "phone": phone,
                    "sign": params.get("SignName"),
                    "template": params.get("TemplateId"),
                    "params": params.get("TemplateParamSet"),
                    "at": dt.datetime.now(),
                }
            )
        status = {
            "SerialNo": serial,
            "PhoneNumber": phone,
            "Fee": 1 if serial else 0,
            "SessionContext": "",
            "Code": code,
            "Message": "send success" if serial else code,
            "IsoCode": "CN",
        }
        self._answer(request, 200, {"Response": {"SendStatusSet": [status], "RequestId": "r"}})

    def _error(self, request: BaseHTTPRequestHandler, code: str, message: str) -> None:
        self._answer(
            request, 200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": "r"}}
        )

    def _report(self, s: dict[str, Any]) -> tuple[str, str]:
        return ("FAIL", "用户接收失败") if s["id"] in self.undelivered else ("SUCCESS", "用户短信送达成功")

    def _pull(self) -> list[dict[str, Any]]:
        items = []
        for s in self.sent:
            if s["id"] in self.polled:
                continue
            self.polled.add(s["id"])
            status, description = self._report(s)
            items.append(
                {
                    "UserReceiveTime": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                    "CountryCode": "86",
                    "SubscriberNumber": s["phone"].removeprefix("+86"),
                    "PhoneNumber": s["phone"],
                    "SerialNo": s["id"],
                    "ReportStatus": status,
                    "Description": description,
                    "SessionContext": "",
                }
            )
        return items

    def report_push(self) -> list[dict[str, Any]]:
        """The status callback's body: a JSON list of reports."""
        return [
            {
                "user_receive_time": f"{s['at']:%Y-%m-%d %H:%M:%S}",
                "nationcode": "86",
                "mobile": s["phone"].removeprefix("+86"),
                "report_status": self._report(s)[0],
                "errmsg": "MK:0001" if s["id"] in self.undelivered else "DELIVRD",
                "description": self._report(s)[1],
                "sid": s["id"],
            }
            for s in self.sent
        ]

    def reply_push(self, phone: str, text: str) -> dict[str, Any]:
        """The reply callback's body (one reply)."""
        return {
            "extend": "",
            "mobile": phone,
            "nationcode": "86",
            "sign": "连心",
            "text": text,
            "time": int(time.time()),
        }
