"""The moves of a demand, as one table: each entry is everything about one move (see ``core.workflow``).

recorded ──claim──▶ claimed ──assign──▶ assigned ──accept──▶ accepted ──complete──▶ completed
    │                  │  ▲                 │                   ▲  │                   │
    │                  │  └────bounce───────┘                   │  └─extension (no move)│
    ├─merge/decline/transfer (also from claimed)                 │                       │
    │                                                 returned ◀┴───return / unsatisfied─┤
    │                                                            evaluated ◀──evaluate/check─┘
    │                                                                │
    └────────────────────────────────────────────────────────────── close ──▶ closed

The presidium re-routes at any open state: relocate (cell), appoint (deputy; from recorded it claims on the
deputy's behalf), reassign (lead department: back to assigned), extend (deadline). Anyone handling it adds
an internal note; the lead department posts interim replies (阶段性答复) the citizen reads.

Imported by the app's ``ready()``: the table registers each move's permission (``demands.<action>``) and
the workflow, so a worker job or command that imports only the services finds both.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianxin.core.workflow import Move, Step, Workflow

from . import forms as f
from . import permissions as p
from . import serializers as s
from . import services
from .events import Event as E
from .models import Demand, DemandEvent
from .selectors import citizen_voices_left, pending_extension
from .states import ON_THE_CLOCK, Status

S = Status
OPEN = (S.RECORDED, S.CLAIMED)
HANDLING = (S.ACCEPTED, S.RETURNED)
JUDGED = (S.COMPLETED, S.EVALUATED)
NOT_CLOSED = OPEN + ON_THE_CLOCK + JUDGED
ROUTED = (S.ASSIGNED, *HANDLING)

# fmt: off
WORKFLOW = Workflow(
    model=Demand,
    events=DemandEvent,
    subject="demand",
    kinds=E,
    touch="updated_at",
    # kind, from, to, who may, service, form, API input, staff label, citizen's timeline
    moves=[
        Move(E.CLAIM, (S.RECORDED,), S.CLAIMED, p.deputy_can_claim, services.demand_claim,
             f.ConfirmForm, s.NoInput, _("claim"), _("Taken by a deputy")),
        Move(E.ASSIGN, (S.CLAIMED,), S.ASSIGNED, p.is_claiming_deputy | p.is_presidium,
             services.demand_assign, f.AssignForm, s.AssignIn,
             _("assign to a department"), _("Assigned to a department")),
        Move(E.BOUNCE, (S.ASSIGNED,), S.CLAIMED, p.handles_it, services.demand_bounce,
             f.ReasonForm, s.ReasonIn, _("send back as not ours"), _("Being re-assigned"),
             requires_reason=True, why=_("Say why this is not your department's matter.")),
        Move(E.ACCEPT, (S.ASSIGNED,), S.ACCEPTED, p.handles_it, services.demand_accept,
             f.ConfirmForm, s.NoInput, _("accept"), _("Accepted by the department")),
        Move(E.COMPLETE, HANDLING, S.COMPLETED, p.handles_it, services.demand_complete,
             f.CompleteForm, s.CompleteIn, _("report completion"), _("Completed, result reported")),
        Move(E.EVALUATE, JUDGED, None, p.may_evaluate, services.demand_evaluate,
             f.EvaluateForm, s.EvaluateIn, _("evaluate"), _("Evaluated"), when=citizen_voices_left),
        Move(E.CHECK, JUDGED, None, p.is_claiming_deputy, services.demand_check,
             f.CheckForm, s.CheckIn, _("deputy's check"), _("Checked by the deputy")),
        Move(E.RETURN, JUDGED, S.RETURNED, p.supervises, services.demand_return,
             f.ReasonForm, s.ReasonIn, _("return for rework"), _("Returned for rework")),
        Move(E.CLOSE, (S.EVALUATED,), S.CLOSED, p.is_presidium, services.demand_close,
             f.NoteForm, s.NoteIn, _("accept and close"), _("Closed")),
        Move(E.MERGE, OPEN, S.MERGED, p.decides_problem, services.demand_merge,
             f.MergeForm, s.MergeIn, _("merge into another"), _("Handled together with a similar demand")),
        Move(E.DECLINE, OPEN, S.DECLINED, p.decides_problem, services.demand_decline,
             f.ReasonForm, s.ReasonIn, _("decline"), _("Not taken up")),
        Move(E.TRANSFER, OPEN, S.TRANSFERRED, p.decides_problem, services.demand_transfer,
             f.TransferForm, s.TransferIn, _("transfer upward"), _("Carried to a higher level")),
        # Supervision steps: they write an event but leave the status where it is.
        Move(E.REQUEST_EXTENSION, HANDLING, None, p.handles_it, services.extension_request,
             f.RequestExtensionForm, s.ExtensionIn, _("request extension"),
             _("The department asked for more time"), when=lambda d: pending_extension(d) is None),
        Move(E.DECIDE_EXTENSION, HANDLING, None, p.is_presidium, services.demand_decide_extension,
             f.DecideExtensionForm, s.DecideExtensionIn, _("decide extension"),
             _("Request for more time decided"), when=lambda d: pending_extension(d) is not None),
        Move(E.REMIND, ON_THE_CLOCK, None, p.supervises, services.assignment_remind,
             f.RemindForm, s.NoteIn, _("remind"), _("Reminder sent to the department")),
        # The office's desk: a note stays inside; an interim reply goes to the citizen; the presidium
        # re-routes (place, deputy, lead department, deadline).
        Move(E.NOTE, NOT_CLOSED, None, p.involved, services.demand_note,
             f.InternalNoteForm, s.InternalNoteIn, _("add an internal note"), _("Internal note")),
        Move(E.PROGRESS, HANDLING, None, p.handles_it, services.demand_progress,
             f.ProgressForm, s.ProgressIn, _("post an interim reply"), _("Interim reply from the department")),
        Move(E.RELOCATE, NOT_CLOSED, None, p.is_presidium, services.demand_relocate,
             f.RelocateForm, s.RelocateIn, _("change the village or cell"), _("Place corrected")),
        Move(E.APPOINT, NOT_CLOSED, None, p.is_presidium, services.demand_appoint,
             f.AppointForm, s.AppointIn, _("appoint the deputy"), _("Taken by a deputy")),
        Move(E.REASSIGN, ROUTED, S.ASSIGNED, p.is_presidium, services.demand_reassign,
             f.ReassignForm, s.ReassignIn, _("reassign the lead department"),
             _("Assigned to another department")),
        Move(E.EXTEND, ON_THE_CLOCK, None, p.is_presidium, services.demand_extend,
             f.ExtendForm, s.ExtendIn, _("extend the deadline"), _("Deadline extended")),
    ],
    steps=[
        Step(E.RECORD, _("Recorded")),
        Step(E.SWEEP_YELLOW, _("Reminder sent to the department")),
        Step(E.SWEEP_RED, _("Overdue: escalated to the presidium")),
        Step(E.LINK_REQUESTER, _("Linked to your account")),
    ],
)
# fmt: on

MOVES = WORKFLOW.moves
# Event kinds the citizen never reads (internal notes), and those whose note is written for the citizen.
INTERNAL = frozenset({E.NOTE.value})
CITIZEN_READS_NOTE = frozenset({E.PROGRESS.value})
