"""Who is told of what happens to a tracked item (one table, one subscriber, as for demands)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.accounts.models import User
from lianxin.accounts.roles import Capability, roles_with
from lianxin.core.events import DomainEvent, subscribe
from lianxin.notify.services import in_town_language, notify

from .events import TrackingEvent as E

OWNER = "owner"  # the responsible person and the responsible department's staff
SUPERVISOR = "supervisor"  # the supervising deputy
OFFICE = "office"  # the town's congress office

NOTICES: dict[E, tuple[tuple[str, ...], Any]] = {
    E.OPEN: ((OWNER, SUPERVISOR), _("To do by %(due)s: %(title)s")),
    E.REPORT: ((OFFICE, SUPERVISOR), _("Reported done, please check: %(title)s")),
    E.ACCEPT: ((OWNER,), _("Accepted as done: %(title)s")),
    E.RETURN: ((OWNER, SUPERVISOR), _("Returned for more work, new deadline %(due)s: %(title)s")),
    E.EXTEND: ((OWNER, SUPERVISOR), _("New deadline %(due)s: %(title)s")),
    E.CANCEL: ((OWNER, SUPERVISOR), _("Cancelled: %(title)s")),
    E.YELLOW: ((OWNER,), _("Due soon (%(due)s): %(title)s")),
    E.RED: ((OWNER, OFFICE, SUPERVISOR), _("Overdue since %(due)s: %(title)s")),
}


def audience(name: str, item: Any) -> list[Any]:
    if name == OWNER:
        users = [item.owner] if item.owner_id else []
        if item.department_id:
            users += [s.user for s in item.department.staff.select_related("user")]
        return users
    if name == SUPERVISOR:
        return [item.supervisor.user] if item.supervisor_id and item.supervisor.user_id else []
    if name == OFFICE:
        return list(
            User.objects.filter(
                town_id=item.town_id, role__in=roles_with(Capability.SUPERVISE), is_active=True
            )
        )
    raise KeyError(name)


@subscribe(E)
@in_town_language
def tell(event: DomainEvent) -> None:
    """Queue the table's notice for this event, inside the change's transaction; never the actor."""
    entry = NOTICES.get(event.kind)  # type: ignore[call-overload]
    if entry is None:
        return
    item = event.subject
    to, subject = entry
    actor_pk = getattr(event.actor, "pk", None)
    users = [u for name in to for u in audience(name, item) if u.is_active and u.pk != actor_pk]
    notify(
        town_id=item.town_id,
        users=users,
        subject=str(subject)
        % {"title": item.title[:60], "due": f"{timezone.localtime(item.due_at):%m-%d %H:%M}"},
        body=event.note[:500],
        url=reverse("tracking:detail", args=[item.pk]),
    )
