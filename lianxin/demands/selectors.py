"""Reads for the staff workbench: inboxes, the three lists, a demand's page. Every query starts from
``Demand.objects.restrict(user)``, so nothing outside the user's town and role is ever read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.accounts.scoping import towns_visible_to
from lianxin.core.lights import Light
from lianxin.core.paging import capped_count
from lianxin.core.workflow import Move, workflow_of
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station

from . import counters
from .events import Event
from .models import (
    Category,
    Channel,
    Demand,
    DemandEvent,
    Evaluation,
    EvaluatorRole,
    Extension,
    ExtensionStatus,
    PersonalDataAccess,
    Reminder,
    Verdict,
)
from .states import ASSIGNMENT_LIST, COMPLETION_LIST, ON_THE_CLOCK, PROBLEM_LIST, TERMINAL, Status

# The three lists (三张清单): URL slug → statuses and title.
LISTS: dict[str, tuple[tuple[Status, ...], str | Promise]] = {
    "problem": (PROBLEM_LIST, _("Problem list")),
    "assignment": (ASSIGNMENT_LIST, _("Assignment list")),
    "completion": (COMPLETION_LIST, _("Completion list")),
}


@dataclass
class Tab:
    key: str
    label: str | Promise
    demands: QuerySet[Demand]
    count: int = field(default=0)


def _rows(qs: QuerySet[Demand]) -> QuerySet[Demand]:
    """What a row of an inbox or a list shows, in one query."""
    return qs.select_related("category", "cell", "deputy", "assignment", "assignment__department")


def _deputy(user: Any) -> Any:
    return getattr(user, "deputy", None)


def _department_id(user: Any) -> int | None:
    staff = getattr(user, "department_staff", None)
    return staff.department_id if staff else None


def _tabs(specs: list[tuple[str, str | Promise, QuerySet[Demand]]]) -> list[Tab]:
    """The tabs of an inbox, each counted no further than its pages go (``core/paging.py``)."""
    return [Tab(key, label, _rows(qs), capped_count(qs)) for key, label, qs in specs]


def deputy_inbox(*, user: Any) -> list[Tab]:
    """Unclaimed in my cells (and items nobody has placed in a cell yet), mine in progress, due soon,
    overdue."""
    deputy = _deputy(user)
    visible = Demand.objects.restrict(user)
    if deputy is None:
        visible = visible.none()
    mine = visible.filter(deputy=deputy)
    clock = mine.filter(status__in=ON_THE_CLOCK)
    return _tabs(
        [
            (
                "unclaimed",
                _("Unclaimed in my cells"),
                visible.filter(status=Status.RECORDED).filter(
                    Q(cell__deputy_links__deputy=deputy) | Q(cell__isnull=True)
                ),
            ),
            ("mine", _("Mine in progress"), mine.exclude(status__in=TERMINAL)),
            (
                "due_soon",
                _("Due soon"),
                clock.filter(assignment__light=Light.YELLOW).order_by("assignment__due_at"),
            ),
            (
                "overdue",
                _("Overdue"),
                clock.filter(assignment__light=Light.RED).order_by("assignment__due_at"),
            ),
        ]
    )


def department_inbox(*, user: Any) -> list[Tab]:
    """What my department leads on: to accept, in progress, due soon, returned for rework, overdue."""
    dept = _department_id(user)
    visible = Demand.objects.restrict(user)
    lead = visible.filter(assignment__department_id=dept) if dept else visible.none()
    return _tabs(
        [
            ("to_accept", _("To accept"), lead.filter(status=Status.ASSIGNED).order_by("assignment__due_at")),
            (
                "in_progress",
                _("In progress"),
                lead.filter(status=Status.ACCEPTED).order_by("assignment__due_at"),
            ),
            (
                "due_soon",
                _("Due soon"),
                lead.filter(status__in=ON_THE_CLOCK, assignment__light=Light.YELLOW).order_by(
                    "assignment__due_at"
                ),
            ),
            ("returned", _("Returned"), lead.filter(status=Status.RETURNED).order_by("assignment__due_at")),
            (
                "overdue",
                _("Overdue"),
                lead.filter(status__in=ON_THE_CLOCK, assignment__light=Light.RED).order_by(
                    "assignment__due_at"
                ),
            ),
        ]
    )


def reads_whole_towns(user: Any) -> bool:
    """Does the user read every demand of their towns (so the kept counts are theirs)?"""
    return bool(getattr(user, "is_authenticated", False)) and can(user, Capability.READ_TOWN_CASES)


def status_counts(*, user: Any) -> dict[str, int]:
    """How many visible demands are in each status, in one query: the kept counts of the user's towns for
    who reads them whole (``counters.py``); counted live for a scope that depends on the user (a deputy's
    cells, a department's assignments, one's own), which is small and indexed."""
    if reads_whole_towns(user):
        return counters.counts(towns_visible_to(user))
    visible = Demand.objects.restrict(user)
    return visible.aggregate(**{s: Count("pk", filter=Q(status=s), distinct=True) for s in Status.values})


def overview(*, user: Any, counts: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """The three lists with their totals and a count per status (``counts``: already read)."""
    counts = counts if counts is not None else status_counts(user=user)
    return [
        {
            "key": key,
            "label": label,
            "total": sum(counts[s] for s in statuses),
            "by_status": [(s, s.label, counts[s]) for s in statuses],
        }
        for key, (statuses, label) in LISTS.items()
    ]


def list_demands(*, user: Any, kind: str) -> QuerySet[Demand]:
    statuses, _label = LISTS[kind]
    return _rows(Demand.objects.restrict(user).filter(status__in=statuses)).prefetch_related(
        Prefetch("evaluations", queryset=Evaluation.objects.order_by("at", "pk"))
    )


def demand_detail(*, user: Any, code: str) -> QuerySet[Demand]:
    """The demand with everything its page shows; ``.get()`` it (404 when outside the user's scope)."""
    visible: QuerySet[Demand] = Demand.objects.restrict(user)
    return (
        visible.filter(code=code)  # type: ignore[type-var]  # stubs: Prefetch of a custom queryset
        .select_related(
            "category",
            "cell",
            "station",
            "deputy",
            "addressed_to",
            "recorded_by",
            "merged_into",
            "assignment",
            "assignment__department",
            "assignment__assigned_by",
        )
        .prefetch_related(
            Prefetch("events", queryset=DemandEvent.objects.select_related("actor").order_by("at", "pk")),
            Prefetch("evaluations", queryset=Evaluation.objects.select_related("by").order_by("at", "pk")),
            "attachments",
            "assignment__co_departments",
            Prefetch("assignment__reminders", queryset=Reminder.objects.select_related("by").order_by("at")),
            Prefetch(
                "assignment__extensions",
                queryset=Extension.objects.select_related("requested_by", "decided_by").order_by(
                    "requested_at"
                ),
            ),
        )
    )


def phone_accesses(*, user: Any, demand: Demand) -> QuerySet[PersonalDataAccess]:
    """The call-back record of a demand, as far as the user may read it (the presidium: all of it)."""
    return (
        PersonalDataAccess.objects.restrict(user).filter(demand=demand).select_related("user").order_by("at")
    )


def assignment_of(demand: Demand) -> Any:
    return getattr(demand, "assignment", None)


def pending_extension(demand: Demand) -> Extension | None:
    assignment = assignment_of(demand)
    if assignment is None:
        return None
    return next((e for e in assignment.extensions.all() if e.status == ExtensionStatus.PENDING), None)


def actions_for(*, user: Any, demand: Demand) -> list[Move]:
    """The moves this user may make on this demand now: from its status, by right and by condition
    (an extension is asked once at a time, and decided only while one waits)."""
    return workflow_of(Demand).allowed(user, demand)


# --- choices for forms and filters, scoped to the user's towns ----------------------------------------
def cells_for(user: Any) -> QuerySet[GridCell]:
    return GridCell.objects.restrict(user).order_by("code")


def stations_for(user: Any) -> QuerySet[Station]:
    return Station.objects.restrict(user).order_by("kind", "name")


def categories_for(user: Any, *, active_only: bool = False) -> QuerySet[Category]:
    qs = Category.objects.restrict(user).order_by("domain", "name")
    return qs.filter(active=True) if active_only else qs


def departments_for(user: Any, *, active_only: bool = False) -> QuerySet[Department]:
    qs = Department.objects.restrict(user).order_by("name")
    return qs.filter(active=True) if active_only else qs


def deputies_for(user: Any) -> QuerySet[Deputy]:
    return Deputy.objects.restrict(user).order_by("name")


def citizen_verdict(demand: Demand) -> Evaluation | None:
    """The latest citizen evaluation (uses prefetched evaluations when present)."""
    citizen = [e for e in demand.evaluations.all() if e.role == EvaluatorRole.CITIZEN]
    return citizen[-1] if citizen else None


@dataclass
class Step:
    at: dt.datetime
    label: str | Promise
    actor: Any
    before: str | Promise
    after: str | Promise
    note: str
    kind: str = ""


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def system_note(kind: str, note: str, data: dict[str, Any], demand: Demand) -> str:
    """The note of an event the system worded, in the reader's language: rebuilt from the event's kind and
    data at display time (the stored text is in the language of whoever's request wrote it). A note a
    person typed is theirs, shown as written."""
    if kind == Event.LINK_REQUESTER:
        return str(_("The requester signed in with the phone number of this demand."))
    if (
        kind == Event.RECORD
        and demand.channel in Channel.values
        and note in _labels(Channel(demand.channel).label)
    ):
        return str(demand.get_channel_display())
    if kind == Event.EVALUATE and data.get("verdict") in Verdict.values:
        return f"{Verdict(data['verdict']).label} {data.get('comment', '')}".strip()
    if kind in (Event.SWEEP_YELLOW, Event.SWEEP_RED) and (due := _MOMENT.search(note)):
        text = _("Due at %(due)s") if kind == Event.SWEEP_YELLOW else _("Overdue since %(due)s")
        return str(text) % {"due": due.group(0)}
    return note


def _labels(label: Any) -> set[str]:
    """A lazy label in each of the site's languages (what a note written in any of them reads)."""
    out = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.add(str(label))
    return out


def timeline(demand: Demand) -> list[Step]:
    """Every event of the demand, oldest first (prefetched by ``demand_detail``)."""

    flow = workflow_of(Demand)

    def status_label(value: str) -> str | Promise:
        return Status(value).label if value in Status.values else value

    return [
        Step(
            at=e.at,
            label=flow.staff_label(e.action),
            actor=e.actor,
            before=status_label(e.from_status) if e.from_status != e.to_status else "",
            after=status_label(e.to_status) if e.from_status != e.to_status else "",
            note=system_note(e.action, e.note, e.data, demand),
            kind=e.action,
        )
        for e in demand.events.all()
    ]


# --- one loop, many citizens: demands merged into another -------------------------------------------
def merged_in(demand: Demand) -> list[Demand]:
    """Every demand merged into this one, directly or through another merged one."""
    out: list[Demand] = []
    frontier = [demand.pk]
    while frontier:
        rows = list(Demand.objects.filter(merged_into_id__in=frontier).select_related("requester"))
        out += rows
        frontier = [d.pk for d in rows]
    return out


def loop_of(demand: Demand) -> Demand:
    """The demand whose handling answers this one: itself, or the one it was merged into (followed)."""
    seen = {demand.pk}
    while demand.merged_into_id is not None and demand.merged_into_id not in seen:
        seen.add(demand.merged_into_id)
        demand = Demand.objects.get(pk=demand.merged_into_id)
    return demand


def citizen_voices_left(demand: Demand, actor: Any = None) -> bool:
    """May one more citizen's verdict be recorded on the completed result? Each citizen of the loop (the
    demand's own and each merged one's) has one voice per completion; a citizen account, one of them."""
    if demand.status == Status.COMPLETED:
        return True
    if demand.status != Status.EVALUATED:
        return False
    assignment = assignment_of(demand)
    since = assignment.completed_at if assignment is not None else None
    voices = demand.evaluations.filter(role=EvaluatorRole.CITIZEN)
    if since is not None:
        voices = voices.filter(at__gte=since)
    merged = merged_in(demand)
    if voices.count() >= 1 + len(merged):
        return False
    citizens = {demand.requester_id, *(m.requester_id for m in merged)} - {None}
    pk = getattr(actor, "pk", None)
    return pk not in citizens or not voices.filter(by_id=pk).exists()
