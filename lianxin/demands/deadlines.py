"""Time limits of a demand, and its assignment's light by the demand's urgency (the rule is ``core.lights``)."""

from __future__ import annotations

import datetime as dt

from lianxin.core import lights
from lianxin.core.lights import Light
from lianxin.core.workdays import add_working_days

from .models import Category, Urgency


def default_due_at(*, category: Category, urgency: str, start: dt.datetime) -> dt.datetime:
    """The 12345 practice: emergency in hours, general and complex in working days."""
    if urgency == Urgency.EMERGENCY:
        return start + dt.timedelta(hours=category.emergency_hours)
    days = category.complex_days if urgency == Urgency.COMPLEX else category.general_days
    return add_working_days(start, days)


def yellow_margin(urgency: str) -> dt.timedelta:
    """How long before the deadline an item turns yellow (settings; emergency items get a short margin)."""
    return lights.yellow_window(emergency=urgency == Urgency.EMERGENCY)


def light_for(*, due_at: dt.datetime, urgency: str, at: dt.datetime) -> Light:
    """An assignment's light: the one rule of ``core.lights`` with the window of the demand's urgency."""
    return lights.light_for(due_at=due_at, at=at, window=yellow_margin(urgency))
