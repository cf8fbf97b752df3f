"""The moves of a livelihood project, of the congress's vote on candidates, and of a deputy's suggestion
upward, each as one table (see ``core.workflow``).

Project::

    candidate ──put_to_vote──▶ voting ──decide (the count)──▶ adopted ──start──▶ underway ──complete──▶ completed
                                   └──────────────────────────▶ rejected           ▲   (milestones,       │ rate…
                                                                                    │    inspections,      ▼
                                                                                    └── conclude ◀──── (deputies'
                                                                carry_over: adopted/underway into next year  satisfaction)
                                                                                         conclude ──▶ done

Vote: open ──cast (one per deputy)──▶ open ──count──▶ counted.
Suggestion: draft ──submit──▶ submitted ──reply──▶ replied ──handle──▶ handled ──evaluate──▶ closed.
Inquiry session: planned ──hold──▶ held ──close──▶ closed (questions asked before and during; answers, with
commitments that become tracked items, and the figures while held).
Industry station event: held ──record_outcome──▶ counted.
Themed supervision: planned ──begin──▶ underway (demands linked, inspection days) ──finish──▶ concluded.
Supervision plan: draft (items added) ──adopt_plan──▶ adopted.
Plan item (of an adopted plan): planned ──hear_report (a report) / mark_done (the others)──▶ done;
planned ──drop_item──▶ dropped. A theme item is marked done when its themed supervision concludes.

Imported by the app's ``ready()``: the tables register each move's permission (``supervision.<action>``).
The three tables share the app label, so each kind's value is unique across them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from lianxin.core.workflow import Move, Step, Workflow

from . import forms as f
from . import permissions as p
from . import services
from .events import IndustryKind as XK
from .events import InquiryKind as IK
from .events import PlanItemKind as PIK
from .events import PlanKind as PLK
from .events import ProjectKind as K
from .events import SuggestionKind as SK
from .events import ThemeKind as TK
from .events import VoteKind as VK
from .models import (
    InquiryEvent,
    InquirySession,
    InquiryStatus,
    PlanEvent,
    PlanItem,
    PlanItemEvent,
    PlanItemKindChoice,
    PlanItemStatus,
    PlanStatus,
    Project,
    ProjectEvent,
    ProjectStatus,
    StationEvent,
    StationEventEvent,
    StationEventStatus,
    Suggestion,
    SuggestionEvent,
    SuggestionStatus,
    SupervisionPlan,
    Theme,
    ThemeEvent,
    ThemeStatus,
    VoteEvent,
    VoteSession,
    VoteStatus,
)

S = ProjectStatus
IN_HAND = (S.ADOPTED, S.UNDERWAY)
API = f.NoApi

# fmt: off
PROJECTS = Workflow(
    model=Project,
    events=ProjectEvent,
    subject="project",
    kinds=K,
    # kind, from, to, who may, service, form, API input, staff label, public timeline
    moves=[
        Move(K.PUT_TO_VOTE, (S.CANDIDATE,), S.VOTING, p.is_presidium, services.project_put_to_vote,
             f.ConfirmForm, API, _("put to the vote"), _("Put to the congress's vote")),
        Move(K.DECIDE, (S.VOTING,), None, p.is_presidium, services.project_decide,
             f.ConfirmForm, API, _("vote result"), _("Voted on by the congress")),
        Move(K.START, (S.ADOPTED,), S.UNDERWAY, p.is_presidium, services.project_start,
             f.StartForm, API, _("start the project"), _("Work started")),
        Move(K.ADD_MILESTONE, IN_HAND, None, p.runs_project, services.project_add_milestone,
             f.MilestoneForm, API, _("add a milestone"), _("Milestone planned")),
        Move(K.REPORT_MILESTONE, (S.UNDERWAY,), None, p.runs_project, services.project_report_milestone,
             f.ReportMilestoneForm, API, _("report a milestone done"), _("Milestone reached"),
             when=lambda pr: pr.milestones.filter(done_on__isnull=True).exists()),
        Move(K.INSPECT, (S.UNDERWAY, S.COMPLETED), None, p.inspects, services.inspection_record,
             f.InspectForm, API, _("record an inspection"), _("Inspected on site by deputies")),
        Move(K.COMPLETE, (S.UNDERWAY,), S.COMPLETED, p.runs_project, services.project_complete,
             f.CompleteForm, API, _("report completion"), _("Completed")),
        Move(K.RATE, (S.COMPLETED,), None, p.may_rate, services.project_rate,
             f.RateForm, API, _("give satisfaction"), _("A deputy gave their satisfaction")),
        Move(K.CONCLUDE, (S.COMPLETED,), None, p.is_presidium, services.project_conclude,
             f.NoteForm, API, _("conclude the rating"), _("Deputies' rating concluded")),
        Move(K.CARRY_OVER, IN_HAND, None, p.is_presidium, services.project_carry_over,
             f.ReasonForm, API, _("carry into next year"), _("Carried into the next year"),
             requires_reason=True, why=_("Say why it is not finished this year.")),
    ],
    steps=[Step(K.PROPOSE, _("Proposed as a candidate"))],
)

VOTES = Workflow(
    model=VoteSession,
    events=VoteEvent,
    subject="session",
    kinds=VK,
    moves=[
        Move(VK.CAST, (VoteStatus.OPEN,), VoteStatus.OPEN, p.may_vote, services.vote_cast,
             f.BallotForm, API, _("cast your ballot"), _("A deputy voted")),
        Move(VK.TALLY, (VoteStatus.OPEN,), VoteStatus.OPEN, p.is_presidium, services.vote_tally,
             f.TallyForm, API, _("enter the paper tally sheet"), _("The paper tally sheet was entered")),
        Move(VK.COUNT, (VoteStatus.OPEN,), VoteStatus.COUNTED, p.is_presidium, services.vote_count,
             f.CountForm, API, _("close and count"), _("Votes counted")),
    ],
    steps=[Step(VK.OPEN, _("Vote opened"))],
)

SS = SuggestionStatus
SUGGESTIONS = Workflow(
    model=Suggestion,
    events=SuggestionEvent,
    subject="suggestion",
    kinds=SK,
    moves=[
        Move(SK.SUBMIT, (SS.DRAFT,), SS.SUBMITTED, p.keeps_suggestion, services.suggestion_submit,
             f.SubmitForm, API, _("submit to the higher level"), _("Submitted to the higher congress")),
        Move(SK.REPLY, (SS.SUBMITTED,), SS.REPLIED, p.keeps_suggestion, services.suggestion_reply,
             f.ReplyForm, API, _("record the reply"), _("The higher level replied")),
        Move(SK.HANDLE, (SS.REPLIED,), SS.HANDLED, p.keeps_suggestion, services.suggestion_handle,
             f.HandleForm, API, _("record the handling"), _("The higher level handled it")),
        Move(SK.EVALUATE, (SS.HANDLED,), SS.CLOSED, p.rates_suggestion, services.suggestion_evaluate,
             f.EvaluateForm, API, _("give satisfaction"), _("The deputy rated the answer")),
    ],
    steps=[Step(SK.DRAFT, _("Drafted from a transferred demand"))],
)

IS = InquiryStatus
INQUIRIES = Workflow(
    model=InquirySession,
    events=InquiryEvent,
    subject="session",
    kinds=IK,
    moves=[
        Move(IK.ASK, (IS.PLANNED, IS.HELD), None, p.asks, services.inquiry_ask,
             f.AskForm, API, _("add a question"), _("Question gathered")),
        Move(IK.HOLD, (IS.PLANNED,), IS.HELD, p.is_presidium, services.inquiry_hold,
             f.HoldForm, API, _("record the session held"), _("Session held")),
        Move(IK.ANSWER, (IS.HELD,), None, p.answers, services.inquiry_answer,
             f.AnswerForm, API, _("record an answer"), _("A department answered"),
             when=lambda s: s.questions.filter(answered_at__isnull=True).exists()),
        Move(IK.RECORD_FIGURES, (IS.HELD,), None, p.is_presidium, services.inquiry_record_figures,
             f.FiguresForm, API, _("record the figures"), _("Figures recorded")),
        Move(IK.CLOSE, (IS.HELD,), IS.CLOSED, p.is_presidium, services.inquiry_close,
             f.NoteForm, API, _("close the session"), _("Session closed")),
    ],
    steps=[Step(IK.PLAN, _("Session planned"))],
)

TS = ThemeStatus
THEMES = Workflow(
    model=Theme,
    events=ThemeEvent,
    subject="theme",
    kinds=TK,
    moves=[
        Move(TK.LINK_DEMANDS, (TS.PLANNED, TS.UNDERWAY), None, p.asks, services.theme_link_demands,
             f.LinkDemandsForm, API, _("link demands"), _("Demands linked")),
        Move(TK.BEGIN, (TS.PLANNED,), TS.UNDERWAY, p.is_presidium, services.theme_begin,
             f.BeginForm, API, _("begin the supervision"), _("Supervision begun")),
        Move(TK.INSPECT_THEME, (TS.UNDERWAY,), None, p.asks, services.inspection_record,
             f.InspectForm, API, _("record an inspection day"), _("Inspected on site by deputies")),
        Move(TK.FINISH, (TS.UNDERWAY,), TS.CONCLUDED, p.is_presidium, services.theme_finish,
             f.FinishForm, API, _("conclude with the outcome"), _("Concluded with a standing mechanism")),
    ],
    steps=[Step(TK.LAUNCH, _("Themed supervision planned"))],
)

EVENTS = Workflow(
    model=StationEvent,
    events=StationEventEvent,
    subject="event",
    kinds=XK,
    moves=[
        Move(XK.RECORD_OUTCOME, (StationEventStatus.HELD,), StationEventStatus.COUNTED, p.is_presidium,
             services.station_event_outcome, f.OutcomeForm, API, _("record the outcome"), _("Outcome recorded")),
    ],
    steps=[Step(XK.RECORD_EVENT, _("Event recorded"))],
)

PLANS = Workflow(
    model=SupervisionPlan,
    events=PlanEvent,
    subject="plan",
    kinds=PLK,
    moves=[
        Move(PLK.ADOPT_PLAN, (PlanStatus.DRAFT,), PlanStatus.ADOPTED, p.is_presidium, services.plan_adopt,
             f.AdoptPlanForm, API, _("adopt the plan"), _("Plan adopted by the presidium"),
             when=lambda plan: plan.items.exists()),
    ],
    steps=[Step(PLK.DRAFT_PLAN, _("Plan drafted")), Step(PLK.ADD_ITEM, _("Item added to the plan"))],
)


def _open_item(kinds: tuple[str, ...]) -> Any:
    return lambda item: item.kind in kinds and item.plan.status == PlanStatus.ADOPTED


PLANNED = (PlanItemStatus.PLANNED,)
NOT_REPORTS = (PlanItemKindChoice.THEME, PlanItemKindChoice.INSPECTION)
PLAN_ITEMS = Workflow(
    model=PlanItem,
    events=PlanItemEvent,
    subject="item",
    kinds=PIK,
    moves=[
        Move(PIK.HEAR_REPORT, PLANNED, PlanItemStatus.DONE, p.is_presidium, services.plan_item_hear_report,
             f.HearReportForm, API, _("record the report heard"), _("Report heard and deliberated"),
             when=_open_item((PlanItemKindChoice.REPORT,))),
        Move(PIK.MARK_DONE, PLANNED, PlanItemStatus.DONE, p.is_presidium, services.plan_item_mark_done,
             f.MarkDoneForm, API, _("mark done with the outcome"), _("Done"), when=_open_item(NOT_REPORTS)),
        Move(PIK.DROP_ITEM, PLANNED, PlanItemStatus.DROPPED, p.is_presidium, services.plan_item_drop,
             f.ReasonForm, API, _("drop the item"), _("Dropped from the plan"),
             when=_open_item(tuple(PlanItemKindChoice.values)),
             requires_reason=True, why=_("Say why the item is dropped.")),
    ],
)
# fmt: on

# Moves made only with others (the vote opens and counts every candidate at once): not offered on a page.
NOT_ON_PAGES = {K.PUT_TO_VOTE.value, K.DECIDE.value}
