"""Time limits and the supervision light (green / yellow / red) of an assignment."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from lianxin.core.workdays import add_working_days

from .models import Category, Light, Urgency


def default_due_at(*, category: Category, urgency: str, start: dt.datetime) -> dt.datetime:
    """The 12345 practice: emergency in hours, general and complex in working days."""
    if urgency == Urgency.EMERGENCY:
        return start + dt.timedelta(hours=category.emergency_hours)
    days = category.complex_days if urgency == Urgency.COMPLEX else category.general_days
    return add_working_days(start, days)


def yellow_margin(urgency: str) -> dt.timedelta:
    """How long before the deadline an item turns yellow (settings; emergency items get a short margin)."""
    if urgency == Urgency.EMERGENCY:
        return dt.timedelta(minutes=settings.SUPERVISION_YELLOW_MINUTES_EMERGENCY)
    return dt.timedelta(hours=settings.SUPERVISION_YELLOW_HOURS)


def light_for(*, due_at: dt.datetime, urgency: str, at: dt.datetime) -> Light:
    if at > due_at:
        return Light.RED
    if at >= due_at - yellow_margin(urgency):
        return Light.YELLOW
    return Light.GREEN
