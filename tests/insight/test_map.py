"""The grid map's GeoJSON and markers, the coverage-gap rules, the base layer setting and query counts."""

from __future__ import annotations

import json

import pytest
import time_machine
from django.urls import reverse

from lianxin.insight import geo

from ..factories import (
    DeputyCellFactory,
    DeputyFactory,
    GridCellFactory,
    ObserverFactory,
    StationDutyFactory,
    StationFactory,
)
from ..loop import Loop
from .factories import NOW, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_map():
    """Four cells, one per rule: A covered; B no deputy, no observer; C a deputy only through station duty,
    a demand five days ago that nobody claimed (no contact); D a deputy's visit recorded recently (contact,
    though nobody claimed)."""
    loop = Loop.build()
    town = loop.town
    a = loop.cell  # the loop's deputy serves it
    ObserverFactory(town=town, cell=a)
    b = GridCellFactory(town=town, households=200)
    c = GridCellFactory(town=town)
    StationDutyFactory(town=town, station=StationFactory(town=town, cell=c, lat=35.27, lng=113.67))
    ObserverFactory(town=town, cell=c)
    d = GridCellFactory(town=town)
    DeputyCellFactory(town=town, cell=d)
    ObserverFactory(town=town, cell=d)
    DeputyFactory(town=town, lat=35.265, lng=113.665)
    with time_machine.travel(local(11, 15), tick=False):
        loop.claimed()  # cell A: claimed five days ago
        loop.recorded(cell=c)
        loop.recorded(cell=d, channel="deputy_visit")
    return loop, {"a": a, "b": b, "c": c, "d": d}


def test_each_gap_rule(town_map):
    loop, cells = town_map
    with time_machine.travel(NOW, tick=False):
        found = {cell.pk: geo.gaps_of(cell) for cell in geo.cells_with_gaps(user=loop.presidium)}
    assert found[cells["a"].pk] == []
    assert found[cells["b"].pk] == ["no_deputy", "no_observer"]
    assert found[cells["c"].pk] == ["no_contact"]
    assert found[cells["d"].pk] == []


def test_contact_window_is_n_days(town_map):
    loop, cells = town_map
    # 4 days: cell A's claim (5 days ago) is out of the window, and so are its demands: no gap either way
    with time_machine.travel(NOW, tick=False):
        found = {c.pk: geo.gaps_of(c) for c in geo.cells_with_gaps(user=loop.presidium, days=4)}
    assert found[cells["c"].pk] == [] and found[cells["a"].pk] == []
    with time_machine.travel(NOW, tick=False):
        found = {c.pk: geo.gaps_of(c) for c in geo.cells_with_gaps(user=loop.presidium, days=6)}
    assert found[cells["c"].pk] == ["no_contact"] and found[cells["a"].pk] == []


def test_map_page_draws_cells_markers_and_gaps_offline(client, town_map, django_assert_max_num_queries):
    loop, cells = town_map
    client.force_login(loop.presidium)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(12):
        response = client.get(reverse("insight:map"), {"start": "2026-11-01", "end": "2026-11-20"})
    assert response.status_code == 200
    html = response.content.decode()
    data = json.loads(html.split('id="insight-map" type="application/json">')[1].split("</script>")[0])
    props = {f["properties"]["id"]: f["properties"] for f in data["cells"]["features"]}
    assert props[cells["a"].pk]["received"] == 1
    assert props[cells["c"].pk]["gaps"] == ["no_contact"]
    assert props[cells["b"].pk]["density"] == 0.0
    kinds = sorted(m["kind"] for m in data["markers"])
    assert kinds == ["deputy", "station"]
    assert data["tiles"] is None  # nothing fetched by default
    assert "leaflet/leaflet.js" in html and "tile" not in response.get("Content-Security-Policy", "")
    assert f'data-cell="{cells["b"].pk}"' in html


def test_a_configured_base_layer_is_allowed_by_the_policy(client, town_map, settings):
    loop, _cells = town_map
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    client.force_login(loop.presidium)
    response = client.get(reverse("insight:map"))
    assert "https://a.tiles.example.org" in response["Content-Security-Policy"]
    assert response.context["map"]["tiles"]["url"] == settings.MAP_TILE_URL


def test_bad_metric_is_a_400(client, town_map):
    loop, _cells = town_map
    client.force_login(loop.presidium)
    response = client.get(reverse("insight:map"), {"metric": "bogus"})
    assert response.status_code == 400
