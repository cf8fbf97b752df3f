"""Who is told of what happens to a tracked item: its notice table, as data (notify's engine reads it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.models import User
from lianxin.accounts.roles import Capability, roles_with
from lianxin.core.events import DomainEvent
from lianxin.core.notices import Group, Notice, NoticeTable

from .events import TrackingEvent as E

OWNER = "owner"  # the responsible person and the responsible department's staff
SUPERVISOR = "supervisor"  # the supervising deputy
OFFICE = "office"  # the town's congress office


def _note(event: DomainEvent) -> str:
    return event.note[:500]


def _line(to: tuple[str, ...], subject: Any, action: bool = False) -> tuple[Notice, ...]:
    return (Notice(to, subject, _note, action=action),)


NOTICES: dict[E, tuple[Notice, ...]] = {
    E.OPEN: _line((OWNER, SUPERVISOR), _("To do by %(due)s: %(title)s"), action=True),
    E.REPORT: _line((OFFICE, SUPERVISOR), _("Reported done, please check: %(title)s"), action=True),
    E.ACCEPT: _line((OWNER,), _("Accepted as done: %(title)s")),
    E.RETURN: _line(
        (OWNER, SUPERVISOR), _("Returned for more work, new deadline %(due)s: %(title)s"), action=True
    ),
    E.EXTEND: _line((OWNER, SUPERVISOR), _("New deadline %(due)s: %(title)s")),
    E.CANCEL: _line((OWNER, SUPERVISOR), _("Cancelled: %(title)s")),
    E.YELLOW: _line((OWNER,), _("Due soon (%(due)s): %(title)s"), action=True),
    E.RED: _line((OWNER, OFFICE, SUPERVISOR), _("Overdue since %(due)s: %(title)s"), action=True),
}


# Only active accounts are told of a tracked item.
def _owner(event: DomainEvent) -> list[Any]:
    item = event.subject
    found: list[Any] = [item.owner] if item.owner_id and item.owner.is_active else []
    if item.department_id:
        staff = [s.user for s in item.department.staff.select_related("user") if s.user.is_active]
        found.append(Group("department", item.department_id, tuple(staff)))
    return found


def _supervisor(event: DomainEvent) -> list[Any]:
    item = event.subject
    if item.supervisor_id and item.supervisor.user_id and item.supervisor.user.is_active:
        return [item.supervisor.user]
    return []


def _office(event: DomainEvent) -> list[Any]:
    town_id = event.subject.town_id
    members = User.objects.filter(town_id=town_id, role__in=roles_with(Capability.SUPERVISE), is_active=True)
    return [Group("presidium", town_id, tuple(members))]


def _facts(event: DomainEvent) -> dict[str, str]:
    item = event.subject
    return {"title": item.title[:60], "due": f"{timezone.localtime(item.due_at):%m-%d %H:%M}"}


TABLE = NoticeTable(
    name="tracking",
    notices=NOTICES,
    audiences={OWNER: _owner, SUPERVISOR: _supervisor, OFFICE: _office},
    facts=_facts,
    link=lambda e: reverse("tracking:detail", args=[e.subject.pk]),
)
