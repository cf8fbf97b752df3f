"""The supervision light (green / yellow / red) of anything that carries a deadline.

An assignment, a tracked item and whatever comes next share one rule: red once the deadline has passed,
yellow inside the window before it, green before that. The window is a setting, short for emergencies.
It lives in core so an app that keeps a deadline needs no other domain app for its light.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    GREEN = "green", _("on time")
    YELLOW = "yellow", _("due soon")
    RED = "red", _("overdue")


def yellow_window(*, emergency: bool = False) -> dt.timedelta:
    """How long before the deadline an item turns yellow (settings; an emergency gets a short window)."""
    if emergency:
        return dt.timedelta(minutes=settings.SUPERVISION_YELLOW_MINUTES_EMERGENCY)
    return dt.timedelta(hours=settings.SUPERVISION_YELLOW_HOURS)


def light_for(*, due_at: dt.datetime, at: dt.datetime, window: dt.timedelta | None = None) -> Light:
    """The light at ``at`` of an item due at ``due_at``; ``window`` defaults to the ordinary yellow window."""
    if at > due_at:
        return Light.RED
    if at >= due_at - (yellow_window() if window is None else window):
        return Light.YELLOW
    return Light.GREEN
