"""Every kind of event a demand's timeline records: the stored value and the staff's label.

Moves write the kind of the same name; the rest are steps (see ``workflow.py``). Other apps subscribe to
these kinds (``lianxin.core.events.subscribe(Event.CLAIM)``), never to free text.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    RECORD = "record", _("recorded")
    CLAIM = "claim", _("claim")
    ASSIGN = "assign", _("assign to a department")
    BOUNCE = "bounce", _("send back as not ours")
    ACCEPT = "accept", _("accept")
    COMPLETE = "complete", _("report completion")
    EVALUATE = "evaluate", _("evaluate")
    CHECK = "check", _("deputy's check")
    RETURN = "return", _("return for rework")
    CLOSE = "close", _("accept and close")
    MERGE = "merge", _("merge into another")
    DECLINE = "decline", _("decline")
    TRANSFER = "transfer", _("transfer upward")
    REQUEST_EXTENSION = "request_extension", _("request extension")
    DECIDE_EXTENSION = "decide_extension", _("decide extension")
    REMIND = "remind", _("remind")
    SWEEP_YELLOW = "sweep_yellow", _("deadline near: reminder")
    SWEEP_RED = "sweep_red", _("overdue: escalated to the presidium")
    LINK_REQUESTER = "link_requester", _("linked to the citizen's account")
    # The office's desk (issue 10): notes kept inside, replies the citizen reads, re-routing by the presidium.
    NOTE = "note", _("add an internal note")
    PROGRESS = "progress", _("post an interim reply")
    RELOCATE = "relocate", _("change the village or cell")
    APPOINT = "appoint", _("appoint the deputy")
    REASSIGN = "reassign", _("reassign the lead department")
    EXTEND = "extend", _("extend the deadline")
