"""The office's insight pages in Debian's Chromium, on the demo town, at 360 px and 1366 px: dashboard, map,
warnings and the monthly report; each saves a screenshot under artifacts/."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("demo_live")]


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill("presidium")
    page.get_by_label("密码").fill("lianxin-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1366])
def test_dashboard_map_and_warnings(page: Page, demo_live, artifacts_dir, width):
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, demo_live)
    page.get_by_role("link", name="数据看板").first.click()
    expect(page.locator("h1")).to_contain_text("城关镇")
    card = page.locator('[data-rate="response"]')
    expect(card).to_contain_text("响应率")
    assert "24 小时" in (card.get_attribute("title") or "")  # the definition, on hover
    expect(page.locator("#chart-months svg")).to_be_visible()  # ECharts, served by the project
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"insight-dashboard-{width}.png"), full_page=True)

    page.get_by_role("link", name="代表位置图").first.click()
    cells = page.locator("#grid-map path.leaflet-interactive")
    expect(cells.first).to_be_visible()
    assert cells.count() >= 20
    expect(page.locator('[data-table="gaps"]')).to_be_visible()
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"insight-map-{width}.png"), full_page=True)

    page.locator(".insight-tabs").get_by_role("link", name="预警").click()
    expect(page.locator("[data-warning]").first).to_be_visible()
    page.locator('[data-kind="recurring"] a').first.click()
    expect(page.locator("[data-evidence] li")).to_have_count(4)
    fits(page, width)
    page.screenshot(path=os.path.join(artifacts_dir, f"insight-warning-{width}.png"), full_page=True)


def test_the_monthly_report_is_made_and_downloaded(page: Page, demo_live, artifacts_dir):
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, demo_live)
    page.goto(f"{demo_live}/insight/reports/")
    page.get_by_label("月份").fill("2026-10")
    page.get_by_role("button", name="生成报告").click()
    expect(page.locator("[data-label]")).to_have_text("已生成")
    with page.expect_download() as download:
        page.locator('[data-download="pdf"]').click()
    assert download.value.suggested_filename == "城关镇-2026-10.pdf"
    fits(page, 360)
    page.screenshot(path=os.path.join(artifacts_dir, "insight-report-360.png"), full_page=True)
