"""Public pages, no sign-in: the board (办结公示), deputies, stations. Nothing personal is ever selected."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lianxin.accounts.roles import Capability
from lianxin.board import selectors as board
from lianxin.core.ids import query_id
from lianxin.core.models import Town
from lianxin.core.routers import reads_from_replica
from lianxin.demands.models import Category
from lianxin.demands.states import STAGES
from lianxin.people.models import Deputy
from lianxin.territory import basemap
from lianxin.territory.models import GridCell, StationKind

from . import selectors


def _town(code: str) -> Town:
    return get_object_or_404(Town, code=code)


def board_index(request: HttpRequest) -> HttpResponse:
    if town := selectors.only_town():
        return redirect("portal:board", town.code)
    return render(request, "portal/towns.html", {"towns": selectors.public_towns(), "target": "portal:board"})


@reads_from_replica
def board_page(request: HttpRequest, town_code: str) -> HttpResponse:
    town = _town(town_code)
    cell_id, category_id = query_id(request.GET.get("cell")), query_id(request.GET.get("category"))
    stage = request.GET.get("stage", "")
    stage = stage if stage in STAGES else ""
    entries = board.board_entries(town=town, cell_id=cell_id, category_id=category_id, stage=stage)
    context = {
        "town": town,
        "entries": entries[:100],
        "totals": board.board_totals(town=town),
        "cells": GridCell.objects.filter(town=town).order_by("code"),
        "categories": Category.objects.filter(town=town).order_by("name"),
        "cell_id": cell_id,
        "category_id": category_id,
        "stage": stage,
        "done_statuses": board.DONE,
        "may_redact": request.user.is_authenticated and request.user.can(Capability.SUPERVISE),
    }
    return render(request, "portal/board.html", context)


@reads_from_replica
def deputies(request: HttpRequest, town_code: str) -> HttpResponse:
    """The town's deputies; ``?cell=``: those who serve one village or community (or sit in its station)."""
    town = _town(town_code)
    cells = GridCell.objects.filter(town=town).order_by("code")
    wanted = query_id(request.GET.get("cell"))
    cell = cells.filter(pk=wanted).first() if wanted is not None else None
    return render(
        request,
        "portal/deputies.html",
        {
            "town": town,
            "deputies": selectors.public_deputies(town=town, cell=cell),
            "cells": cells,
            "cell": cell,
        },
    )


@reads_from_replica
def find_deputy(request: HttpRequest, town_code: str) -> HttpResponse:
    """找代表: a map of the town's villages (and its own roads, when the office loaded them); click a village
    or pick it from the list, and see its deputies and its station. Names, levels and opening hours only:
    no personal phone number."""
    town = _town(town_code)
    cells = list(GridCell.objects.filter(town=town).order_by("code"))
    cell = None
    if request.GET.get("cell"):
        cell = next((c for c in cells if c.pk == query_id(request.GET.get("cell"))), None)
    data = {
        "cells": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": c.boundary, "properties": {"id": c.pk, "name": str(c)}}
                for c in cells
                if c.boundary
            ],
        },
        "base": basemap.of_town(town.pk),
        "chosen": cell.pk if cell else None,
    }
    found = selectors.find_deputies(town=town, cell=cell) if cell else None
    return render(
        request,
        "portal/find.html",
        {"town": town, "cells": cells, "cell": cell, "found": found, "map": data},
    )


@reads_from_replica
def deputy_page(request: HttpRequest, town_code: str, pk: int) -> HttpResponse:
    town = _town(town_code)
    deputy = get_object_or_404(Deputy, town=town, pk=pk)
    summary = selectors.deputy_summary(deputy=deputy)
    return render(request, "portal/deputy.html", {"town": town, "deputy": deputy, "summary": summary})


@reads_from_replica
def stations(request: HttpRequest, town_code: str) -> HttpResponse:
    town = _town(town_code)
    kind = request.GET.get("kind", "")
    kind = kind if kind in StationKind.values else ""
    context = {
        "town": town,
        "stations": selectors.public_stations(town=town, kind=kind),
        "kinds": StationKind.choices,
        "kind": kind,
    }
    return render(request, "portal/stations.html", context)
