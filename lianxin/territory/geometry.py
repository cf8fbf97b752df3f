"""Geometry of the grid: centroids and point-in-cell lookup (shapely, WGS84 lon/lat)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry


def centroid_of(geojson: dict[str, Any]) -> tuple[float, float]:
    """(lat, lng) of a GeoJSON polygon's centroid."""
    c = shape(geojson).centroid
    return (round(c.y, 6), round(c.x, 6))


@dataclass
class CellIndex:
    """An STRtree over cell polygons; ``locate`` answers which cell holds a point."""

    ids: list[int]
    shapes: list[BaseGeometry]
    tree: STRtree

    @classmethod
    def build(cls, cells: Iterable[tuple[int, dict[str, Any]]]) -> CellIndex:
        ids, shapes = [], []
        for pk, boundary in cells:
            if boundary:
                ids.append(pk)
                shapes.append(shape(boundary))
        return cls(ids, shapes, STRtree(shapes))

    def locate(self, lat: float, lng: float) -> int | None:
        point = Point(lng, lat)
        for i in self.tree.query(point, predicate="intersects"):
            return self.ids[int(i)]
        return None
