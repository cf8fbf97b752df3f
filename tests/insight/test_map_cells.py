"""Issue 26, points 12 and 17 (server side): a deputy reads the map of the cells they serve (another cell is a
404), the cells carry their names, the office loads the town's own base map (GeoJSON, checked) that the map
draws under the cells when no tile server is set, and the legend draws what the map draws."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianxin.territory import basemap
from lianxin.territory.models import BaseLayer

from ..factories import GridCellFactory, StationFactory, TownFactory
from ..loop import Loop
from .factories import NOW

pytestmark = pytest.mark.django_db

ROAD = {
    "type": "Feature",
    "geometry": {"type": "LineString", "coordinates": [[113.655, 35.262], [113.68, 35.268]]},
    "properties": {"name": "人民路", "kind": "road", "owner_phone": "13900001111"},
}
SCHOOL = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [113.665, 35.265]},
    "properties": {"名称": "中心学校"},
}


def geojson(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def page_map(response) -> dict:
    html = response.content.decode()
    return json.loads(html.split('id="insight-map" type="application/json">')[1].split("</script>")[0])


@pytest.fixture
def loop():
    loop = Loop.build()
    StationFactory(town=loop.town, cell=loop.cell, lat=35.265, lng=113.665)
    far = GridCellFactory(town=loop.town)
    StationFactory(town=loop.town, cell=far, lat=35.30, lng=113.70)
    with time_machine.travel(NOW, tick=False):
        loop.recorded()
        loop.recorded(cell=far)
    return loop


def test_a_deputy_reads_the_map_of_their_own_cells(client, loop):
    with time_machine.travel(NOW, tick=False):  # the whole visit on the data's day (the session too)
        client.force_login(loop.deputy)
        response = client.get(reverse("insight:map"))
        assert response.status_code == 200
        data = page_map(response)
        [cell] = data["cells"]["features"]
        assert cell["properties"]["id"] == loop.cell.pk and cell["properties"]["name"] == loop.cell.name
        assert cell["properties"]["received"] == 1 and cell["properties"]["url"] == ""  # no office drill-down
        # the station of their cell, not the other cell's
        assert [m["kind"] for m in data["markers"] if m["kind"] == "station"] == ["station"]
        html = response.content.decode()
        assert "data-own-cells" in html and reverse("insight:warnings") in html
        # one of their cells: the map opens on it; any other cell of the town, or a word: 404
        assert client.get(reverse("insight:map"), {"cell": loop.cell.pk}).status_code == 200
        other = loop.other_deputy.deputy.cell_links.get().cell_id
        assert client.get(reverse("insight:map"), {"cell": other}).status_code == 404
        assert client.get(reverse("insight:map"), {"cell": "x"}).status_code == 404
        # the office: every cell of its town, and a cell of another town is a 404
        client.force_login(loop.presidium)
        assert len(page_map(client.get(reverse("insight:map")))["cells"]["features"]) == 3
        assert client.get(reverse("insight:map"), {"cell": other}).status_code == 200
        foreign = GridCellFactory(town=TownFactory())
        assert client.get(reverse("insight:map"), {"cell": foreign.pk}).status_code == 404


def test_the_deputy_finds_the_map_on_their_inbox_and_in_the_insight_tabs(client, loop):
    client.force_login(loop.deputy)
    inbox = client.get(reverse("demands:deputy_inbox")).content.decode()
    assert reverse("insight:map") in inbox and reverse("insight:warnings") in inbox
    warnings = client.get(reverse("insight:warnings")).content.decode()
    assert reverse("insight:map") in warnings


def test_the_office_loads_a_base_map_that_the_map_draws_under_the_cells(client, loop):
    client.force_login(loop.presidium)
    url = reverse("insight:base_map")
    assert "data-no-base" in client.get(reverse("insight:map")).content.decode()
    upload = SimpleUploadedFile("roads.geojson", geojson(ROAD, SCHOOL), content_type="application/geo+json")
    response = client.post(url, {"file": upload}, follow=True)
    assert response.status_code == 200
    layer = BaseLayer.objects.get(town=loop.town)
    kinds = {f["properties"]["name"]: f["properties"]["kind"] for f in layer.features["features"]}
    assert kinds == {"人民路": "road", "中心学校": "landmark"}
    # only the name and the kind are kept
    assert "owner_phone" not in json.dumps(layer.features)
    assert 'data-kind="road"' in response.content.decode()
    response = client.get(reverse("insight:map"))
    data = page_map(response)
    assert data["base"] == layer.features and data["tiles"] is None
    html = response.content.decode()
    assert "data-legend-base" in html and "data-no-base" not in html
    # the deputy's map draws the town's base too
    client.force_login(loop.deputy)
    assert page_map(client.get(reverse("insight:map")))["base"] == layer.features
    # a second file replaces the first; removing it leaves the blank ground
    client.force_login(loop.presidium)
    client.post(url, {"file": SimpleUploadedFile("b.geojson", geojson(ROAD))})
    assert len(BaseLayer.objects.get(town=loop.town).features["features"]) == 1
    client.post(url, {"remove": "1"})
    assert not BaseLayer.objects.filter(town=loop.town).exists()


def test_a_configured_tile_server_wins_over_the_base_map(client, loop, settings):
    basemap.save(town=loop.town, collection=basemap.parse(geojson(ROAD)), filename="r.geojson")
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(loop.presidium)
    data = page_map(client.get(reverse("insight:map")))
    assert data["tiles"] and data["base"] is None


BAD = [
    ("roads.txt", geojson(ROAD), "Choose a .geojson"),
    ("roads.geojson", b"\x89PNG\r\n", "not a GeoJSON file"),
    ("roads.geojson", b'{"type": "Topology"}', "FeatureCollection"),
    ("roads.geojson", geojson(), "no features"),
    (
        "roads.geojson",
        geojson({"type": "Feature", "geometry": {"type": "GeometryCollection", "geometries": []}}),
        "Feature 1: a point, line or polygon",
    ),
    (
        "roads.geojson",
        geojson(ROAD, {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1]]}}),
        "Feature 2: its coordinates",
    ),
    (  # a bow-tie polygon crosses itself
        "roads.geojson",
        geojson(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[113.66, 35.26], [113.67, 35.27], [113.67, 35.26], [113.66, 35.27], [113.66, 35.26]]
                    ],
                },
            }
        ),
        "crosses itself",
    ),
    (
        "roads.geojson",
        geojson({"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.26, 213.66]}}),
        "WGS84",
    ),
    (  # another place (or latitude and longitude swapped): far from the town's cells
        "roads.geojson",
        geojson({"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.265, 13.665]}}),
        "far from the town",
    ),
]


@pytest.mark.parametrize("name,content,said", BAD, ids=[b[2] for b in BAD])
def test_a_bad_file_is_refused_with_a_reason(client, loop, name, content, said):
    client.force_login(loop.presidium)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("insight:base_map"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert said in response.content.decode(), response.content.decode()[-3000:]
    assert not BaseLayer.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, loop, monkeypatch):
    monkeypatch.setattr(basemap, "MAX_BYTES", 1000)
    client.force_login(loop.presidium)
    big = geojson(*[ROAD] * 20)
    assert len(big) > 1000
    response = client.post(reverse("insight:base_map"), {"file": SimpleUploadedFile("big.geojson", big)})
    assert response.status_code == 400 and not BaseLayer.objects.exists()


def test_the_demo_drawing_passes_the_checks():
    from lianxin.demo.basemap import collection

    parsed = basemap.parse(json.dumps(collection((35.2615, 113.6573))).encode())
    kinds = sorted({f["properties"]["kind"] for f in parsed["features"]})
    assert kinds == ["landmark", "road", "water"]
