"""The figures on the staff home page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from lianxin.people import selectors as people
from lianxin.people.models import ObserverKind
from lianxin.territory import selectors as territory
from lianxin.territory.models import CENTRE_KINDS, CellKind, StationKind


@dataclass
class TownSummary:
    cells: dict[str, int]
    stations: dict[str, int]
    deputies_by_level: list[tuple[str, str, int]]
    deputies_total: int
    deputies_on_duty: int
    observers_by_kind: list[tuple[str, str, int]]
    observers_total: int
    departments: int


def town_summary(*, user: Any) -> TownSummary:
    cell_counts = dict(territory.cells_visible_to(user).values_list("kind").annotate(n=Count("id")))
    station_counts = dict(territory.stations_visible_to(user).values_list("kind").annotate(n=Count("id")))
    by_level = people.deputies_by_level(user=user)
    observers = dict(people.observers_visible_to(user).values_list("kind").annotate(n=Count("id")))
    return TownSummary(
        cells={k: cell_counts.get(k, 0) for k in CellKind.values} | {"all": sum(cell_counts.values())},
        stations={k: station_counts.get(k, 0) for k in StationKind.values}
        | {
            "centres": sum(station_counts.get(k, 0) for k in CENTRE_KINDS),
            "all": sum(station_counts.values()),
        },
        deputies_by_level=by_level,
        deputies_total=sum(n for _, _, n in by_level),
        deputies_on_duty=people.deputies_visible_to(user).filter(duties__isnull=False).distinct().count(),
        observers_by_kind=[(k.value, str(k.label), observers.get(k.value, 0)) for k in ObserverKind],
        observers_total=sum(observers.values()),
        departments=people.departments_visible_to(user).count(),
    )
