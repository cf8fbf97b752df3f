"""The closed loop walked in Debian's Chromium at phone size, each role in its own browser:
recorded → claimed → assigned → accepted → completed → unsatisfied (returned) → completed → satisfied → closed."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lianxin.demands.models import Demand
from lianxin.demands.states import Status
from tests.browser.axe import axe_clean
from tests.loop import Loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
PASSWORD = "loop-walk-2025!"


@pytest.fixture
def walk(live_server) -> tuple[Loop, str]:
    loop = Loop.build()
    for user in (loop.deputy, loop.staff, loop.presidium):
        user.set_password(PASSWORD)
        user.save()
    return loop, live_server.url


def signed_in(browser: Browser, base: str, user: Any) -> Page:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{base}/accounts/login/")
    axe_clean(page)
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who")).to_contain_text(str(user))
    return page


def to_workbench(page: Page) -> None:
    page.locator(".top-nav").get_by_role("link", name="工作台", exact=True).click()


def shot(page: Page, artifacts_dir: str, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"loop-{name}.png"), full_page=True)


def fits_the_phone(page: Page) -> None:
    """No wider than the phone, and clean of WCAG 2.1 AA violations (axe-core)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)


def status_is(page: Page, text: str) -> None:
    expect(page.locator("h1 + .meta [data-status]")).to_have_text(text)
    axe_clean(page)


def open_action(page: Page, action: str) -> Any:
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    return box


def test_the_loop_at_phone_size_and_back_when_the_citizen_is_unsatisfied(
    browser: Browser, walk, artifacts_dir
):
    loop, base = walk

    # 1. A deputy on station duty records what a citizen says (群众点单)
    deputy = signed_in(browser, base, loop.deputy)
    to_workbench(deputy)
    expect(deputy.locator("h1")).to_have_text("代表待办")
    deputy.get_by_role("link", name="登记诉求").click()
    deputy.get_by_label("来源渠道").select_option("station")
    deputy.get_by_label("类别").select_option(label=loop.category.name)
    deputy.get_by_label("标题").fill("小区门口积水")
    deputy.get_by_label("问题描述").fill("雨后积水一周未退，老人出行不便")
    deputy.get_by_label("网格").select_option(label=loop.cell.name)
    deputy.get_by_label("诉求人姓名").fill("李小花")
    deputy.get_by_label("诉求人电话").fill("13900001234")
    fits_the_phone(deputy)
    shot(deputy, artifacts_dir, "1-record")
    deputy.get_by_role("button", name="列入问题清单").click()
    status_is(deputy, "已登记")
    code = deputy.locator("h1 .code").inner_text()
    demand = Demand.objects.get(code=code)
    # the deputy is not the presidium: the citizen's name and phone are masked
    expect(deputy.locator('[data-personal="name"]')).to_have_text("李**")
    expect(deputy.locator('[data-personal="phone"]')).to_have_text("139****1234")

    # 2. ... finds it in the inbox and claims it (代表接单), then assigns it (交办)
    to_workbench(deputy)
    card = deputy.locator(f'.demand-card[data-code="{code}"]')
    expect(card).to_be_visible()
    fits_the_phone(deputy)
    shot(deputy, artifacts_dir, "2-deputy-inbox")
    card.get_by_role("link").click()
    deputy.locator("#action-claim").get_by_role("button", name="接单").click()
    status_is(deputy, "代表已接单")
    form = open_action(deputy, "assign")
    form.get_by_label("牵头部门").select_option(label=str(loop.department))
    form.get_by_label("办理事项").fill("疏通小区门口排水沟")
    form.get_by_label("办理标准").fill("三日内路面无积水")
    form.get_by_role("button", name="交办部门").click()
    status_is(deputy, "已交办")
    expect(deputy.locator("#assignment-h [data-light]")).to_have_text("正常")
    fits_the_phone(deputy)
    shot(deputy, artifacts_dir, "3-assigned")

    # 3. The department accepts and reports completion (部门办单)
    staff = signed_in(browser, base, loop.staff)
    to_workbench(staff)
    expect(staff.locator("h1")).to_have_text("部门待办")
    staff.locator(f'.demand-card[data-code="{code}"]').get_by_role("link").click()
    staff.locator("#action-accept").get_by_role("button", name="签收").click()
    status_is(staff, "办理中")

    def complete(result: str) -> None:
        form = open_action(staff, "complete")
        form.get_by_label("办理情况").fill(result)
        form.get_by_label("已解决", exact=True).check()
        form.get_by_role("button", name="报告办结").click()
        status_is(staff, "已办结")

    complete("已疏通排水沟")
    shot(staff, artifacts_dir, "4-completed")

    # 4. The presidium records the citizen's verdict given by phone: unsatisfied, so it goes back
    presidium = signed_in(browser, base, loop.presidium)
    to_workbench(presidium)
    expect(presidium.locator('[data-count="completion"]')).to_have_text("1")
    presidium.locator('[data-list="completion"] h2 a').click()
    presidium.get_by_role("link", name=code).click()
    # masked for the presidium too; it gives a reason to see the citizen in full, for this page only
    expect(presidium.locator('[data-personal="name"]')).to_have_text("李**")
    presidium.locator(".call-back summary").click()
    presidium.get_by_label("为什么需要查看完整信息？").fill("电话回访群众意见")
    presidium.get_by_role("button", name="显示完整信息").click()
    expect(presidium.locator('[data-personal="name"]')).to_have_text("李小花")
    expect(presidium.locator("[data-revealed]")).to_have_text("13900001234")
    shot(presidium, artifacts_dir, "5-revealed")

    def evaluate(verdict: str, comment: str = "") -> None:
        form = open_action(presidium, "evaluate")
        form.get_by_label(verdict, exact=True).check()
        if comment:
            form.get_by_label("意见").fill(comment)
        form.get_by_role("button", name="评价").click()

    evaluate("不满意", "门口还有积水")
    status_is(presidium, "退回重办")
    expect(presidium.locator("[data-timeline]")).to_contain_text("门口还有积水")
    fits_the_phone(presidium)
    shot(presidium, artifacts_dir, "5-returned")

    # 5. The department puts it right and reports again; the citizen is satisfied; the presidium closes
    to_workbench(staff)
    staff.get_by_role("link", name="退回重办").click()
    staff.locator(f'.demand-card[data-code="{code}"]').get_by_role("link").click()
    complete("加装排水管，路面已干")
    presidium.reload()
    evaluate("满意")
    status_is(presidium, "已评价")
    form = open_action(presidium, "close")
    form.get_by_label("备注").fill("验收通过")
    form.get_by_role("button", name="验收销号").click()
    status_is(presidium, "已销号")
    expect(presidium.locator(".messages")).to_contain_text("已完成：验收销号")
    expect(presidium.locator("#action-close")).to_have_count(0)
    fits_the_phone(presidium)
    shot(presidium, artifacts_dir, "6-closed")

    demand.refresh_from_db()
    assert demand.status == Status.CLOSED
    assert demand.assignment.returns == 1
    assert list(demand.events.values_list("action", flat=True)) == [
        "record",
        "claim",
        "assign",
        "accept",
        "complete",
        "evaluate",
        "complete",
        "evaluate",
        "close",
    ]
