"""Which events make duty record entries: ONE table, event kind → activity and whose record it lands in.

Wiring another workflow's kind is one line here, e.g. ``(disputes.Event.SESSION, Source(A.MEDIATION))``.
By default an event lands in the record of the acting user's deputy and of every deputy its publisher
listed in ``DomainEvent.data["deputies"]`` (``people.Deputy`` primary keys of the others who took part);
``subject=True`` adds the deputy of the subject (``subject.deputy_id``: a demand's claiming deputy, a
shift's deputy). ``when`` limits it to some events of the kind. The subscriber is ``record.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lianxin.core.events import DomainEvent
from lianxin.demands.events import Event as D
from lianxin.demands.states import Status as DemandStatus
from lianxin.disputes.events import Event as Dispute
from lianxin.disputes.events import HearingEvent
from lianxin.supervision.events import (
    IndustryKind,
    InquiryKind,
    PlanItemKind,
    ProjectKind,
    SuggestionKind,
    ThemeKind,
    VoteKind,
)
from lianxin.tracking.events import TrackingEvent as T

from .events import ActivityEvent, ShiftEvent, VisitEvent
from .kinds import VISIT_ACTIVITY, Activity

A = Activity


@dataclass(frozen=True)
class Source:
    activity: Activity | Callable[[DomainEvent], str]
    actor: bool = True  # the acting user's deputy
    listed: bool = True  # data["deputies"]
    subject: bool = False  # the subject's deputy
    when: Callable[[DomainEvent], bool] | None = None

    def activity_of(self, event: DomainEvent) -> str:
        return str(self.activity) if isinstance(self.activity, str) else self.activity(event)


def _evaluated(e: DomainEvent) -> bool:
    return e.after == DemandStatus.EVALUATED


def _subject_kind(e: DomainEvent) -> str:
    return str(e.subject.kind)


def _visit_kind(e: DomainEvent) -> str:
    return str(VISIT_ACTIVITY[e.subject.kind])


TABLE: list[tuple[Any, Source]] = [
    # the closed loop: what the deputy did, and what became of the demands they took
    (D.RECORD, Source(A.DEMAND_RECORDED)),
    (D.CLAIM, Source(A.DEMAND_CLAIMED)),
    (D.ASSIGN, Source(A.DEMAND_ASSIGNED)),
    (D.CHECK, Source(A.DEMAND_CHECKED)),
    (D.RETURN, Source(A.DEMAND_SUPERVISED)),
    (D.REMIND, Source(A.DEMAND_SUPERVISED)),
    (D.TRANSFER, Source(A.SUGGESTION)),
    # a citizen's (or the hotline's, for the caller) evaluation of a demand the deputy handled
    (D.EVALUATE, Source(A.DEMAND_EVALUATED, actor=False, subject=True, when=_evaluated)),
    (D.CLOSE, Source(A.DEMAND_CLOSED, actor=False, subject=True)),
    # the dispute ledger (lianxin/disputes): the deputy on the supervision seat, the deputies at a hearing
    (Dispute.SESSION, Source(A.MEDIATION)),
    (HearingEvent.HOLD, Source(A.HEARING)),
    # deputies' supervision (lianxin/supervision): the deputies named in data["deputies"] take part too
    (VoteKind.CAST, Source(A.PROJECT_VOTE)),  # a ballot (the presidium records a paper ballot for its deputy)
    (ProjectKind.INSPECT, Source(A.INSPECTION)),
    (ProjectKind.RATE, Source(A.PROJECT_VOTE)),  # the deputies' satisfaction vote at completion
    (InquiryKind.HOLD, Source(A.INQUIRY)),  # every deputy present at the session
    (ThemeKind.INSPECT_THEME, Source(A.INSPECTION)),
    (PlanItemKind.HEAR_REPORT, Source(A.REPORT_HEARD)),  # every deputy present when a report is heard
    # a tracked item (督办) checked by its supervising deputy
    (T.ACCEPT, Source(A.DEMAND_SUPERVISED, listed=False)),
    (T.RETURN, Source(A.DEMAND_SUPERVISED, listed=False)),
    # the duty app's own workflows
    (ShiftEvent.CHECK_IN, Source(A.STATION_DUTY, actor=False, subject=True)),
    (ShiftEvent.RECEPTION, Source(A.RECEPTION, actor=False, subject=True)),
    (VisitEvent.LOG, Source(_visit_kind, actor=False, subject=True)),
    (ActivityEvent.CONFIRM, Source(_subject_kind, actor=False, subject=True)),
]


def key(kind: Any) -> tuple[type, str]:
    """A kind as the table knows it: its class and value. Two workflows may use the same value (a demand's
    "close" and an inquiry session's), and str enums with equal values are equal dictionary keys."""
    return (type(kind), str(kind.value))


SOURCES: dict[tuple[type, str], Source] = {key(kind): source for kind, source in TABLE}
KINDS: list[Any] = [kind for kind, _ in TABLE]

# Kinds whose data names deputies but which are not duty done, each with the reason. The start-up check
# (``checks.py``) refuses a kind that names deputies and is in neither table, so a new one is decided here.
NOT_COUNTING: list[tuple[Any, str]] = [
    (ProjectKind.START, "the project's deputies are named; their inspections and votes count"),
    (SuggestionKind.DRAFT, "the suggestion counts once, when it is transferred upward (demands' transfer)"),
    (SuggestionKind.SUBMIT, "as above"),
    (SuggestionKind.REPLY, "the higher level's reply is not the deputy's work"),
    (SuggestionKind.HANDLE, "the department's handling is not the deputy's work"),
    (SuggestionKind.EVALUATE, "the suggestion counts once, when it is transferred upward"),
    (InquiryKind.ASK, "names no one (an empty list); the session counts when it is held"),
    (InquiryKind.ANSWER, "the session counts once, when it is held"),
    (InquiryKind.CLOSE, "the session counts once, when it is held"),
    (ThemeKind.BEGIN, "being chosen for a theme is not yet work done; its inspections count"),
    (ThemeKind.FINISH, "the theme's inspections count, not its conclusion"),
    (IndustryKind.RECORD_EVENT, "not part of the duty record today (the deputy may enter enterprise help)"),
    (IndustryKind.RECORD_OUTCOME, "as above"),
    (T.OPEN, "being named a tracked item's supervisor is not yet work done; its check counts"),
]
NOT_COUNTED: dict[tuple[type, str], str] = {key(kind): why for kind, why in NOT_COUNTING}
