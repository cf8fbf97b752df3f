"""The states of a demand and the groups of them that pages, the board and the sweep read: defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECORDED = "recorded", _("recorded")  # 问题清单
    CLAIMED = "claimed", _("claimed by a deputy")
    ASSIGNED = "assigned", _("assigned")  # 交办清单
    ACCEPTED = "accepted", _("being handled")
    RETURNED = "returned", _("returned for rework")
    COMPLETED = "completed", _("completed")  # 办结清单
    EVALUATED = "evaluated", _("evaluated")
    CLOSED = "closed", _("closed")
    MERGED = "merged", _("merged")
    DECLINED = "declined", _("declined")
    TRANSFERRED = "transferred", _("transferred upward")


S = Status
# The three lists (三张清单).
PROBLEM_LIST = (S.RECORDED, S.CLAIMED)
ASSIGNMENT_LIST = (S.ASSIGNED, S.ACCEPTED, S.RETURNED)
COMPLETION_LIST = (S.COMPLETED, S.EVALUATED, S.CLOSED)
TERMINAL = (S.CLOSED, S.MERGED, S.DECLINED, S.TRANSFERRED)
# Under a department's clock: the deadline sweep looks only at these.
ON_THE_CLOCK = (S.ASSIGNED, S.ACCEPTED, S.RETURNED)
# What the public board and a deputy's public page call "in progress" and "done".
IN_PROGRESS = (S.CLAIMED, S.ASSIGNED, S.ACCEPTED, S.RETURNED)
DONE = COMPLETION_LIST
PUBLISHABLE = IN_PROGRESS + DONE
# The two stages' names, as the board's filter (``?stage=``) and its totals name them.
STAGE_IN_PROGRESS, STAGE_DONE = "in_progress", "done"
STAGES = {STAGE_IN_PROGRESS: IN_PROGRESS, STAGE_DONE: DONE}
