"""Issue 26, point 17 (public side): "find my deputy" — pick or tap a village, see its deputies and its
station (no personal phone number), over the town's own base map; and the village filter of the public
deputy list."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from lianxin.territory import basemap

from ..factories import (
    DeputyCellFactory,
    DeputyFactory,
    GridCellFactory,
    StationDutyFactory,
    StationFactory,
    TownFactory,
    square,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    town = TownFactory()
    east = GridCellFactory(town=town, name="东关村", boundary=square(35.26, 113.66))
    west = GridCellFactory(town=town, name="西关村", boundary=square(35.26, 113.67))
    responsible = DeputyFactory(town=town, name="王建华", phone="13911112222")
    DeputyCellFactory(town=town, cell=east, deputy=responsible, is_primary=True)
    DeputyCellFactory(town=town, cell=east, deputy=DeputyFactory(town=town, name="李秀梅"), is_primary=False)
    DeputyCellFactory(town=town, cell=west, deputy=DeputyFactory(town=town, name="张国强"))
    station = StationFactory(town=town, cell=east, name="东关村党群服务中心", address="东关村委会院内")
    StationDutyFactory(town=town, station=station, deputy=DeputyFactory(town=town, name="赵丽"))
    town.east, town.west = east, west  # type: ignore[attr-defined]
    return town


def test_a_village_shows_its_deputies_and_its_station_without_phones(client, town):
    url = reverse("portal:find_deputy", args=[town.code])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    data = json.loads(html.split('id="find-map-data" type="application/json">')[1].split("</script>")[0])
    assert {f["properties"]["name"] for f in data["cells"]["features"]} == {"东关村", "西关村"}
    assert data["chosen"] is None and "data-found" not in html
    html = client.get(url, {"cell": town.east.pk}).content.decode()
    found = html.split("data-found")[1]
    assert found.index("王建华") < found.index("李秀梅")  # the responsible deputy first
    assert "张国强" not in found  # another village's
    assert "东关村党群服务中心" in found and "东关村委会院内" in found and "赵丽" in found
    assert "13911112222" not in html and "1391111" not in html
    # a cell of another town, or a word: the page without an answer (never another town's people)
    other = GridCellFactory(town=TownFactory())
    for bad in (other.pk, "x"):
        assert "data-found" not in client.get(url, {"cell": bad}).content.decode()
    # the page's links: from the public nav, and to the filtered list
    assert url in client.get(reverse("portal:board", args=[town.code])).content.decode()


def test_the_town_base_map_is_drawn_on_the_public_map(client, town):
    road = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[113.66, 35.265], [113.68, 35.265]]},
        "properties": {"name": "人民路"},
    }
    layer = basemap.save(
        town=town,
        collection=basemap.parse(json.dumps({"type": "FeatureCollection", "features": [road]}).encode()),
        filename="r.geojson",
    )
    html = client.get(reverse("portal:find_deputy", args=[town.code])).content.decode()
    data = json.loads(html.split('id="find-map-data" type="application/json">')[1].split("</script>")[0])
    assert data["base"] == layer.features
    # another town's base map is not this town's
    assert basemap.of_town(TownFactory().pk) is None


def test_the_public_deputy_list_filters_by_village(client, town):
    url = reverse("portal:deputies", args=[town.code])
    html = client.get(url).content.decode()
    assert all(n in html for n in ("王建华", "李秀梅", "张国强", "赵丽"))
    assert f'<option value="{town.east.pk}"' in html
    html = client.get(url, {"cell": town.east.pk}).content.decode()
    listed = html.split('class="list deputy-list"')[1]
    # who serves the village, and who sits in its station; not another village's deputy
    assert all(n in listed for n in ("王建华", "李秀梅", "赵丽")) and "张国强" not in listed
    assert reverse("portal:find_deputy", args=[town.code]) + f"?cell={town.east.pk}" in html
    html = client.get(url, {"cell": town.west.pk}).content.decode()
    assert (
        "张国强" in html.split('class="list deputy-list"')[1]
        and "王建华" not in html.split('class="list deputy-list"')[1]
    )
