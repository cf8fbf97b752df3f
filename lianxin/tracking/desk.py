"""The tracked items (督办) on the presidium's desk: overdue, and reported done awaiting the office's check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.kit import DeskLine

from . import selectors


def desk(user: Any, at: dt.datetime) -> list[DeskLine]:
    if not can(user, Capability.SUPERVISE):
        return []
    counts = selectors.tab_counts(user=user)  # one query
    url = reverse("tracking:index")
    return [
        DeskLine(
            "tracked_overdue", _("Overdue tracked items"), counts["overdue"], f"{url}?tab=overdue", 15, True
        ),
        DeskLine(
            "tracked_reported",
            _("Tracked items awaiting your check"),
            counts["reported"],
            f"{url}?tab=reported",
            60,
        ),
    ]
