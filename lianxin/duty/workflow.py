"""The move tables of the duty app's three small workflows (see ``core.workflow``).

shift:    scheduled ──check_in──▶ on_duty ──check_out──▶ done;  scheduled ──cancel──▶ cancelled
visit:    planned ──log──▶ done;  planned ──cancel──▶ cancelled
activity: submitted ──confirm──▶ confirmed;  submitted ──reject──▶ rejected

Imported by the app's ``ready()`` (registers each move's permission ``duty.<action>``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianxin.core.forms import ConfirmForm
from lianxin.core.workflow import Move, Step, Workflow
from lianxin.demands.serializers import NoInput

from . import forms as f
from . import permissions as p
from . import services
from .events import ActivityEvent as AE
from .events import ShiftEvent as SE
from .events import VisitEvent as VE
from .kinds import ActivityStatus as AS
from .kinds import ShiftStatus as SS
from .kinds import VisitStatus as VS
from .models import DutyEvent, ManualActivity, Shift, Visit

# fmt: off
SHIFTS = Workflow(
    model=Shift, events=DutyEvent, subject="shift", kinds=SE,
    moves=[
        Move(SE.CHECK_IN, (SS.SCHEDULED,), SS.ON_DUTY, p.is_own, services.shift_check_in_move,
             ConfirmForm, NoInput, _("check in"), _("Checked in")),
        Move(SE.CHECK_OUT, (SS.ON_DUTY,), SS.DONE, p.is_own | p.manages_duty, services.shift_check_out,
             ConfirmForm, NoInput, _("check out"), _("Checked out")),
        Move(SE.CANCEL, (SS.SCHEDULED,), SS.CANCELLED, p.manages_duty, services.shift_cancel,
             ConfirmForm, NoInput, _("cancel the shift"), _("Cancelled")),
    ],
    steps=[Step(SE.PLAN, _("Planned")), Step(SE.RECEPTION, _("Reception logged"))],
)

VISITS = Workflow(
    model=Visit, events=DutyEvent, subject="visit", kinds=VE,
    moves=[
        Move(VE.LOG, (VS.PLANNED,), VS.DONE, p.is_own, services.visit_log,
             f.VisitLogForm, NoInput, _("log the visit"), _("Visited")),
        Move(VE.CANCEL, (VS.PLANNED,), VS.CANCELLED, p.is_own | p.manages_duty, services.visit_cancel,
             ConfirmForm, NoInput, _("cancel the visit"), _("Cancelled")),
    ],
    steps=[Step(VE.PLAN, _("Planned")), Step(VE.MATTER_TO_DEMAND, _("A matter raised became a demand"))],
)

ACTIVITIES = Workflow(
    model=ManualActivity, events=DutyEvent, subject="activity", kinds=AE,
    moves=[
        Move(AE.CONFIRM, (AS.SUBMITTED,), AS.CONFIRMED, p.manages_duty, services.activity_confirm,
             f.NoteForm, NoInput, _("confirm"), _("Confirmed by the presidium")),
        # its form has no field of its own: the core adds the required reason
        Move(AE.REJECT, (AS.SUBMITTED,), AS.REJECTED, p.manages_duty, services.activity_reject,
             ConfirmForm, NoInput, _("do not confirm"), _("Not confirmed"),
             requires_reason=True, why=_("Tell the deputy why it is not confirmed.")),
    ],
    steps=[Step(AE.SUBMIT, _("Entered"))],
)
# fmt: on
