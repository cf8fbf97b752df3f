"""The citizen pages inside WeChat's built-in browser (the official account's menu links to /m/<town>/): a
phone of 360 px with WeChat's user agent, in Debian's Chromium. The pages render, the forms submit, location
comes from the browser's API, and where a page offers a download the visitor is told to open it in the
browser (WeChat does not download files)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page, expect

from lianxin.demands.models import Demand
from tests.browser.axe import axe_clean
from tests.browser.test_citizen_browser import INSIDE, NEW_CODE, PHONE_SIZE, photo
from tests.portal.fixtures import media, portal_town, sms
from tests.portal.sms import last_sms_text

FIXTURES = (media, portal_town, sms)  # pytest finds these fixtures by their names in this module
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2219A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 "
    "MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)
HINT = "[data-wechat-hint]"


def wechat(browser: Browser) -> Page:
    context = browser.new_context(
        viewport=PHONE_SIZE,
        user_agent=WECHAT_UA,
        locale="zh-CN",
        geolocation=INSIDE,
        permissions=["geolocation"],
        is_mobile=True,
        has_touch=True,
    )
    return context.new_page()


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]


def downloads_are_explained(page: Page) -> None:
    """Every download the page offers comes with the hint to open the page in the browser."""
    offered = page.locator("a[download], a[href*='download=1']").count()
    if offered:
        expect(page.locator(HINT)).to_be_visible()
        expect(page.locator(HINT)).to_contain_text("在浏览器中打开")


def test_a_citizen_raises_and_follows_a_demand_inside_wechat(
    browser: Browser, live_server, portal_town, artifacts_dir
):
    pt = portal_town
    page = wechat(browser)
    assert "MicroMessenger" in page.evaluate("navigator.userAgent")
    page.goto(f"{live_server.url}/m/{pt.town.code}/")  # the menu's link
    expect(page.locator("h1")).to_be_visible()
    fits(page)
    axe_clean(page)
    page.locator("[name=category]").select_option(label=pt.loop.category.name)
    page.locator("[name=description]").fill("菜市场门口下水道堵了")
    page.locator("[name=photos]").set_input_files([photo()])
    page.get_by_role("button", name="使用我的位置").click()  # the browser's geolocation API, as elsewhere
    expect(page.locator("[data-locate-status]")).to_contain_text(pt.loop.cell.name)
    page.locator("[name=name]").fill("陈桂兰")
    page.locator("[name=phone]").fill("13912340002")
    page.get_by_role("button", name="提交").click()
    code_box = page.locator("[data-tracking-code]")
    expect(code_box).to_have_text(NEW_CODE)
    code = code_box.inner_text()
    fits(page)
    page.screenshot(path=os.path.join(artifacts_dir, "wechat-1-receipt-360.png"), full_page=True)
    demand = Demand.objects.get(code=code)
    assert demand.cell == pt.loop.cell and demand.lat == INSIDE["latitude"]
    assert code in last_sms_text("13912340002")

    # following it from the menu's link on another day: the code and the phone's last four digits
    page.goto(f"{live_server.url}/m/{pt.town.code}/track/")
    page.locator("[name=code]").fill(code)
    page.locator("[name=last4]").fill("0002")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("[data-status]")).to_be_visible()
    fits(page)
    axe_clean(page)
    downloads_are_explained(page)


def test_the_public_pages_render_in_wechat_and_explain_downloads(
    browser: Browser, live_server, portal_town, artifacts_dir
):
    pt = portal_town
    code = pt.town.code
    deputy = pt.loop.deputy.deputy
    page = wechat(browser)
    for path in ("/m/", f"/board/{code}/", f"/board/{code}/deputies/", f"/board/{code}/stations/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        fits(page)
        downloads_are_explained(page)
    # the pages that offer a file (the QR codes' PNG) say how to get it from inside WeChat
    page.goto(f"{live_server.url}/board/{code}/stations/")
    expect(page.locator(HINT)).to_be_visible()
    page.goto(f"{live_server.url}/board/{code}/deputies/{deputy.pk}/")
    expect(page.locator(HINT)).to_be_visible()
    fits(page)
    axe_clean(page)
    page.screenshot(path=os.path.join(artifacts_dir, "wechat-2-deputy-360.png"), full_page=True)

    # an ordinary phone browser downloads as usual: no hint
    plain = browser.new_context(viewport=PHONE_SIZE, locale="zh-CN").new_page()
    plain.goto(f"{live_server.url}/board/{code}/deputies/{deputy.pk}/")
    expect(plain.locator("h1")).to_be_visible()
    expect(plain.locator(HINT)).to_have_count(0)
