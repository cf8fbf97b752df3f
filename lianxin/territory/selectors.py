"""Reads of the grid, always scoped to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from .geometry import CellIndex
from .models import GridCell, Station


def cells_visible_to(user: Any) -> QuerySet[GridCell]:
    return GridCell.objects.restrict(user).select_related("town")


def stations_visible_to(user: Any) -> QuerySet[Station]:
    return Station.objects.restrict(user).select_related("town", "cell")


def cell_list(*, user: Any, kind: str | None = None) -> QuerySet[GridCell]:
    qs = (
        cells_visible_to(user)
        .annotate(
            deputy_count=Count("deputy_links", distinct=True), station_count=Count("stations", distinct=True)
        )
        .order_by("town", "code")
    )
    return qs.filter(kind=kind) if kind else qs


def station_list(*, user: Any, kind: str | None = None) -> QuerySet[Station]:
    qs = (
        stations_visible_to(user)
        .annotate(duty_count=Count("duties", distinct=True))
        .order_by("town", "kind", "name")
    )
    return qs.filter(kind=kind) if kind else qs


def cell_at(*, town_id: int, lat: float, lng: float) -> GridCell | None:
    """The cell of a town that contains the point, or None outside the grid."""
    cells = GridCell.objects.filter(town_id=town_id).values_list("pk", "boundary")
    pk = CellIndex.build(cells).locate(lat, lng)
    return GridCell.objects.get(pk=pk) if pk else None
