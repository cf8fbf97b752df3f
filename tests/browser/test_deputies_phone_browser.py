"""Issue 26 points 11, 13 and 14, in Debian's Chromium at 360 px: the sign-in page a scanned station code leads to,
the demand's next step before the advice, a visit logged with its time and several matters at once, and the
searchable deputy picker (and the plain select it falls back to without scripts)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lianxin.duty import codes
from lianxin.duty.models import Visit, VisitMatter
from lianxin.supervision.models import Project
from tests.duty.factories import DutyTown
from tests.factories import DeputyCellFactory, GridCellFactory
from tests.loop import Loop
from tests.supervision.factories import Sup

from .test_loop_browser import PASSWORD, open_action, signed_in, status_is

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1366, "height": 800}


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def sign_in_here(page: Page, user) -> None:
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_scanned_station_code_signs_in_for_that_station(browser: Browser, live_server, artifacts_dir):
    duty = DutyTown.build()
    deputy = duty.loop.deputy
    deputy.set_password(PASSWORD)
    deputy.save()
    code = codes.current(duty.station).code
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()

    # signed out, the scan lands on a sign-in page that says where and with which account
    page.goto(f"{live_server.url}/duty/check-in/{duty.station.pk}/?code={code}")
    expect(page.locator("h1")).to_have_text(f"{duty.station.name} 值班签到")
    hint = page.locator(f'[data-check-in="{duty.station.pk}"]')
    expect(hint).to_contain_text(duty.station.name)
    expect(hint).to_contain_text("代表账号")
    fits(page)
    page.screenshot(path=os.path.join(artifacts_dir, "check-in-sign-in-360.png"), full_page=True)
    sign_in_here(page, deputy)
    # ... and comes back to the check-in, the code still filled in
    expect(page.locator("h1")).to_have_text(duty.station.name)
    expect(page.get_by_label("签到码")).to_have_value(code)
    page.context.close()

    # a "next" pointing off the site is neither named nor followed
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=https://evil.example/duty/check-in/{duty.station.pk}/")
    expect(page.locator("h1")).to_have_text("登录")
    expect(page.locator("[data-check-in]")).to_have_count(0)
    sign_in_here(page, deputy)
    expect(page.locator(".who")).to_contain_text(str(deputy))
    assert page.url.startswith(live_server.url)
    page.context.close()


def test_after_claiming_the_assign_form_comes_before_the_advice(browser: Browser, live_server, artifacts_dir):
    loop = Loop.build()
    loop.deputy.set_password(PASSWORD)
    loop.deputy.save()
    demand = loop.recorded(title="小区门口积水", description="雨后积水一周未退，老人出行不便")
    page = signed_in(browser, live_server.url, loop.deputy)
    page.goto(f"{live_server.url}/demands/{demand.code}/")
    page.locator("#action-claim").get_by_role("button", name="接单").click()
    status_is(page, "代表已接单")
    assign, advice = page.locator("#action-assign"), page.locator("details.advice")
    expect(advice).to_have_count(1)
    expect(advice.locator("[data-intake-method]")).to_have_count(1)  # the suggestion is in it
    # on the phone: the assign action within the first screen, the advice folded below it
    assign_box, advice_box = assign.bounding_box(), advice.bounding_box()
    assert assign_box and advice_box
    assert assign_box["y"] + assign_box["height"] <= PHONE["height"]
    assert advice_box["y"] >= assign_box["y"] + assign_box["height"]
    expect(advice).not_to_have_attribute("open", "")
    fits(page)
    page.screenshot(path=os.path.join(artifacts_dir, "claimed-360.png"), full_page=True)
    form = open_action(page, "assign")
    expect(form.get_by_label("牵头部门")).to_be_in_viewport()

    # on a wide screen: the advice open beside the actions
    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(advice).to_have_attribute("open", "")
    assign_box, advice_box = page.locator(".actions").bounding_box(), advice.bounding_box()
    assert assign_box and advice_box
    assert advice_box["x"] >= assign_box["x"] + assign_box["width"]
    assert abs(advice_box["y"] - assign_box["y"]) < 5
    page.screenshot(path=os.path.join(artifacts_dir, "claimed-1366.png"), full_page=True)


def test_a_visit_is_logged_at_now_with_several_matters(browser: Browser, live_server, artifacts_dir):
    duty = DutyTown.build()
    deputy = duty.loop.deputy
    deputy.set_password(PASSWORD)
    deputy.save()
    page = signed_in(browser, live_server.url, deputy)
    before = timezone.localtime().replace(second=0, microsecond=0)
    page.goto(f"{live_server.url}/duty/visits/")
    after = timezone.localtime()
    page.locator("summary", has_text="登记走访").click()
    # the time starts at now, the town's local time, to the minute
    shown = dt.datetime.fromisoformat(page.locator("#id_record-done_at").input_value())
    assert before.replace(tzinfo=None) <= shown <= after.replace(tzinfo=None)
    form = page.locator("form:has(input[name=action][value=record])")
    form.get_by_label("走访方式").select_option("door")
    form.get_by_label("网格").select_option(label=duty.loop.cell.name)
    form.get_by_label("走访户数").fill("6")
    form.get_by_label("群众反映的事项").fill("村口路灯不亮\n\n排水沟堵塞\n 低保复核进度 \n")
    fits(page)
    page.screenshot(path=os.path.join(artifacts_dir, "visit-log-360.png"), full_page=True)
    form.get_by_role("button", name="登记走访").click()
    expect(page.locator(".messages")).to_contain_text("走访已登记")
    visit = Visit.objects.get()
    assert timezone.localtime(visit.done_at).replace(tzinfo=None) == shown
    assert sorted(VisitMatter.objects.filter(visit=visit).values_list("summary", flat=True)) == sorted(
        ["村口路灯不亮", "排水沟堵塞", "低保复核进度"]
    )


def test_deputies_are_picked_from_a_searchable_list_grouped_by_cell(
    browser: Browser, live_server, artifacts_dir
):
    loop = Loop.build()
    sup = Sup(loop)
    loop.presidium.set_password(PASSWORD)
    loop.presidium.save()
    # adopted by the loop's two deputies before the others join (a majority of all would need more votes)
    first = sup.adopted(title="村道硬化")
    second = sup.adopted(title="饮水安全改造")
    for village in ("东关村", "西关村", "南街社区"):
        cell = GridCellFactory(town=loop.town, name=village)
        for n in range(4):
            DeputyCellFactory(town=loop.town, cell=cell, deputy__name=f"{village[:2]}代表{n}")

    # with scripts: a filter box over the names grouped by cell, used from the keyboard
    page = signed_in(browser, live_server.url, loop.presidium)
    page.goto(f"{live_server.url}/supervision/projects/{first.pk}/")
    box = open_action(page, "start")
    box.get_by_label("责任部门").select_option(label=str(loop.department))
    picker = box.locator('[data-picker-for="start-supervisors"]')
    expect(box.locator("select[name=start-supervisors]")).to_be_hidden()  # it carries the choice, unseen
    expect(picker.locator("legend")).to_contain_text(["东关村", "西关村", "南街社区"])
    search = box.get_by_label("监督代表")  # the field's label names the filter box
    search.fill("西关")
    expect(picker.locator("label.check:visible")).to_have_count(4)  # the cell's name finds its deputies
    expect(picker.get_by_label("东关代表0", exact=True)).to_be_hidden()
    search.fill("西关代表2")
    expect(picker.get_by_label("西关代表1", exact=True)).to_be_hidden()  # hidden within its shown group too
    search.press("Enter")  # the only match is picked, the form is not sent
    expect(picker.get_by_label("西关代表2", exact=True)).to_be_checked()
    search.fill("南街")
    search.press("Tab")
    page.keyboard.press("Space")  # the first of 南街社区's deputies
    expect(picker.get_by_label("南街代表0", exact=True)).to_be_checked()
    expect(picker.locator(".picker-chosen")).to_contain_text("西关代表2、南街代表0")
    fits(page)
    page.screenshot(path=os.path.join(artifacts_dir, "deputy-picker-360.png"), full_page=True)
    box.get_by_role("button", name="启动实施").click()
    expect(page.locator("[data-status]")).to_have_text("实施中")
    assert sorted(Project.objects.get(pk=first.pk).supervisors.values_list("name", flat=True)) == [
        "南街代表0",
        "西关代表2",
    ]

    # without scripts: the plain select, one option group per cell
    plain = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False).new_page()
    plain.goto(f"{live_server.url}/accounts/login/")
    sign_in_here(plain, loop.presidium)
    plain.goto(f"{live_server.url}/supervision/projects/{second.pk}/")
    box = open_action(plain, "start")
    select = box.get_by_label("监督代表")
    assert select.evaluate("s => s.tagName") == "SELECT"
    labels = select.locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert {"东关村", "西关村", "南街社区"} <= set(labels)
    box.get_by_label("责任部门").select_option(label=str(loop.department))
    select.select_option(label="东关代表1")
    box.get_by_role("button", name="启动实施").click()
    expect(plain.locator("[data-status]")).to_have_text("实施中")
    assert list(Project.objects.get(pk=second.pk).supervisors.values_list("name", flat=True)) == ["东关代表1"]
