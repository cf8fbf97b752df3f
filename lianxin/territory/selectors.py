"""Reads of the grid, always scoped to what the user may see."""

from __future__ import annotations

import copy
from typing import Any

from django.db.models import Count, QuerySet

from lianxin.core import refcache

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
    """The cell of a town that contains the point, or None outside the grid (from the process's index of
    the town's cells: no query while no cell of the town has changed)."""
    index, cells = cell_index(town_id)
    pk = index.locate(lat, lng)
    return copy.copy(cells[pk]) if pk else None


# --- the index of a town's cells, kept per process (``core/refcache.py``; watched in ``apps.py``) ---------
CELLS = "cells"


def cell_index(town_id: int) -> tuple[CellIndex, dict[int, GridCell]]:
    """The town's cells by id and the STRtree over their boundaries, built once per process and version."""

    def build() -> tuple[CellIndex, dict[int, GridCell]]:
        cells = {c.pk: c for c in GridCell.objects.filter(town_id=town_id)}
        return CellIndex.build((pk, c.boundary) for pk, c in cells.items()), cells

    return refcache.cached(CELLS, town_id, build)
