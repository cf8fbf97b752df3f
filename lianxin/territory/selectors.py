"""Reads of the grid, always scoped to what the user may see."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from django.core.cache import cache
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
    """The cell of a town that contains the point, or None outside the grid (from the process's index of
    the town's cells: no query while no cell of the town has changed)."""
    index, cells = cell_index(town_id)
    pk = index.locate(lat, lng)
    return copy.copy(cells[pk]) if pk else None


# --- the index of a town's cells, kept per process -----------------------------------------------------
# Built once per process and town; a cell saved or deleted anywhere (any worker) changes the town's
# version in the shared cache (``territory/signals.py``), and the next lookup in each process rebuilds.
_INDEXES: dict[int, tuple[str, CellIndex, dict[int, GridCell]]] = {}


def _version_key(town_id: int) -> str:
    return f"lianxin:cells:{town_id}"


def cells_version(town_id: int) -> str:
    version = cache.get(_version_key(town_id))
    if version is None:  # never set, or the cache was emptied: a new version, so every process rebuilds
        cache.add(_version_key(town_id), uuid.uuid4().hex, timeout=None)
        version = cache.get(_version_key(town_id)) or ""
    return str(version)


def cells_changed(town_id: int) -> None:
    """A cell of the town changed: every process's index of it is stale."""
    cache.set(_version_key(town_id), uuid.uuid4().hex, timeout=None)
    _INDEXES.pop(town_id, None)


def cell_index(town_id: int) -> tuple[CellIndex, dict[int, GridCell]]:
    version = cells_version(town_id)
    found = _INDEXES.get(town_id)
    if found is not None and found[0] == version:
        return found[1], found[2]
    cells = {c.pk: c for c in GridCell.objects.filter(town_id=town_id)}
    index = CellIndex.build((pk, c.boundary) for pk, c in cells.items())
    _INDEXES[town_id] = (version, index, cells)
    return index, cells
