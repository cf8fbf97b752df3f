"""The moves of a dispute and of a hearing, as tables (see ``core.workflow``).

registered ──accept──▶ accepted ──start──▶ mediating ──agree──▶ agreed ──follow_up──▶ follow_up ──close──▶ closed
                                              │  ▲ session (a step)                       ▲
                                              └─fail──▶ failed ──refer──▶ referred ────────┘

Steps on any open dispute: reassess the risk, flag or remove a petition risk, raise a demand.
A hearing: proposed ──hold──▶ held, or proposed ──dismiss──▶ dismissed; a held hearing adds follow-up
tasks (tracked items of ``lianxin.tracking``, with owner, deadline and lights).
Imported by the app's ``ready()``: the tables register each move's permission (``disputes.<action>``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lianxin.core.workflow import Move, Step, Workflow

from . import forms as f
from . import permissions as p
from . import serializers as s
from . import services
from .events import Event as E
from .events import HearingEvent as H
from .models import Dispute, DisputeEvent, Hearing, HearingRecord, Status

S = Status
NOT_DONE = (S.REGISTERED, S.ACCEPTED, S.MEDIATING, S.AGREED, S.FAILED, S.REFERRED, S.FOLLOW_UP)

# fmt: off
WORKFLOW = Workflow(
    model=Dispute,
    events=DisputeEvent,
    subject="dispute",
    kinds=E,
    # kind, from, to, who may, service, form, API input, staff label, the parties' timeline
    moves=[
        Move(E.ACCEPT, (S.REGISTERED,), S.ACCEPTED, p.may_accept, services.dispute_accept,
             f.AcceptForm, s.AcceptIn, _("accept for mediation"), _("Accepted for mediation")),
        Move(E.START, (S.ACCEPTED,), S.MEDIATING, p.handles, services.dispute_start,
             f.NoteForm, s.NoteIn, _("start mediation"), _("Mediation started")),
        Move(E.SESSION, (S.MEDIATING,), None, p.handles, services.session_record,
             f.SessionForm, s.SessionIn, _("record a mediation session"), _("Mediation session held")),
        Move(E.AGREE, (S.MEDIATING,), S.AGREED, p.handles, services.dispute_agree,
             f.AgreeForm, s.AgreeIn, _("record the agreement"), _("Agreement reached")),
        Move(E.FAIL, (S.MEDIATING,), S.FAILED, p.handles, services.dispute_fail,
             f.ReasonForm, s.ReasonIn, _("record that mediation failed"), _("Mediation failed"),
             requires_reason=True, why=_("Say why mediation failed.")),
        Move(E.REFER, (S.FAILED,), S.REFERRED, p.handles, services.dispute_refer,
             f.ReferForm, s.ReferIn, _("refer onward"), _("Referred onward")),
        Move(E.FOLLOW_UP, (S.AGREED, S.REFERRED), S.FOLLOW_UP, p.handles, services.dispute_follow_up,
             f.FollowUpForm, s.FollowUpIn, _("record the follow-up"), _("Followed up")),
        Move(E.CLOSE, (S.FOLLOW_UP,), S.CLOSED, p.handles, services.dispute_close,
             f.NoteForm, s.NoteIn, _("close"), _("Closed")),
        # Steps on an open dispute: they write an event but leave the status where it is.
        Move(E.REASSESS, NOT_DONE, None, p.handles | p.may_accept, services.dispute_reassess,
             f.ReassessForm, s.ReassessIn, _("reassess the risk"), _("Risk reassessed")),
        Move(E.FLAG_PETITION_RISK, NOT_DONE, None, p.handles, services.dispute_flag_petition,
             f.ReasonForm, s.ReasonIn, _("flag a petition risk"), _("Petition risk flagged"),
             when=lambda d: not d.petition_risk,
             requires_reason=True, why=_("Say what the petition risk is.")),
        Move(E.CLEAR_PETITION_RISK, NOT_DONE, None, p.handles, services.dispute_clear_petition,
             f.ReasonForm, s.ReasonIn, _("remove the petition risk"), _("Petition risk removed"),
             when=lambda d: d.petition_risk,
             requires_reason=True, why=_("Say how the petition risk was removed.")),
        Move(E.RAISE_DEMAND, NOT_DONE, None, p.handles, services.dispute_raise_demand,
             f.RaiseDemandForm, s.RaiseDemandIn, _("raise a demand"), _("A demand raised")),
    ],
    steps=[Step(E.REGISTER, _("Registered"))],
)

HEARINGS = Workflow(
    model=Hearing,
    events=HearingRecord,
    subject="hearing",
    kinds=H,
    moves=[
        Move(H.HOLD, (Hearing.Status.PROPOSED,), Hearing.Status.HELD, p.is_presidium, services.hearing_hold,
             f.HoldForm, s.HoldIn, _("record the hearing"), _("Hearing held")),
        Move(H.DISMISS, (Hearing.Status.PROPOSED,), Hearing.Status.DISMISSED, p.is_presidium,
             services.hearing_dismiss, f.ReasonForm, s.ReasonIn, _("dismiss the proposal"), _("No hearing needed"),
             requires_reason=True, why=_("Say why no hearing is needed.")),
        Move(H.ADD_TASK, (Hearing.Status.HELD,), None, p.is_presidium, services.hearing_add_task,
             f.TaskForm, s.TaskIn, _("add a follow-up task"), _("Follow-up task assigned")),
    ],
    steps=[Step(H.PROPOSE, _("Hearing proposed"))],
)
# fmt: on

MOVES = WORKFLOW.moves
