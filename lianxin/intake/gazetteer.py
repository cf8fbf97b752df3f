"""The town's places and their aliases, to find the grid cell a text names.

Names come from the cells (东关村, 同盟社区), their short forms (东关, 同盟), the stations that lie in a
cell (人民广场民情收集点 → 人民广场) and the aliases the presidium keeps (``PlaceAlias``). The longest name
found wins its stretch of text, so 大辛庄村 is not also read as 辛庄.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lianxin.territory.models import GridCell, Station

from . import text
from .models import PlaceAlias

# Confidence by how the name was found: the full name, a short form or alias, a station inside the cell.
FULL, ALIAS, STATION = 0.95, 0.85, 0.75
_CELL_SUFFIX = re.compile(r"(村|社区|居委会)$")
_STATION_SUFFIX = re.compile(
    r"(党群服务中心|社区服务中心|邻里小院|民情收集点|人大代表联络微站|人大代表联络站|矛调室|日间照料中心|周边)+$"
)


@dataclass(frozen=True)
class Place:
    name: str
    cell_id: int
    confidence: float


@dataclass(frozen=True)
class Hit:
    cell_id: int
    name: str  # the words of the text that named it
    confidence: float


def short_forms(name: str) -> list[str]:
    """东关村 → 东关; 同盟社区 → 同盟. A short form of one character is too ambiguous to use."""
    short = _CELL_SUFFIX.sub("", name)
    return [short] if short != name and len(short) >= 2 else []


def station_names(name: str) -> list[str]:
    """东关邻里小院民情收集点 → 东关邻里小院 and 东关; 人民广场民情收集点 → 人民广场."""
    out = []
    bare = _STATION_SUFFIX.sub("", name)
    if bare != name and len(bare) >= 2:
        out.append(bare)
    return out


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        best: dict[str, Place] = {}
        for p in places:
            if p.name not in best or best[p.name].confidence < p.confidence:
                best[p.name] = p
        self.places = best
        self._names = sorted(best, key=len, reverse=True)
        text.add_places(best)

    @classmethod
    def for_town(cls, town_id: int) -> Gazetteer:
        places: list[Place] = []
        for cell in GridCell.objects.filter(town_id=town_id).only("pk", "name"):
            places.append(Place(cell.name, cell.pk, FULL))
            places += [Place(s, cell.pk, ALIAS) for s in short_forms(cell.name)]
        for station in Station.objects.filter(town_id=town_id, cell__isnull=False).only("name", "cell_id"):
            assert station.cell_id is not None
            places += [Place(n, station.cell_id, STATION) for n in station_names(station.name)]
        for alias in PlaceAlias.objects.filter(town_id=town_id).only("alias", "cell_id"):
            places.append(Place(alias.alias, alias.cell_id, ALIAS))
        return cls(places)

    def find(self, content: str) -> list[Hit]:
        """The cells the text names, best first; each stretch of text counts once, for its longest name."""
        taken = [False] * len(content)
        found: dict[int, Hit] = {}
        for name in self._names:
            start = content.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * len(name)
                    place = self.places[name]
                    hit = found.get(place.cell_id)
                    if hit is None or hit.confidence < place.confidence:
                        found[place.cell_id] = Hit(place.cell_id, name, place.confidence)
                start = content.find(name, end)
        hits = sorted(found.values(), key=lambda h: (-h.confidence, content.find(h.name)))
        if len(hits) > 1:  # two places named: say so by sharing the confidence
            hits = [Hit(h.cell_id, h.name, round(h.confidence / len(hits), 3)) for h in hits]
        return hits
