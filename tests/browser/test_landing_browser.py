"""Issue 26 in Debian's Chromium, on a phone (360 px) and on an office desktop (1366 px): the mediator lands
on the dispute ledger and prints the agreement the parties sign (points 1 and 2); the presidium's home is a
desk whose lines open the lists behind them (point 3); the county viewer compares its towns and opens one
read only (point 8)."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.disputes.models import Status
from tests.disputes.factories import Ledger
from tests.factories import TownFactory, UserFactory
from tests.loop import Loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 800}}
PASSWORD = "pw-12345!"  # the factories' password


@pytest.fixture
def town(live_server, settings) -> dict[str, Any]:
    settings.OTP_REQUIRED = False
    ledger = Ledger.build()
    agreed = ledger.at(Status.AGREED)
    loop = Loop.build(town=ledger.town)
    demand = loop.accepted(title="村口路灯不亮")
    demand.assignment.due_at = clock.now() - dt.timedelta(days=3)
    demand.assignment.save(update_fields=["due_at"])
    Loop.build(TownFactory(county=ledger.town.county, name="郇封镇"))
    county = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=ledger.town.county)
    return {
        "ledger": ledger,
        "agreed": agreed,
        "loop": loop,
        "demand": demand,
        "county": county,
        "base": live_server.url,
    }


def signed_in(browser: Browser, base: str, user: Any, size: str) -> Page:
    page = browser.new_context(viewport=SIZES[size], locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who")).to_contain_text(str(user))
    return page


def fits(page: Page, size: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


def shot(page: Page, artifacts_dir: str, name: str, size: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"landing-{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_mediator_lands_on_the_ledger_and_prints_the_signing_copy(
    browser: Browser, town, artifacts_dir, size
):
    ledger, agreed = town["ledger"], town["agreed"]
    page = signed_in(browser, town["base"], ledger.mediator, size)
    expect(page.locator("h1")).to_contain_text("矛盾纠纷台账")
    menu = page.locator(".top-nav")
    expect(menu.get_by_role("link", name="工作台", exact=True)).to_have_attribute("aria-current", "page")
    expect(menu.get_by_role("link", name="矛盾纠纷", exact=True)).to_have_count(0)
    fits(page, size)
    shot(page, artifacts_dir, "mediator", size)
    page.get_by_role("link", name=agreed.code).first.click()
    button = page.get_by_role("link", name="打印协议书供当事人签字（PDF）")
    expect(button).to_be_visible()
    fits(page, size)
    # what the button opens: the PDF with the parties in full (read through the same signed-in session)
    pdf = page.request.get(town["base"] + (button.get_attribute("href") or ""))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "张建国" in text and "13812345678" in text
    # the phones for the follow-up call: shown on the page once a reason is given
    expect(page.locator("[data-parties]")).not_to_contain_text("13812345678")
    page.locator("summary", has_text="查看当事人完整信息").click()
    page.locator("[data-reveal] input[name=reason]").fill("回访履行情况")
    page.locator("[data-reveal] button[type=submit]").click()
    expect(page.locator('[data-parties] a[href="tel:13812345678"]')).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_presidium_desk_links_to_the_overdue_list(browser: Browser, town, artifacts_dir, size):
    page = signed_in(browser, town["base"], town["loop"].presidium, size)
    line = page.locator('[data-desk-line="overdue"]')
    expect(line.locator("[data-count]")).to_have_text("1")
    for key in (
        "warnings",
        "missed_shifts",
        "tracked_overdue",
        "sessions_today",
        "inquiries_today",
        "hearings_proposed",
    ):
        expect(page.locator(f'[data-desk-line="{key}"]')).to_be_visible()
    menu = page.locator(".top-nav")
    for name in ("民生实事", "督办事项", "矛盾纠纷"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(1)
    fits(page, size)
    shot(page, artifacts_dir, "presidium", size)
    line.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text(town["demand"].code)
    fits(page, size)
    page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_county_viewer_compares_towns_and_opens_one_read_only(
    browser: Browser, town, artifacts_dir, size
):
    page = signed_in(browser, town["base"], town["county"], size)
    table = page.locator("[data-county-table]")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(page.locator("footer.foot")).to_contain_text(town["ledger"].town.county.name)
    expect(page.locator("footer.foot")).not_to_contain_text("城关镇人大主席团")
    fits(page, size)
    shot(page, artifacts_dir, "county", size)
    page.get_by_label("查看单个乡镇（只读）").select_option(label="郇封镇")
    page.get_by_role("button", name="查看", exact=True).click()
    expect(page.locator("h1")).to_contain_text("郇封镇")
    expect(page.locator("[data-focus]")).to_contain_text("郇封镇")
    expect(page.locator("footer.foot")).to_contain_text("郇封镇")
    page.get_by_role("link", name="矛盾纠纷台账").click()
    expect(page.locator("[data-register]")).to_have_count(0)
    # the town opened is the only one read: the other town's dispute is not on its ledger
    expect(page.locator("main")).not_to_contain_text(town["agreed"].code)
    fits(page, size)
    page.context.close()
