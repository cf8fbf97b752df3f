"""Issue 10 in Debian's Chromium, on a phone (360 px) and on an office desktop (1366 px): the deputy's and the
department's desk (point 6: inbox first, every tab reachable, notes apart from replies) and the presidium's
re-routing (point 9: extend an overdue item, reassign the lead department, change the village)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lianxin.demands import services
from lianxin.demands.models import Demand
from lianxin.demands.states import Status
from tests.factories import GridCellFactory
from tests.loop import Loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 800}}
PASSWORD = "office-desk-2026!"


@pytest.fixture
def desk(live_server) -> tuple[Loop, Demand, str]:
    """A town whose one demand is accepted by the department and overdue (the sweep has turned it red)."""
    loop = Loop.build()
    for user in (loop.deputy, loop.staff, loop.presidium):
        user.set_password(PASSWORD)
        user.save()
    demand = loop.accepted(title="村口路灯不亮")
    services.deadlines_sweep(at=demand.assignment.due_at + dt.timedelta(hours=1))
    return loop, Demand.objects.get(pk=demand.pk), live_server.url


def signed_in(browser: Browser, base: str, user: Any, size: str) -> Page:
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who")).to_contain_text(str(user))
    return page


def fits(page: Page, size: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


def on_screen(page: Page, selector: str, size: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], box


def shot(page: Page, artifacts_dir: str, name: str, size: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"office-{name}-{size}.png"), full_page=True)


def open_action(page: Page, action: str) -> Any:
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    return box


@pytest.mark.parametrize("size", list(SIZES))
def test_the_deputy_and_the_department_work_from_their_inbox(browser: Browser, desk, artifacts_dir, size):
    loop, _demand, base = desk

    # The deputy lands on the inbox, and the 超期 tab is on screen, not cut off.
    deputy = signed_in(browser, base, loop.deputy, size)
    expect(deputy.locator("h1")).to_have_text("代表待办")
    on_screen(deputy, '[data-tab="overdue"]', size)
    fits(deputy, size)
    deputy.locator('[data-tab="overdue"]').click()
    expect(deputy.get_by_role("link", name="村口路灯不亮")).to_be_visible()
    shot(deputy, artifacts_dir, "deputy-inbox", size)

    # The department too: its own 超期 tab; a note stays inside, an interim reply is marked for the citizen.
    staff = signed_in(browser, base, loop.staff, size)
    expect(staff.locator("h1")).to_have_text("部门待办")
    on_screen(staff, '[data-tab="overdue"]', size)
    staff.locator('[data-tab="overdue"]').click()
    staff.get_by_role("link", name="村口路灯不亮").click()
    note = open_action(staff, "note")
    note.get_by_label("内部备注").fill("先与供电所确认线路")
    note.get_by_role("button", name="添加内部备注").click()
    expect(staff.locator('[data-kind="note"]')).to_contain_text("内部")
    reply = open_action(staff, "progress")
    reply.get_by_label("阶段性答复").fill("已报修，供电所本周内更换灯具")
    reply.get_by_role("button", name="阶段性答复").click()
    expect(staff.locator('[data-kind="progress"]')).to_contain_text("群众可见")
    fits(staff, size)

    # A call-back: the number appears once a reason is given.
    staff.locator(".call-back summary").click()
    staff.get_by_label("为什么需要查看完整信息？").fill("约定更换时间")
    staff.get_by_role("button", name="显示完整信息").click()
    expect(staff.locator("[data-revealed]")).to_have_text("13900001234")
    shot(staff, artifacts_dir, "department-demand", size)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_presidium_reroutes_an_overdue_item(browser: Browser, desk, artifacts_dir, size):
    loop, demand, base = desk
    east = GridCellFactory(town=loop.town, name="东关村")
    office = signed_in(browser, base, loop.presidium, size)
    office.goto(f"{base}/demands/{demand.code}/")
    expect(office.locator(".assignment [data-light]")).to_have_attribute("data-light", "red")

    extend = open_action(office, "extend")
    new_due = demand.assignment.due_at.astimezone(dt.timezone(dt.timedelta(hours=8))) + dt.timedelta(days=7)
    extend.get_by_label("新的完成时限").fill(new_due.strftime("%Y-%m-%dT%H:%M"))
    extend.get_by_label("理由").fill("汛期施工受阻")
    extend.get_by_role("button", name="延长时限").click()
    expect(office.locator(".assignment [data-light]")).to_have_attribute("data-light", "green")
    expect(office.locator("[data-due]")).to_have_text(new_due.strftime("%Y-%m-%d %H:%M"))

    reassign = open_action(office, "reassign")
    reassign.get_by_label("新的牵头部门").select_option(
        label=str(loop.other_staff.department_staff.department)
    )
    reassign.get_by_label("理由").fill("属供电所职责")
    reassign.get_by_role("button", name="改派牵头部门").click()
    expect(office.locator("h1 + .meta [data-status]")).to_have_attribute("data-status", Status.ASSIGNED)

    relocate = open_action(office, "relocate")
    relocate.get_by_label("所属村(社区)网格").select_option(label=str(east))
    relocate.get_by_label("理由").fill("定位偏差，实为东关村")
    relocate.get_by_role("button", name="变更所属村(社区)").click()
    expect(office.locator(".facts").first).to_contain_text("东关村")
    fits(office, size)
    shot(office, artifacts_dir, "presidium-reroute", size)

    demand.refresh_from_db()
    assert demand.cell == east and demand.status == Status.ASSIGNED
    assert demand.assignment.department == loop.other_staff.department_staff.department
