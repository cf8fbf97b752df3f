"""The gateways' callbacks: delivery reports and citizens' replies, posted by Alibaba Cloud's HTTP batch push
and Tencent Cloud's callbacks (the URLs each console is given: ``manage.py sms_callbacks``).

Neither gateway signs what it posts, so a callback is taken only at a URL carrying this installation's
unguessable token (``SMS_CALLBACK_TOKEN``, else derived from ``SECRET_KEY``), compared in constant time, and,
when ``SMS_CALLBACK_NETWORKS`` is set, only from those addresses. A wrong token or source is a 404, as for a
page that does not exist. What is posted only updates deliveries we know by the gateway's id, or opts a
number out (a reply of TD): nothing a stranger could use to send a text.
"""

from __future__ import annotations

import ipaddress
import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .sms import GATEWAYS, callback_token, receipts_store, replies_store

# What each gateway expects back when it took the post.
TAKEN = {"aliyun": {"code": 0, "msg": "接收成功"}, "tencent": {"result": 0, "errmsg": "OK"}}


def _source_allowed(request: HttpRequest) -> bool:
    networks = settings.SMS_CALLBACK_NETWORKS
    if not networks:
        return True
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    try:
        address = ipaddress.ip_address(str(request.META.get(key, "")).split(",")[0].strip())
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def _payload(request: HttpRequest, provider: str, token: str) -> object:
    if provider not in GATEWAYS or not constant_time_compare(token, callback_token()):
        raise Http404
    if not _source_allowed(request):
        raise Http404
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        return None


@csrf_exempt
@require_POST
def report(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    payload = _payload(request, provider, token)
    if not isinstance(payload, list):
        return HttpResponse(status=400)
    receipts_store(provider, GATEWAYS[provider].reports_from(payload))  # type: ignore[attr-defined]
    return JsonResponse(TAKEN[provider])


@csrf_exempt
@require_POST
def reply(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    payload = _payload(request, provider, token)
    if not isinstance(payload, list | dict):
        return HttpResponse(status=400)
    replies_store(GATEWAYS[provider].replies_from(payload))  # type: ignore[attr-defined]
    return JsonResponse(TAKEN[provider])
