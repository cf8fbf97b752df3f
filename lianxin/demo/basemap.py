"""The demo town's own base map: a few made-up roads, a river and landmarks drawn around the town's centre,
so the grid map has something under its cells with no tile server (what an office would upload as GeoJSON).

Not a survey of any real place: the lines are placed by hand on the demo grid's box (±0.035° latitude,
±0.045° longitude around the centre; see ``generator.cell_polygons``).
"""

from __future__ import annotations

from typing import Any

# (name, kind, [(d_lng, d_lat), ...]) offsets from the town's centre in degrees
LINES = [
    ("人民路", "road", [(-0.045, -0.006), (-0.02, -0.003), (0.0, 0.0), (0.022, 0.003), (0.045, 0.007)]),
    ("解放路", "road", [(0.002, -0.035), (0.001, -0.012), (0.0, 0.0), (-0.002, 0.015), (-0.004, 0.035)]),
    ("环城东路", "road", [(0.024, -0.03), (0.027, -0.01), (0.026, 0.012), (0.021, 0.03)]),
    ("S229 省道", "road", [(-0.045, 0.022), (-0.02, 0.02), (0.004, 0.018), (0.03, 0.024), (0.045, 0.026)]),
    ("卫河", "water", [(-0.045, -0.026), (-0.03, -0.022), (-0.012, -0.027), (0.006, -0.021),
                       (0.024, -0.025), (0.045, -0.019)]),
]  # fmt: skip
POINTS = [
    ("镇人民政府", (0.004, 0.003)),
    ("中心学校", (-0.012, 0.006)),
    ("镇卫生院", (0.011, -0.005)),
    ("农贸市场", (-0.006, -0.008)),
    ("火车站", (0.03, 0.021)),
]


def collection(centre: tuple[float, float]) -> dict[str, Any]:
    lat0, lng0 = centre

    def at(d_lng: float, d_lat: float) -> list[float]:
        return [round(lng0 + d_lng, 6), round(lat0 + d_lat, 6)]

    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [at(x, y) for x, y in points]},
            "properties": {"name": name, "kind": kind},
        }
        for name, kind, points in LINES
    ]
    features += [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": at(*offset)},
            "properties": {"name": name, "kind": "landmark"},
        }
        for name, offset in POINTS
    ]
    return {"type": "FeatureCollection", "features": features}


def build_base_map(*, town: Any, centre: tuple[float, float]) -> None:
    """Idempotent: a second run finds the same drawing and writes nothing (one row per town)."""
    from lianxin.territory import basemap

    drawn = basemap.parse_collection(collection(centre))
    if basemap.of_town(town.pk) == drawn:
        return
    basemap.save(town=town, collection=drawn, filename="demo-base.geojson")
