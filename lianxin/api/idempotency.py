"""``Idempotency-Key`` on POSTs: a retry gets the first answer, and a twin arriving at the same moment waits
for it instead of doing the work again.

1. The first request inserts an in-progress record for (client, key); the unique pair lets one win.
2. The winner runs the view. A 2xx answer is stored; anything else frees the key for a corrected retry.
3. A retry finds the record: a different request under the same key is a 422; a stored answer is replayed
   (``Idempotent-Replayed: true``); an in-progress one is waited for, then replayed, or 409 after a while.

A demand is also created with an ``intake_key`` derived from (client, key), so even a retry that takes
over an abandoned record finds the demand the first attempt made.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from lianxin.core import clock

from .models import ApiKey, IdempotencyRecord
from .services import api_key_authenticate, idempotency_abandon, idempotency_begin, idempotency_finish

HEADER = "Idempotency-Key"
WAIT_SECONDS = 15.0  # how long a twin waits for the first request's answer
STALE = dt.timedelta(minutes=2)  # an in-progress record this old was left by a crash


class IdempotencyConflict(APIException):
    status_code = 409
    default_detail = "A request with this Idempotency-Key is still being processed; retry later."
    default_code = "idempotency_in_progress"


class IdempotencyMismatch(APIException):
    status_code = 422
    default_detail = "This Idempotency-Key was used for a different request."
    default_code = "idempotency_key_reused"


class BadIdempotencyKey(APIException):
    status_code = 400
    default_detail = "An Idempotency-Key has 1 to 255 printable characters."
    default_code = "bad_idempotency_key"


def intake_key_for(client: str, key: str) -> str:
    return "api:" + hashlib.sha256(f"{client}\n{key}".encode()).hexdigest()[:56]


def _client(request: Request) -> str | None:
    if isinstance(request.auth, ApiKey):
        return f"key:{request.auth.pk}"
    user = request.user
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    data: Any = request.data
    raw = request.query_params.get("api_key") or data.get("api_key")  # Open311 posts
    key = api_key_authenticate(str(raw)) if raw else None
    return f"key:{key.pk}" if key else None


def _fingerprint(request: Request) -> str:
    data: Any = request.data
    if hasattr(data, "lists"):
        data = {k: v for k, v in data.lists() if k != "api_key"}
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(method: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a DRF view's ``post``. The view reads ``request.intake_key`` to pass on to ``demand_record``."""

    @functools.wraps(method)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "")
        request.intake_key = ""  # type: ignore[attr-defined]
        client = _client(request) if key else None
        if not key or client is None:
            return method(view, request, *args, **kwargs)
        if len(key) > 255 or not key.isprintable():
            raise BadIdempotencyKey(_("An Idempotency-Key has 1 to 255 printable characters."))
        fingerprint = _fingerprint(request)
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            record = idempotency_begin(client=client, key=key, fingerprint=fingerprint)
            if record is None:
                break  # ours: do the work
            if record.fingerprint != fingerprint:
                raise IdempotencyMismatch(_("This Idempotency-Key was used for a different request."))
            if record.state == IdempotencyRecord.State.DONE:
                return _replay(record)
            if record.created_at < clock.now() - STALE:
                idempotency_abandon(client=client, key=key, stale_before=clock.now() - STALE)
                continue
            if time.monotonic() > deadline:
                raise IdempotencyConflict(
                    _("A request with this Idempotency-Key is still being processed; retry later.")
                )
            time.sleep(0.05)
        request.intake_key = intake_key_for(client, key)  # type: ignore[attr-defined]
        try:
            try:
                response = method(view, request, *args, **kwargs)
            except Exception as exc:
                response = view.handle_exception(exc)  # the API's error answer (re-raises the unexpected)
        except BaseException:
            idempotency_abandon(client=client, key=key)
            raise
        if 200 <= response.status_code < 300:
            idempotency_finish(
                client=client,
                key=key,
                status_code=response.status_code,
                response=json.loads(json.dumps(response.data, default=str)),
            )
        else:
            idempotency_abandon(client=client, key=key)
        return response

    return wrapper
