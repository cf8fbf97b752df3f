"""Who is told of what: the demand's notice table, as data; notify's one notice engine reads it.

Each kind of event lists its notices: the audiences told, the subject (with ``%(code)s``, ``%(title)s``,
``%(name)s`` the claiming deputy, ``%(other)s`` the demand merged into, ``%(dept)s`` the lead department,
``%(due)s`` the deadline in local time, ``%(cell)s`` the demand's cell), the body, and whether SMS and e-mail go too. The citizen is told
in the app when they have an account, else by SMS to the phone they gave, with the link to their own page
(the portal registers it); so is the citizen of every demand merged into this one (one loop answers them
all). The engine queues the messages in the outbox inside the change's transaction, so they exist if and
only if the change does. The table is registered in ``DemandsConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.models import User
from lianxin.accounts.roles import Capability, roles_with
from lianxin.core import notices as core
from lianxin.core.events import DomainEvent
from lianxin.core.notices import CITIZEN, Citizen, Group, NoticeTable
from lianxin.people.models import Department, Deputy

from .events import Event
from .selectors import merged_in
from .states import Status

CELL_DEPUTIES = "cell_deputies"
ADDRESSED_DEPUTY = "addressed_deputy"
CLAIMING_DEPUTY = "claiming_deputy"
LEAD_DEPARTMENT = "lead_department"
CO_DEPARTMENTS = "co_departments"
PRESIDIUM = "presidium"
PREVIOUS_DEPUTY = "previous_deputy"  # who held it before a re-route (event data ``previous``)
PREVIOUS_DEPARTMENT = "previous_department"


def _fact(name: str, limit: int | None = None) -> Callable[[DomainEvent], str]:
    def body(event: DomainEvent) -> str:
        text = str(event.data.get(name, "") or "")
        return text[:limit] if limit else text

    return body


def _demand(attr: str, limit: int | None = None) -> Callable[[DomainEvent], str]:
    def body(event: DomainEvent) -> str:
        text = str(getattr(event.subject, attr) or "")
        return text[:limit] if limit else text

    return body


def _returned(event: DomainEvent) -> bool:
    return event.after == Status.RETURNED


def _unclaimed(event: DomainEvent) -> bool:
    return event.subject.deputy_id is None


def _deadline(event: DomainEvent) -> str:
    """The citizen's body of an assignment: the deadline, never the office's wording of the matter."""
    due = event.data.get("due_at")
    return str(_("To be handled by %(due)s.")) % {"due": _when(due)} if due else ""


def Notice(  # the table reads as it did: ``sms=True, email=True`` on a line
    to: tuple[str, ...],
    subject: str | Promise,
    body: Callable[[DomainEvent], str],
    sms: bool = False,
    email: bool = False,
    when: Callable[[DomainEvent], bool] | None = None,
    template: str = "",
    action: bool = False,
    key: str = "",
) -> core.Notice:
    """``template``: the SMS template a real gateway texts it with (lianxin/notify/sms.py, TEMPLATES)."""
    channels = (*(("sms",) if sms else ()), *(("email",) if email else ()))
    return core.Notice(
        to=to,
        subject=subject,
        body=body,
        channels=channels,
        when=when,
        template=template,
        action=action,
        key=key,
    )


# Every audience gets words meant for it: the citizen is asked to evaluate, the office to review.
_completed = _("Demand %(code)s completed: please evaluate")
_rework = (
    Notice(
        (LEAD_DEPARTMENT,),
        _("Demand %(code)s returned for rework under supervision, new deadline %(due)s"),
        _fact("reason"),
        sms=True,
        email=True,
        when=_returned,
        template="rework",
        action=True,
        key="demands.rework",  # one kind in the settings, whichever of the three events returned it
    ),
    Notice(
        (CLAIMING_DEPUTY, PRESIDIUM),
        _("Demand %(code)s was rejected and returned to %(dept)s, new deadline %(due)s"),
        _fact("reason"),
        when=_returned,
        key="demands.rejected",
    ),
)


def _receipt(event: DomainEvent) -> str:
    return str(_("Keep the code: with it you follow the demand and evaluate the result."))


NOTICES: dict[Event, tuple[core.Notice, ...]] = {
    Event.RECORD: (
        Notice(
            (CELL_DEPUTIES, ADDRESSED_DEPUTY),
            _("New demand in your cell: %(title)s"),
            _demand("description", 140),
            action=True,
        ),
        # The citizen's receipt: the code and the link to follow it (issue 10, point 1).
        Notice((CITIZEN,), _("Your demand is recorded, code %(code)s"), _receipt, template="receipt"),
    ),
    Event.CLAIM: (
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s was taken by deputy %(name)s"),
            _demand("title"),
            template="progress",
        ),
    ),
    Event.MERGE: (
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s is handled together with %(other)s"),
            _fact("note"),
            template="progress",
        ),
    ),
    Event.DECLINE: (
        Notice((CITIZEN,), _("Your demand %(code)s was not taken up"), _fact("reason"), template="progress"),
    ),
    Event.TRANSFER: (
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s was carried to a higher level as a deputy's suggestion"),
            _fact("note"),
            template="progress",
        ),
    ),
    Event.ASSIGN: (
        Notice(
            (LEAD_DEPARTMENT, CO_DEPARTMENTS),
            _("New assignment %(code)s, due %(due)s"),
            _fact("matter"),
            sms=True,
            email=True,
            template="assignment",
            action=True,
        ),
        Notice(
            (CITIZEN,), _("Your demand %(code)s was assigned to %(dept)s"), _deadline, template="progress"
        ),
    ),
    Event.BOUNCE: (
        Notice((CLAIMING_DEPUTY,), _("Assignment %(code)s was sent back"), _fact("reason"), action=True),
    ),
    Event.COMPLETE: (
        Notice(
            (PRESIDIUM, CLAIMING_DEPUTY),
            _("%(dept)s reports %(code)s completed: review the result"),
            _fact("result", 140),
            action=True,
        ),
        Notice((CITIZEN,), _completed, _fact("result", 140), template="completed"),
    ),
    Event.EVALUATE: _rework,
    Event.CHECK: _rework,
    Event.RETURN: _rework,
    Event.CLOSE: (
        Notice((CITIZEN,), _("Demand %(code)s is closed. Thank you."), _fact("note"), template="closed"),
    ),
    Event.REQUEST_EXTENSION: (
        Notice((PRESIDIUM,), _("Extension requested for %(code)s"), _fact("reason"), action=True),
    ),
    Event.DECIDE_EXTENSION: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("Extension approved for %(code)s"),
            _fact("note"),
            when=lambda e: bool(e.data.get("approve")),
        ),
        Notice(
            (LEAD_DEPARTMENT,),
            _("Extension refused for %(code)s"),
            _fact("note"),
            when=lambda e: not e.data.get("approve"),
        ),
    ),
    Event.REMIND: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("Reminder: %(code)s"),
            _fact("note"),
            sms=True,
            email=True,
            template="reminder",
            action=True,
        ),
    ),
    Event.SWEEP_YELLOW: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("Due soon: %(code)s"),
            _fact("note"),
            sms=True,
            email=True,
            template="reminder",
            action=True,
        ),
    ),
    Event.SWEEP_RED: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("Overdue: %(code)s"),
            _fact("note"),
            sms=True,
            email=True,
            template="overdue",
            action=True,
        ),
        Notice(
            (PRESIDIUM,),
            _("Escalated: %(code)s is overdue"),
            lambda e: f"{e.subject.assignment.department} · {e.data.get('note', '')}",
            action=True,
        ),
    ),
    Event.PROGRESS: (
        Notice((CITIZEN,), _("Progress on your demand %(code)s"), _fact("reply", 140), template="progress"),
        Notice((CLAIMING_DEPUTY,), _("%(dept)s replied to the citizen on %(code)s"), _fact("reply", 140)),
    ),
    Event.RELOCATE: (
        Notice(
            (CELL_DEPUTIES,),
            _("Demand moved to your cell: %(title)s"),
            _fact("reason"),
            when=_unclaimed,
            action=True,
        ),
        Notice(
            (CLAIMING_DEPUTY, LEAD_DEPARTMENT), _("Demand %(code)s now belongs to %(cell)s"), _fact("reason")
        ),
        Notice(
            (CITIZEN,),
            _("The place of your demand %(code)s is now %(cell)s"),
            _demand("title"),
            template="progress",
        ),
    ),
    Event.APPOINT: (
        Notice(
            (CLAIMING_DEPUTY,),
            _("The presidium put demand %(code)s in your hands"),
            _fact("reason"),
            action=True,
        ),
        Notice(
            (PREVIOUS_DEPUTY, LEAD_DEPARTMENT),
            _("Demand %(code)s is now held by deputy %(name)s"),
            _fact("reason"),
        ),
        Notice(
            (CITIZEN,),
            _("Your demand %(code)s was taken by deputy %(name)s"),
            _demand("title"),
            template="progress",
        ),
    ),
    Event.REASSIGN: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("New assignment %(code)s, due %(due)s"),
            lambda e: e.subject.assignment.matter,
            sms=True,
            email=True,
            template="assignment",
            action=True,
            key="demands.assign",  # a new assignment, as after ASSIGN: one kind in the settings
        ),
        Notice(
            (PREVIOUS_DEPARTMENT, CLAIMING_DEPUTY),
            _("Assignment %(code)s was moved to %(dept)s"),
            _fact("reason"),
        ),
        Notice(
            (CITIZEN,), _("Your demand %(code)s was assigned to %(dept)s"), _deadline, template="progress"
        ),
    ),
    Event.EXTEND: (
        Notice(
            (LEAD_DEPARTMENT,),
            _("Deadline of %(code)s extended to %(due)s"),
            _fact("reason"),
            sms=True,
            template="deadline",
        ),
        Notice((CLAIMING_DEPUTY,), _("Deadline of %(code)s extended to %(due)s"), _fact("reason")),
    ),
}


# --- audiences: people, or groups whose members are told ---------------------------------------------
def _department(department: Any) -> list[Any]:
    if department is None:
        return []
    return [
        Group("department", department.pk, tuple(s.user for s in department.staff.select_related("user")))
    ]


def _lead(event: DomainEvent) -> Any:
    if "department" in event.data:
        return event.data["department"]
    if event.kind == Event.RECORD:  # nothing is assigned yet: no look-up
        return None
    assignment = getattr(event.subject, "assignment", None)
    return assignment.department if assignment is not None else None


def _cell_deputies(event: DomainEvent) -> list[Any]:
    demand = event.subject
    deputies = Deputy.objects.filter(town_id=demand.town_id, user__isnull=False).select_related("user")
    if demand.cell_id:
        deputies = deputies.filter(cell_links__cell_id=demand.cell_id)
    return [Group("cell_deputies", demand.cell_id, tuple(d.user for d in deputies.distinct()))]


def _addressed(event: DomainEvent) -> list[Any]:
    deputy = event.subject.addressed_to
    return [deputy.user] if deputy is not None and deputy.user_id else []


def _claiming(event: DomainEvent) -> list[Any]:
    demand = event.subject
    return [demand.deputy.user] if demand.deputy_id and demand.deputy.user_id else []


def _previous_deputy(event: DomainEvent) -> list[Any]:
    previous = event.data.get("previous")
    return [previous.user] if isinstance(previous, Deputy) and previous.user_id else []


def _previous_department(event: DomainEvent) -> list[Any]:
    previous = event.data.get("previous")
    return _department(previous) if isinstance(previous, Department) else []


def _co_departments(event: DomainEvent) -> list[Any]:
    return [g for d in event.data.get("co_departments", ()) for g in _department(d)]


def _presidium(event: DomainEvent) -> list[Any]:
    town_id = event.subject.town_id
    members = User.objects.filter(town_id=town_id, role__in=roles_with(Capability.SUPERVISE), is_active=True)
    return [Group("presidium", town_id, tuple(members))]


AUDIENCES: dict[str, Callable[[DomainEvent], list[Any]]] = {
    CELL_DEPUTIES: _cell_deputies,
    ADDRESSED_DEPUTY: _addressed,
    CLAIMING_DEPUTY: _claiming,
    LEAD_DEPARTMENT: lambda e: _department(_lead(e)),
    PREVIOUS_DEPUTY: _previous_deputy,
    PREVIOUS_DEPARTMENT: _previous_department,
    CO_DEPARTMENTS: _co_departments,
    PRESIDIUM: _presidium,
}


def _citizens(event: DomainEvent) -> list[Citizen]:
    """The requester, and the requester of every demand merged into this one (a demand just recorded has
    none yet); each follows their own demand's page."""
    demand = event.subject
    found = [Citizen(demand.requester if demand.requester_id else None, demand.requester_phone, demand)]
    if event.kind != Event.RECORD:
        found += [
            Citizen(m.requester if m.requester_id else None, m.requester_phone, m, facts={"code": m.code})
            for m in merged_in(demand)
        ]
    return found


def _facts(event: DomainEvent) -> dict[str, Any]:
    demand = event.subject
    due = event.data.get("due_at")
    into = event.data.get("into")
    return {
        "code": demand.code,
        "title": demand.title,
        "name": demand.deputy.name if demand.deputy_id else "",
        "other": into.code if into is not None else "",
        "dept": _lead(event) or "",
        "due": _when(due) if due else "",
        "cell": demand.cell or "",
    }


def _when(moment: Any) -> str:
    """A time as the town reads it (Asia/Shanghai), however the server's clock is set."""
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


TABLE = NoticeTable(
    name="demands",
    notices=NOTICES,
    audiences=AUDIENCES,
    facts=_facts,
    link=lambda e: reverse("demands:detail", args=[e.subject.code]),
    citizens=_citizens,
)
