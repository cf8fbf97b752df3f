"""The staff home page in Debian's Chromium: sign in, read the figures, follow one, switch language."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_clean

# The demo town, committed and served (tests/conftest.py, demo_live), built once for these tests and the
# insight pages' (tests/insight/test_browser.py): they only read it through the browser. The database is
# flushed after the last of them, as a transactional test leaves it. One xdist group: one worker builds it.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("demo_live")]


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    axe_clean(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("lianxin-demo")
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize(
    "viewport", [{"width": 360, "height": 780}, {"width": 1280, "height": 900}], ids=["phone", "desk"]
)
def test_presidium_reads_the_town_and_follows_a_figure(page: Page, demo_live, artifacts_dir, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, demo_live, "presidium")
    expect(page.locator("h1")).to_contain_text("城关镇")
    expect(page.locator('[data-figure="deputies"]')).to_have_text("87")
    expect(page.locator('[data-figure="deputies_on_duty"]')).to_have_text("54")
    axe_clean(page)
    # The header stays two short rows on a phone (it wrapped onto four), with the unread count in sight.
    assert page.evaluate("document.querySelector('header.top').offsetHeight") <= 90
    bell = page.locator("header .bell").bounding_box()
    assert bell is not None and bell["x"] + bell["width"] <= viewport["width"]
    page.screenshot(path=os.path.join(artifacts_dir, f"home-{viewport['width']}.png"), full_page=True)
    page.get_by_role("link", name="入驻代表 54").click()
    expect(page.locator("tbody tr")).to_have_count(54)
    axe_clean(page)
    # the page must not be wider than the phone: tables scroll inside their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_contain_text("Deputies")
    axe_clean(page)
    # Staff keep their choice on the account (issue 25): back to Chinese, the town's, for the next reader.
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("h1")).to_contain_text("代表")


def test_wrong_password_keeps_the_user_name_and_says_why(page: Page, demo_live):
    page.goto(f"{demo_live}/accounts/login/")
    page.get_by_label("用户名").fill("presidium")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".error")).to_contain_text("用户名或密码不正确")
    expect(page.get_by_label("用户名")).to_have_value("presidium")
    axe_clean(page)


@pytest.mark.parametrize(
    "path",
    ["/board/410724001/", "/m/", "/board/410724001/stations/", "/board/410724001/deputies/"],
    ids=["board", "mobile", "stations", "deputies"],
)
def test_the_demo_towns_public_pages_pass_axe_at_phone_size(page: Page, demo_live, artifacts_dir, path):
    """The public board with a year of published demands (where the field trial found 30 contrast faults),
    the mobile page, the stations and the deputies: WCAG 2.1 AA clean at 360 px (issue 10, point 18)."""
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{demo_live}{path}")
    expect(page.locator("h1")).to_be_visible()
    axe_clean(page)
    name = path.strip("/").replace("/", "-") or "root"
    page.screenshot(path=os.path.join(artifacts_dir, f"demo-{name}-360.png"), full_page=False)
