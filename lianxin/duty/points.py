"""履职积分: points = Σ (activities of a kind × the presidium's weight for that kind), shown line by line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from .kinds import Activity
from .models import DutyEntry, PointWeight

A = Activity
# Used for a kind until the presidium sets its own weight.
DEFAULT_WEIGHTS: dict[str, Decimal] = {
    A.DEMAND_RECORDED: Decimal("1"),
    A.DEMAND_CLAIMED: Decimal("2"),
    A.DEMAND_ASSIGNED: Decimal("2"),
    A.DEMAND_CHECKED: Decimal("2"),
    A.DEMAND_SUPERVISED: Decimal("1"),
    A.DEMAND_EVALUATED: Decimal("1"),
    A.DEMAND_CLOSED: Decimal("3"),
    A.SUGGESTION: Decimal("3"),
    A.STATION_DUTY: Decimal("3"),
    A.RECEPTION: Decimal("1"),
    A.VISIT: Decimal("2"),
    A.STAGGERED_VISIT: Decimal("3"),
    A.EVENING_VISIT: Decimal("3"),
    A.MEDIATION: Decimal("3"),
    A.HEARING: Decimal("3"),
    A.PROJECT_VOTE: Decimal("2"),
    A.INSPECTION: Decimal("3"),
    A.INQUIRY: Decimal("3"),
    A.REPORT_HEARD: Decimal("3"),
    A.POLICY_TALK: Decimal("2"),
    A.TRAINING: Decimal("1"),
    A.ENTERPRISE_HELP: Decimal("3"),
    A.OTHER: Decimal("1"),
}


def weights(town_id: int) -> dict[str, Decimal]:
    stored = dict(PointWeight.objects.filter(town_id=town_id).values_list("kind", "points"))
    return {k: stored.get(k, DEFAULT_WEIGHTS[k]) for k in Activity.values}


@dataclass
class Line:
    kind: str
    label: str
    count: int
    weight: Decimal
    points: Decimal


@dataclass
class Points:
    lines: list[Line]
    total: Decimal


def calculate(counts: dict[str, int], table: dict[str, Decimal]) -> Points:
    lines = [
        Line(k, str(Activity(k).label), counts[k], table[k], counts[k] * table[k])
        for k in Activity.values
        if counts.get(k)
    ]
    return Points(lines=lines, total=sum((line.points for line in lines), Decimal(0)))


def counts_by_deputy(entries: QuerySet[DutyEntry]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    for deputy_id, kind, n in entries.values_list("deputy_id", "kind").annotate(n=Count("id")).order_by():
        out.setdefault(deputy_id, {})[kind] = n
    return out
