"""The tracked item's move table: open → reported → accepted, or back with a new deadline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianxin.core.workflow import Move, Step, Workflow

from . import forms as f
from . import permissions as p
from . import serializers as s
from . import services
from .events import TrackingEvent as E
from .models import TrackedItem, TrackedItemEvent
from .models import TrackingStatus as S

OPEN = (S.OPEN,)
LIVE = (S.OPEN, S.REPORTED)

MOVES = [
    Move(E.PROGRESS, OPEN, S.OPEN, p.may_report, services.tracked_item_progress, f.ProgressForm,
         s.ProgressIn, _("post progress"), _("Progress reported")),
    Move(E.REPORT, OPEN, S.REPORTED, p.may_report, services.tracked_item_report, f.ResultForm,
         s.ResultIn, _("report done"), _("Reported done")),
    Move(E.ACCEPT, (S.REPORTED,), S.ACCEPTED, p.may_check, services.tracked_item_accept, f.NoteForm,
         s.NoteIn, _("accept as done"), _("Done and accepted")),
    Move(E.RETURN, (S.REPORTED,), S.OPEN, p.may_check, services.tracked_item_return, f.ReturnForm,
         s.ReturnIn, _("return for more work"), _("Returned for more work"),
         requires_reason=True, why=_("Say what is still to be done.")),
    Move(E.EXTEND, OPEN, S.OPEN, p.is_office, services.tracked_item_extend, f.DeadlineForm,
         s.DeadlineIn, _("change the deadline"), _("Deadline changed"),
         requires_reason=True, why=_("Say why the deadline changes.")),
    Move(E.CANCEL, LIVE, S.CANCELLED, p.is_office, services.tracked_item_cancel, f.ReasonForm,
         s.ReasonIn, _("cancel"), _("Cancelled"),
         requires_reason=True, why=_("Say why it is cancelled.")),
]  # fmt: skip

STEPS = [
    Step(E.OPEN, _("Opened")),
    Step(E.YELLOW, _("Due soon")),
    Step(E.RED, _("Overdue")),
]

WORKFLOW = Workflow(
    model=TrackedItem, events=TrackedItemEvent, subject="item", kinds=E, moves=MOVES, steps=STEPS
)
