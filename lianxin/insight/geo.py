"""The grid map (代表位置图) and the coverage gaps: cells from their GeoJSON, with figures and markers.

Every figure is one grouped query; the gaps are ``EXISTS`` conditions on the cells (one query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.core import clock
from lianxin.demands.models import Channel, Demand
from lianxin.people.models import Deputy, DeputyCell, Observer, StationDuty
from lianxin.territory.models import BaseLayer, GridCell, Station, StationKind

from . import selectors

# A deputy "contacts" a cell by claiming one of its demands or by recording one on a visit or an evening talk.
CONTACT_CHANNELS = (Channel.DEPUTY_VISIT, Channel.OFF_HOURS_VISIT, Channel.EVENING_TALK)


@dataclass(frozen=True)
class GapRule:
    key: str
    label: str | Promise


GAP_RULES = (
    GapRule("no_deputy", _("no deputy on duty: no deputy serves the cell and none sits in a station of it")),
    GapRule("no_observer", _("no observer in the cell")),
    GapRule("no_contact", _("demands in the last N days and no deputy contact in those days")),
)


def contact_days() -> int:
    return int(getattr(settings, "INSIGHT_CONTACT_DAYS", 30))


def cells_with_gaps(
    *, user: Any, at: dt.datetime | None = None, days: int | None = None
) -> QuerySet[GridCell]:
    """The user's cells, each annotated with ``no_deputy``, ``no_observer`` and ``no_contact`` (booleans)."""
    at = at or clock.now()
    since = at - dt.timedelta(days=days or contact_days())
    cell = OuterRef("pk")
    deputy = Exists(DeputyCell.objects.filter(cell=cell)) | Exists(
        StationDuty.objects.filter(station__cell=cell)
    )
    recent = Exists(Demand.objects.filter(cell=cell, created_at__gte=since, created_at__lt=at))
    contact = Exists(
        Demand.objects.filter(cell=cell).filter(
            Q(claimed_at__gte=since, claimed_at__lt=at)
            | Q(channel__in=CONTACT_CHANNELS, created_at__gte=since, created_at__lt=at)
        )
    )
    return (
        GridCell.objects.restrict(user)
        .annotate(
            has_deputy=deputy,
            has_observer=Exists(Observer.objects.filter(cell=cell)),
            recent_demands=recent,
            recent_contact=contact,
        )
        .order_by("town", "code")
    )


def gaps_of(cell: GridCell) -> list[str]:
    out = []
    if not cell.has_deputy:  # type: ignore[attr-defined]
        out.append("no_deputy")
    if not cell.has_observer:  # type: ignore[attr-defined]
        out.append("no_observer")
    if cell.recent_demands and not cell.recent_contact:  # type: ignore[attr-defined]
        out.append("no_contact")
    return out


def tiles() -> dict[str, Any] | None:
    """The base layer, when one is configured (nothing is fetched by default)."""
    if key := getattr(settings, "MAP_TIANDITU_KEY", ""):
        return {
            "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"
            f"&tk={key}",
            "subdomains": "01234567",
            "attribution": "天地图",
            "origins": [f"https://t{i}.tianditu.gov.cn" for i in range(8)],
        }
    if url := getattr(settings, "MAP_TILE_URL", ""):
        parts = urlsplit(url.replace("{s}", "a"))
        origins = [f"{parts.scheme}://{parts.netloc.replace('a.', f'{s}.', 1)}" for s in "abc"]
        return {"url": url, "subdomains": "abc", "attribution": "", "origins": sorted(set(origins))}
    return None


def map_data(
    *, user: Any, period: selectors.Period, metric: str, cells: list[int] | None = None
) -> dict[str, Any]:
    """GeoJSON cells with their figures and gaps, and the markers (five queries); ``cells``: only these
    (a deputy's own), their demands, the deputies serving them and their stations, with no drill-down
    links (the lists behind a figure are the office's)."""
    at = clock.now()
    demands = selectors.cohort(user, period)
    office = cells is None
    own: list[int] = cells or []
    if not office:
        demands = demands.filter(cell_id__in=own)
    figures = {
        row["cell"]: row
        for row in demands.values("cell")
        .annotate(received=Count("pk"), overdue=Count("pk", filter=selectors.figure_q("overdue", at=at)))
        .order_by()
    }
    features = []
    gap_list = []
    towns = set()
    rows = cells_with_gaps(user=user, at=at).select_related("town")
    if not office:
        rows = rows.filter(pk__in=own)
    for cell in rows:
        towns.add(cell.town)
        f: Any = figures.get(cell.pk, {})
        received, overdue = f.get("received", 0), f.get("overdue", 0)
        density = round(100 * received / cell.households, 2) if cell.households else float(received)
        gaps = gaps_of(cell)
        if gaps:
            gap_list.append((cell, gaps))
        if not cell.boundary:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": cell.boundary,
                "properties": {
                    "id": cell.pk,
                    "name": cell.name,
                    "received": received,
                    "overdue": overdue,
                    "density": density,
                    "value": overdue if metric == "overdue" else density,
                    "gaps": gaps,
                    "url": selectors.items_url(period, cell=cell.pk, figure="received") if office else "",
                    "overdue_url": selectors.items_url(None, cell=cell.pk, figure="overdue")
                    if office
                    else "",
                },
            }
        )
    town_codes = {t.pk: t.code for t in towns}
    markers = []
    deputies = Deputy.objects.restrict(user).filter(lat__isnull=False, lng__isnull=False)
    stations = Station.objects.restrict(user).filter(lat__isnull=False, lng__isnull=False)
    if not office:
        deputies = deputies.filter(cell_links__cell_id__in=own).distinct()
        stations = stations.filter(cell_id__in=own)
    for dep in deputies:
        if dep.town_id in town_codes:
            url = reverse("portal:deputy", args=[town_codes[dep.town_id], dep.pk])
            markers.append({"kind": "deputy", "name": dep.name, "lat": dep.lat, "lng": dep.lng, "url": url})
    for st in stations:
        kind = "collection_point" if st.kind == StationKind.COLLECTION_POINT else "station"
        url = f"{reverse('territory:stations')}?kind={st.kind}"
        markers.append({"kind": kind, "name": st.name, "lat": st.lat, "lng": st.lng, "url": url})
    return {
        "cells": {"type": "FeatureCollection", "features": features},
        "markers": markers,
        "metric": metric,
        "gaps": gap_list,
        "tiles": tiles(),
        # no tile server: the town's own roads and landmarks (uploaded by the office) under the cells
        "base": None if tiles() else base_of(user),
    }


def base_of(user: Any) -> dict[str, Any] | None:
    """The user's town's base map (a county reader: none; its towns' maps are drawn on their own pages)."""
    town_id = getattr(user, "town_id", None)
    if town_id is None:
        return None
    layer = BaseLayer.objects.restrict(user).filter(town_id=town_id).first()
    return layer.features if layer is not None else None
