"""The event kinds of the duty app's three small workflows (shifts, visits, hand-entered activities), one
``TextChoices`` each; their rows share one table, ``DutyEvent``, so the stored values are distinct."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShiftEvent(models.TextChoices):
    PLAN = "shift_plan", _("shift planned")
    CHECK_IN = "check_in", _("check in")
    CHECK_OUT = "check_out", _("check out")
    CANCEL = "shift_cancel", _("cancel the shift")
    RECEPTION = "reception", _("reception logged")


class VisitEvent(models.TextChoices):
    PLAN = "visit_plan", _("visit planned")
    LOG = "visit_log", _("log the visit")
    CANCEL = "visit_cancel", _("cancel the visit")
    MATTER_TO_DEMAND = "matter_to_demand", _("matter made a demand")


class ActivityEvent(models.TextChoices):
    SUBMIT = "activity_submit", _("activity entered")
    CONFIRM = "activity_confirm", _("confirm")
    REJECT = "activity_reject", _("do not confirm")


# Every kind the shared table stores.
KINDS = (ShiftEvent, VisitEvent, ActivityEvent)
