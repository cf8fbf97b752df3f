"""The insight app's lines on the presidium's desk: the overdue demands and the open early warnings."""

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
    if not can(user, Capability.VIEW_INSIGHT):
        return []
    overdue = selectors.visible_demands(user).filter(selectors.figure_q("overdue", at=at)).count()
    warnings = selectors.warnings_for(user=user, status="open").count()
    return [
        DeskLine("overdue", _("Overdue demands"), overdue, selectors.items_url(figure="overdue"), 10, True),
        DeskLine(
            "warnings",
            _("Open early warnings"),
            warnings,
            f"{reverse('insight:warnings')}?status=open",
            20,
            True,
        ),
    ]
