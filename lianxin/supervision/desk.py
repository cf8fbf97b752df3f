"""Supervision on the presidium's desk: today's inquiry sessions (询问, 局长接待日, job fairs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.kit import DeskLine

from . import selectors


def desk(user: Any, at: dt.datetime) -> list[DeskLine]:
    if not can(user, Capability.SUPERVISE):
        return []
    day = timezone.localtime(at).date()
    n = selectors.inquiry_sessions_on(user=user, day=day).count()
    return [
        DeskLine(
            "inquiries_today",
            _("Inquiry sessions today"),
            n,
            f"{reverse('supervision:inquiries')}?on={day:%Y-%m-%d}",
            30,
        )
    ]
