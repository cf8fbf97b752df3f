"""Delivery channels behind one interface. Settings pick the class for SMS and e-mail by dotted path.

Defaults need no service: SMS goes to a file (``var/sms.log``, one JSON line a message) and e-mail to
Django's console backend. A real SMS gateway is a class with the same ``send``.
"""

from __future__ import annotations

import json
import logging
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from lianxin.core.clock import now

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """A channel could not deliver now; the outbox tries again later."""


class Backend(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None: ...


class FileSMSBackend:
    """Appends each SMS as a JSON line to a file, for the demo and for tests that read what was sent."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or getattr(settings, "SMS_FILE", None) or settings.VAR_DIR / "sms.log")

    def send(self, *, to: str, subject: str, body: str) -> None:
        line = json.dumps(
            {"to": to, "text": f"【连心】{subject}:{body}", "at": now().isoformat()}, ensure_ascii=False
        )
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class ConsoleSMSBackend:
    def send(self, *, to: str, subject: str, body: str) -> None:
        log.info("SMS to %s: %s %s", to, subject, body)


class DjangoEmailBackend:
    def send(self, *, to: str, subject: str, body: str) -> None:
        send_mail(subject, body, None, [to])


@cache
def backend(channel: str) -> Backend:
    path = {"sms": settings.SMS_BACKEND, "email": settings.EMAIL_CHANNEL_BACKEND}[channel]
    return import_string(path)()
