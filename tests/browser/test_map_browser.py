"""Issue 26, points 12 and 17, in Debian's Chromium on the served demo town at 360 px and 1366 px: the office's
map with the cells' names and the town's own base map under them (no tiles), the deputy's map of their own
cells reached from their inbox, and the public "find my deputy" map. Every request stays on this machine;
each saves a screenshot under artifacts/."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("demo_live")]

TOWN = "410724001"
LOOPBACK = {"localhost", "127.0.0.1"}


def watch(page: Page) -> list[str]:
    """Every URL the page asks for that leaves this machine (none may)."""
    away: list[str] = []

    def seen(request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOOPBACK:
            away.append(request.url)

    page.on("request", seen)
    return away


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("lianxin-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def labels_apart(page: Page, selector: str) -> int:
    """How many cell labels are shown; fails if two shown labels overlap."""
    return page.evaluate(
        """(sel) => {
        const shown = [...document.querySelectorAll(sel + ' .cell-label')]
          .filter(n => getComputedStyle(n).visibility !== 'hidden').map(n => n.getBoundingClientRect());
        for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
          const a = shown[i], b = shown[j];
          if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) throw new Error('overlap ' + i + ' ' + j);
        }
        return shown.length;
      }""",
        selector,
    )


@pytest.mark.parametrize("width", [360, 1366])
def test_the_office_map_names_its_cells_over_the_towns_own_roads(page: Page, demo_live, artifacts_dir, width):
    away = watch(page)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, demo_live, "presidium")
    page.goto(f"{demo_live}/insight/map/")
    expect(page.locator("#grid-map path.leaflet-interactive").first).to_be_visible()
    # 21 cells, each with its name as a permanent label; those shown do not overlap
    expect(page.locator("#grid-map .cell-label")).to_have_count(21)
    expect(page.locator("#grid-map .cell-label", has_text="东关村")).to_have_count(1)
    shown = labels_apart(page, "#grid-map")
    assert shown >= (10 if width == 360 else 18), shown
    # the base map (demo's roads, river and landmarks) is drawn in its pane, under the cells
    assert page.locator("#grid-map .leaflet-base-pane path").count() >= 5 + 5  # 5 lines + 5 landmarks
    expect(page.locator("[data-legend-base]")).to_be_visible()
    assert page.locator("[data-no-base]").count() == 0
    # the legend's glyphs are the markers' own: same characters, same colours
    for kind, glyph in (("deputy", "●"), ("station", "■")):
        legend = page.locator(f".map-legend .marker-{kind}")
        marker = page.locator(f"#grid-map .marker-{kind}").first
        expect(legend).to_have_text(glyph)
        expect(marker).to_have_text(glyph)
        colour = "el => getComputedStyle(el).color"
        assert legend.evaluate(colour) == marker.evaluate(colour)
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"map-office-{width}.png"), full_page=True)
    assert away == []


@pytest.mark.parametrize("width", [360, 1366])
def test_the_deputy_opens_the_map_of_their_cells_from_the_inbox(page: Page, demo_live, artifacts_dir, width):
    away = watch(page)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, demo_live, "deputy")
    page.goto(f"{demo_live}/demands/inbox/deputy/")  # the deputy's own page (the top menu is another's work)
    page.locator("[data-my-map]").click()
    expect(page.locator("h1")).to_have_text("我的网格地图")
    expect(page.locator("#grid-map path.leaflet-interactive").first).to_be_visible()
    cells = page.locator("#grid-map .cell-label")
    assert 1 <= cells.count() <= 3  # the cells the demo deputy serves, not the town's 21
    assert labels_apart(page, "#grid-map") == cells.count()
    assert page.locator("#grid-map .leaflet-base-pane path").count() >= 5
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"map-deputy-{width}.png"), full_page=True)
    assert away == []


@pytest.mark.parametrize("width", [360, 1366])
def test_find_my_deputy_on_the_public_map(page: Page, demo_live, artifacts_dir, width):
    away = watch(page)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{demo_live}/board/{TOWN}/")
    page.get_by_role("link", name="找代表").first.click()
    expect(page.locator("h1")).to_contain_text("找代表")
    expect(page.locator("#find-map .cell-label")).to_have_count(21)
    labels_apart(page, "#find-map")
    assert page.locator("#find-map .leaflet-base-pane path").count() >= 5
    # tap a village on the map: its deputies and its station
    page.locator("#find-map path.leaflet-interactive").nth(3).click()
    found = page.locator("[data-found]")
    expect(found).to_be_visible()
    expect(found.locator("[data-deputy]").first).to_be_visible()
    expect(found.locator("[data-station]").first).to_be_visible()
    assert not re.search(r"1[3-9]\d{9}", found.inner_text())  # no phone number
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"map-find-{width}.png"), full_page=True)
    # or pick it from the list
    page.get_by_label("所在村(社区)").select_option(label="东关村")
    expect(page.locator("[data-found] h2")).to_have_text("东关村")
    assert away == []
