"""The town's own base map (roads, rivers, landmarks) from a GeoJSON file the office uploads: read, checked
with shapely and cut down to what the map draws (geometry, a name, a kind), or refused with a reason.

Nothing else of the file is kept: properties other than the name and the kind are dropped, so an upload
cannot carry anything into the pages but shapes and short labels.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely.geometry import shape

from .models import BaseLayer

MAX_BYTES = 2 * 1024 * 1024  # a town's roads and landmarks fit in far less
MAX_FEATURES = 3000
GEOMETRIES = {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
# What the map styles differently; anything else is drawn as a road.
KINDS = ("road", "water", "landmark", "area")
KIND_WORDS = {
    "road": "road",
    "道路": "road",
    "路": "road",
    "street": "road",
    "highway": "road",
    "water": "water",
    "river": "water",
    "水系": "water",
    "河流": "water",
    "河": "water",
    "landmark": "landmark",
    "poi": "landmark",
    "地标": "landmark",
    "area": "area",
    "区域": "area",
    "landuse": "area",
}
NAME_KEYS = ("name", "名称", "NAME", "Name", "label")
KIND_KEYS = ("kind", "type", "类型", "highway", "waterway")


def _kind(props: dict[str, Any], geometry_type: str) -> str:
    for key in KIND_KEYS:
        word = str(props.get(key) or "").strip()
        if word:
            if key == "highway":
                return "road"
            if key == "waterway":
                return "water"
            if word.lower() in KIND_WORDS:
                return KIND_WORDS[word.lower()]
    return "landmark" if geometry_type in ("Point", "MultiPoint") else "road"


def parse(content: bytes) -> dict[str, Any]:
    """A FeatureCollection of checked features, or ``ValidationError`` saying what is wrong (in words)."""
    if len(content) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)d MB: keep only the roads and landmarks the map needs.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ValidationError(_("This is not a GeoJSON file (it does not read as JSON).")) from e
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature"):
        raise ValidationError(_('A GeoJSON FeatureCollection is expected ("type": "FeatureCollection").'))
    return parse_collection(data)


def parse_collection(data: dict[str, Any]) -> dict[str, Any]:
    """The checks of ``parse`` on GeoJSON already read (the demo's drawing goes through them too)."""
    raw = data.get("features") if data["type"] == "FeatureCollection" else [data]
    if not isinstance(raw, list) or not raw:
        raise ValidationError(_("The file holds no features."))
    if len(raw) > MAX_FEATURES:
        raise ValidationError(
            _("The file holds %(n)d features; at most %(max)d are drawn.")
            % {"n": len(raw), "max": MAX_FEATURES}
        )
    features = []
    for number, f in enumerate(raw, start=1):
        geometry = f.get("geometry") if isinstance(f, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
            raise ValidationError(_("Feature %(n)d: a point, line or polygon is expected.") % {"n": number})
        try:
            shp = shape(geometry)
        except Exception as e:  # shapely raises many kinds on malformed coordinates
            raise ValidationError(
                _("Feature %(n)d: its coordinates are not a valid %(type)s.")
                % {"n": number, "type": geometry["type"]}
            ) from e
        if shp.is_empty or not shp.is_valid:
            raise ValidationError(_("Feature %(n)d: its shape is empty or crosses itself.") % {"n": number})
        west, south, east, north = shp.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise ValidationError(
                _("Feature %(n)d: coordinates must be longitude, latitude in degrees (WGS84).")
                % {"n": number}
            )
        props = f.get("properties") if isinstance(f.get("properties"), dict) else {}
        name = next((str(props[k]).strip() for k in NAME_KEYS if props.get(k)), "")[:40]
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {"name": name, "kind": _kind(props, geometry["type"])},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def near_cells(collection: dict[str, Any], boundaries: list[dict[str, Any]], margin: float = 0.2) -> bool:
    """Whether the base map lies where the town's cells are (within ``margin`` degrees of their box): a file
    of another place, or with latitude and longitude swapped, is refused."""
    cells = [shape(b) for b in boundaries if b]
    if not cells:
        return True
    from shapely import unary_union

    frame = unary_union(cells).envelope.buffer(margin)
    return any(frame.intersects(shape(f["geometry"])) for f in collection["features"])


def save(*, town: Any, collection: dict[str, Any], filename: str, actor: Any = None) -> BaseLayer:
    layer, _created = BaseLayer.objects.update_or_create(
        town=town, defaults={"features": collection, "filename": filename[:200], "uploaded_by": actor}
    )
    return layer


def of_town(town_id: int | None) -> dict[str, Any] | None:
    if town_id is None:
        return None
    return BaseLayer.objects.filter(town_id=town_id).values_list("features", flat=True).first()
