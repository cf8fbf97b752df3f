"""The event kinds of an early warning's timeline: the stored value and the staff's label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WarningEventKind(models.TextChoices):
    DETECT = "detect", _("detected")
    REDETECT = "redetect", _("detected again")
    END = "end", _("the rise ended")
    DISMISS = "dismiss", _("dismiss")
    MAKE_PROACTIVE = "make_proactive", _("turn into a proactive item")
    MAKE_TOPIC = "make_topic", _("make a monthly topic")
