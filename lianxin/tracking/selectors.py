"""Reads of tracked items: every one starts from the principal's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from lianxin.core.lights import Light
from lianxin.core.workflow import workflow_of

from .models import CLOSED, ON_THE_CLOCK, TrackedItem, TrackedItemEvent, TrackingStatus

TABS = {
    "open": Q(status__in=ON_THE_CLOCK),
    "overdue": Q(status__in=ON_THE_CLOCK, light=Light.RED),
    "reported": Q(status=TrackingStatus.REPORTED),
    "closed": Q(status__in=CLOSED),
}


def items_for(*, user: Any, tab: str = "open", origin: str = "") -> QuerySet[TrackedItem]:
    qs = TrackedItem.objects.restrict(user).filter(TABS.get(tab, TABS["open"]))
    if origin:
        qs = qs.filter(origin=origin)
    return qs.select_related("department", "supervisor", "owner").order_by("due_at", "pk")


def tab_counts(*, user: Any) -> dict[str, int]:
    """Every tab's count in one query."""
    qs = TrackedItem.objects.restrict(user)
    return qs.aggregate(**{name: Count("pk", filter=cond) for name, cond in TABS.items()})


def item_detail(*, user: Any, pk: int) -> QuerySet[TrackedItem]:
    return (
        TrackedItem.objects.restrict(user)
        .filter(pk=pk)
        .select_related("department", "supervisor", "owner", "created_by", "source_type")
    )


def timeline(item: TrackedItem) -> list[dict[str, Any]]:
    flow = workflow_of(TrackedItem)
    rows = TrackedItemEvent.objects.filter(item=item).select_related("actor").order_by("at", "pk")
    return [
        {"at": e.at, "label": flow.staff_label(e.action), "actor": e.actor, "note": e.note, "kind": e.action}
        for e in rows
    ]


def items_of_source(*, user: Any, source: Any) -> QuerySet[TrackedItem]:
    """The items raised from one object (a hearing, an inquiry session…), in the reader's scope."""
    return (
        TrackedItem.objects.restrict(user)
        .filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)
        .select_related("department")
        .order_by("due_at", "pk")
    )
