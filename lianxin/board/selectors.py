"""Reads of the public board. Public reads take a town, never a user: they show published rows only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, QuerySet

from lianxin.core.models import Town
from lianxin.demands.models import Demand
from lianxin.demands.states import DONE, IN_PROGRESS, PUBLISHABLE, STAGES

from .models import Publication


def board_entries(
    *, town: Town, cell_id: int | None = None, category_id: int | None = None, stage: str = ""
) -> QuerySet[Publication]:
    qs = (
        Publication.objects.restrict(AnonymousUser())
        .filter(town=town)
        .select_related("demand__cell", "demand__category")
    )
    if cell_id:
        qs = qs.filter(demand__cell_id=cell_id)
    if category_id:
        qs = qs.filter(demand__category_id=category_id)
    if stage in STAGES:
        qs = qs.filter(demand__status__in=STAGES[stage])
    return qs.order_by("-recorded_at", "-pk")  # the publication's own column, in its index


@dataclass
class BoardTotals:
    done: int
    in_progress: int
    by_cell: list[tuple[int, str, int]]
    by_category: list[tuple[int, str, int]]


# The totals group every published row of the town: kept in the shared cache for a minute, and dropped when
# a publication changes or a demand moves between "in progress" and "done" (``board/apps.py``).
TOTALS_SECONDS = 60


def _totals_key(town_id: int) -> str:
    return f"lianxin:board-totals:{town_id}"


def totals_changed(town_id: int) -> None:
    cache.delete(_totals_key(town_id))


def board_totals(*, town: Town) -> BoardTotals:
    found = cache.get(_totals_key(town.pk))
    if isinstance(found, BoardTotals):
        return found
    totals = _count_totals(town)
    cache.set(_totals_key(town.pk), totals, TOTALS_SECONDS)
    return totals


def _count_totals(town: Town) -> BoardTotals:
    qs = board_entries(town=town)
    by_cell = (
        qs.filter(demand__cell__isnull=False)
        .values_list("demand__cell_id", "demand__cell__name")
        .annotate(n=Count("id"))
        .order_by("demand__cell__code")
    )
    by_category = (
        qs.values_list("demand__category_id", "demand__category__name")
        .annotate(n=Count("id"))
        .order_by("demand__category__name")
    )
    return BoardTotals(
        done=qs.filter(demand__status__in=DONE).count(),
        in_progress=qs.filter(demand__status__in=IN_PROGRESS).count(),
        by_cell=list(by_cell),
        by_category=list(by_category),
    )


def redaction_queue(*, user: Any, stage: str = "waiting") -> QuerySet[Any]:
    """Demands the presidium may publish: in their scope, handled or done; ``waiting`` = not yet public."""
    qs = (
        Demand.objects.restrict(user)
        .filter(status__in=PUBLISHABLE)
        .select_related("cell", "category", "publication")
        .order_by("-created_at")
    )
    if stage == "waiting":
        qs = qs.exclude(publication__published=True)
    elif stage == "published":
        qs = qs.filter(publication__published=True)
    return qs
