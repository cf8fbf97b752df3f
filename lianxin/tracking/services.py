"""Writes of tracked items: one service per move of the table in ``workflow.py``, plus the sweep.

Another app raises an item with ``tracked_item_open`` from inside its own service (a hearing's conclusion,
an inquiry commitment, a warning turned into a proactive item), after it has checked its own right; the
office raises one by hand from the tracking pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianxin.accounts.principals import WORKER
from lianxin.core import clock
from lianxin.core.lights import Light, light_for
from lianxin.core.sweep import Deadlines, sweep
from lianxin.core.workflow import Workflow, workflow_of

from .events import TrackingEvent as E
from .models import ON_THE_CLOCK, TrackedItem
from .permissions import may_open


def _flow() -> Workflow:
    return workflow_of(TrackedItem)


def _future(due_at: dt.datetime, field: str = "due_at") -> dt.datetime:
    if due_at <= clock.now():
        raise ValidationError({field: _("The deadline must be later than now.")})
    return due_at


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def tracked_item_open(
    *,
    town: Any,
    origin: str,
    title: str,
    due_at: dt.datetime,
    actor: Any = None,
    department: Any = None,
    owner: Any = None,
    supervisor: Any = None,
    details: str = "",
    source: Any = None,
) -> TrackedItem:
    """Raise an item. Callers are services that have checked their own right, or the office's page
    (``tracked_item_open_by_hand``)."""
    title = _required(title, "title", _("Say what is to be done."))
    if department is None and owner is None:
        raise ValidationError({"department": _("Name the department responsible.")})
    at = clock.now()
    item = TrackedItem.objects.create(
        town_id=getattr(town, "pk", town),
        origin=origin,
        source_type=ContentType.objects.get_for_model(source) if source is not None else None,
        source_id=source.pk if source is not None else None,
        title=title[:200],
        details=details,
        department=department,
        owner=owner,
        supervisor=supervisor,
        due_at=_future(due_at),
        light=light_for(due_at=due_at, at=at),
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=at,
    )
    deputies = [supervisor.pk] if supervisor is not None else []
    _flow().step(item, E.OPEN, actor, note=details, data={"deputies": deputies, "due_at": item.due_at})
    return item


def tracked_item_open_by_hand(*, actor: Any, **fields: Any) -> TrackedItem:
    """The office's own 督办 item, raised from the tracking page."""
    if not may_open(actor):
        raise PermissionDenied(_("Your role does not allow this."))
    return tracked_item_open(town=actor.town, origin="office", actor=actor, **fields)


@transaction.atomic
def tracked_item_progress(*, item: TrackedItem, actor: Any, note: str) -> TrackedItem:
    flow = _flow()
    flow.check(actor, E.PROGRESS, item)
    note = _required(note, "note", _("Say how far the work has come."))
    flow.step(item, E.PROGRESS, actor, note=note)
    return item


@transaction.atomic
def tracked_item_report(*, item: TrackedItem, actor: Any, result: str) -> TrackedItem:
    flow = _flow()
    flow.check(actor, E.REPORT, item)
    result = _required(result, "result", _("Say what was done."))
    return flow.transition(
        item, E.REPORT, actor, checked=True, note=result, result=result, reported_at=clock.now()
    )


@transaction.atomic
def tracked_item_accept(*, item: TrackedItem, actor: Any, note: str = "") -> TrackedItem:
    flow = _flow()
    flow.check(actor, E.ACCEPT, item)
    return flow.transition(item, E.ACCEPT, actor, checked=True, note=note, closed_at=clock.now())


@transaction.atomic
def tracked_item_return(*, item: TrackedItem, actor: Any, reason: str, due_at: dt.datetime) -> TrackedItem:
    """Not done: back to the owner with what is missing and a new deadline (the light starts again)."""
    flow = _flow()
    flow.check(actor, E.RETURN, item)
    reason = reason.strip()  # a blank one is refused by the table (requires_reason)
    due_at = _future(due_at)
    return flow.transition(
        item,
        E.RETURN,
        actor,
        checked=True,
        note=reason,
        data={"reason": reason, "due_at": due_at},
        due_at=due_at,
        light=light_for(due_at=due_at, at=clock.now()),
        escalated_at=None,
        reported_at=None,
        returns=item.returns + 1,
    )


@transaction.atomic
def tracked_item_extend(*, item: TrackedItem, actor: Any, due_at: dt.datetime, reason: str) -> TrackedItem:
    flow = _flow()
    flow.check(actor, E.EXTEND, item)
    reason = reason.strip()  # a blank one is refused by the table (requires_reason)
    due_at = _future(due_at)
    return flow.transition(
        item,
        E.EXTEND,
        actor,
        checked=True,
        note=reason,
        data={"reason": reason, "due_at": due_at},
        due_at=due_at,
        light=light_for(due_at=due_at, at=clock.now()),
        escalated_at=None,
    )


@transaction.atomic
def tracked_item_cancel(*, item: TrackedItem, actor: Any, reason: str) -> TrackedItem:
    flow = _flow()
    flow.check(actor, E.CANCEL, item)
    reason = reason.strip()  # a blank one is refused by the table (requires_reason)
    return flow.transition(item, E.CANCEL, actor, checked=True, note=reason, closed_at=clock.now())


def _on_the_clock() -> QuerySet[TrackedItem]:
    return TrackedItem.objects.restrict(WORKER).filter(status__in=ON_THE_CLOCK)


def _light_changed(item: TrackedItem, light: str, at: dt.datetime) -> None:
    """Yellow: a reminder to the owner; red: the escalation to the office (the notices read the event)."""
    kind = E.RED if light == Light.RED else E.YELLOW
    _flow().step(item, kind, None, data={"due_at": item.due_at})


# What the one sweep (``core.sweep``) recolours for this app; ``apps.py`` adds it to the kit's ``lights``.
TRACKED_ITEM_DEADLINES = Deadlines(name="tracking.item", rows=_on_the_clock, changed=_light_changed)


def tracking_sweep(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, int]:
    """The tracked items' part of the every-minute sweep: recolour the lights of open items, a reminder on
    yellow, an escalation to the office on red (``_light_changed``)."""
    return sweep(TRACKED_ITEM_DEADLINES, at=at, town_id=town_id)
