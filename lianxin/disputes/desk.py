"""The dispute ledger on the presidium's desk: today's mediation sessions and the hearings awaiting a decision."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.kit import DeskLine

from . import selectors
from .models import Hearing


def desk(user: Any, at: dt.datetime) -> list[DeskLine]:
    if not can(user, Capability.SUPERVISE):
        return []
    today = (
        selectors.disputes_for(user).filter(pk__in=selectors.sessions_today(user).values("dispute")).count()
    )
    proposed = selectors.hearings_for(user).filter(status=Hearing.Status.PROPOSED).count()
    return [
        DeskLine(
            "sessions_today",
            _("Disputes with a mediation session today"),
            today,
            f"{reverse('disputes:index')}?today=true",
            32,
        ),
        DeskLine(
            "hearings_proposed",
            _("Hearings awaiting your decision"),
            proposed,
            f"{reverse('disputes:hearings')}?status={Hearing.Status.PROPOSED}",
            50,
        ),
    ]
