"""Similar open demands: the same matter reported again, in the same or a neighbouring cell, lately.

The score weighs the text (rapidfuzz's token-set ratio over jieba words), the place (same cell, a
neighbouring cell whose boundary touches it, or unknown) and the time (newer is likelier).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz
from shapely.geometry import shape

from lianxin.core import clock
from lianxin.demands.models import Demand
from lianxin.demands.states import TERMINAL
from lianxin.territory.models import GridCell

from . import text

WINDOW = dt.timedelta(days=30)
TEXT_FLOOR = 0.45  # below this the texts are about different things, whatever the place
THRESHOLD = 0.6
WEIGHTS = {"text": 0.6, "place": 0.25, "time": 0.15}
PLACE = {"same": 1.0, "neighbour": 0.6, "unknown": 0.4}
LIMIT = 5


@dataclass(frozen=True)
class Duplicate:
    demand: Demand
    confidence: float
    text: float
    place: str


def neighbours(town_id: int, cell_id: int) -> frozenset[int]:
    """The cells of the town whose boundary touches or overlaps this cell's."""
    rows = dict(GridCell.objects.filter(town_id=town_id).values_list("pk", "boundary"))
    if not rows.get(cell_id):
        return frozenset()
    mine = shape(rows[cell_id])
    return frozenset(pk for pk, b in rows.items() if pk != cell_id and b and mine.distance(shape(b)) < 1e-6)


def similar(
    *,
    principal: Any,
    town_id: int,
    content: str,
    cell_id: int | None,
    exclude: int | None = None,
    at: dt.datetime | None = None,
) -> list[Duplicate]:
    """Open demands the principal may read that look like this text, best first."""
    at = at or clock.now()
    rows = (
        Demand.objects.restrict(principal)
        .filter(town_id=town_id, created_at__gte=at - WINDOW, created_at__lte=at)
        .exclude(status__in=TERMINAL)
        .select_related("category", "cell")
    )
    near: frozenset[int] = frozenset()
    if cell_id is not None:
        near = neighbours(town_id, cell_id)
        rows = rows.filter(cell_id__in=[cell_id, *near]) | rows.filter(cell__isnull=True)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    mine = text.joined(content)
    if not mine:
        return []
    out = []
    for demand in rows.order_by("-created_at")[:500]:
        ratio = fuzz.token_set_ratio(mine, text.joined(f"{demand.title} {demand.description}")) / 100
        if ratio < TEXT_FLOOR:
            continue
        if cell_id is None or demand.cell_id is None:
            place = "unknown"
        else:
            place = (
                "same" if demand.cell_id == cell_id else "neighbour" if demand.cell_id in near else "unknown"
            )
        age = max((at - demand.created_at).total_seconds(), 0) / WINDOW.total_seconds()
        score = WEIGHTS["text"] * ratio + WEIGHTS["place"] * PLACE[place] + WEIGHTS["time"] * (1 - age)
        if score >= THRESHOLD:
            out.append(Duplicate(demand, round(score, 3), round(ratio, 3), place))
    out.sort(key=lambda d: -d.confidence)
    return out[:LIMIT]
