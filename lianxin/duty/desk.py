"""The rota on the presidium's desk: the shifts of the last week nobody checked in to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.kit import DeskLine

from . import selectors
from .kinds import ActivityStatus

MISSED_DAYS = 7


def desk(user: Any, at: dt.datetime) -> list[DeskLine]:
    if not can(user, Capability.MANAGE_DUTY):
        return []
    n = selectors.missed_shifts(user=user, days=MISSED_DAYS).count()
    waiting = selectors.activities_waiting(user=user).count()
    return [
        DeskLine(
            "activities_waiting",
            _("Activities awaiting your confirmation"),
            waiting,
            f"{reverse('duty:activities')}?status={ActivityStatus.SUBMITTED}",
            55,
        ),
        DeskLine(
            "missed_shifts",
            _("Shifts missed at the stations (last 7 days)"),
            n,
            f"{reverse('duty:rota')}?missed={MISSED_DAYS}#missed",
            40,
            True,
        ),
    ]
