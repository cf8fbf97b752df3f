from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from .models import Notification

# The bell's two tabs: what the person must act on, and what is for their information.
TABS = ("action", "info")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_by_tab(*, user: Any) -> dict[str, int]:
    """The unread count of each tab, in one indexed query (the header shows both)."""
    if not getattr(user, "is_authenticated", False):
        return dict.fromkeys(TABS, 0)
    counts = Notification.objects.filter(user=user, read_at__isnull=True).aggregate(
        n_action=Count("pk", filter=Q(action=True)), n_info=Count("pk", filter=Q(action=False))
    )
    return {tab: int(counts[f"n_{tab}"] or 0) for tab in TABS}


def notifications_for(*, user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def in_tab(*, user: Any, tab: str) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, action=tab == "action")


def topics(*, user: Any, tab: str) -> QuerySet[Any]:
    """The subjects of a tab, newest first: per subject how many notices, how many unread, the latest."""
    return (
        in_tab(user=user, tab=tab)
        .values("topic")
        .annotate(
            latest=Max("created_at"), total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
        )
        .order_by("-latest", "topic")
    )


@dataclass
class Topic:
    key: str
    total: int
    unread: int
    notes: list[Notification]

    @property
    def newest(self) -> Notification:
        return self.notes[0]


SHOWN_PER_TOPIC = 20  # a subject with more shows its newest twenty and a link to its page


def topics_page(*, user: Any, tab: str, rows: list[dict[str, Any]]) -> list[Topic]:
    """The notices of the subjects on one page (one query), grouped, newest first in each."""
    keys = [r["topic"] for r in rows]
    by_topic: dict[str, list[Notification]] = {k: [] for k in keys}
    for note in in_tab(user=user, tab=tab).filter(topic__in=keys).order_by("-created_at", "-pk"):
        if len(by_topic[note.topic]) < SHOWN_PER_TOPIC:
            by_topic[note.topic].append(note)
    return [
        Topic(r["topic"], r["total"], r["unread"], by_topic[r["topic"]]) for r in rows if by_topic[r["topic"]]
    ]
