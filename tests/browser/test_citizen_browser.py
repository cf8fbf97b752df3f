"""Citizens, agents and observers on a phone (360×780) in Debian's Chromium; each test saves a screenshot."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from lianxin.board import services as board
from lianxin.core.fields import lookup_hash
from lianxin.demands import services as demands
from lianxin.demands.models import Demand
from tests.browser.axe import axe_clean
from tests.portal.fixtures import media, portal_town, sms
from tests.portal.sms import last_code, last_sms_text

# pytest finds these fixtures by their names in this module
FIXTURES = (media, portal_town, sms)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE_SIZE = {"width": 360, "height": 780}
DESK_SIZE = {"width": 1366, "height": 800}
# Visible is not yet decoded: wait for the image's load (or error) before reading its width.
LOADED_WIDTH = (
    "img => img.complete && img.naturalWidth ? img.naturalWidth : new Promise(done => {"
    " img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); })"
)
NEW_CODE = re.compile(r"^[A-Z]{2}-[2-9A-Z]{4}-[2-9A-Z]{2}$")
# Inside the Loop's cell (35.26..35.27 N, 113.66..113.67 E), as WGS84 from the browser's geolocation API.
INSIDE = {"latitude": 35.265, "longitude": 113.665}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": PHONE_SIZE,
        "locale": "zh-CN",
        "geolocation": INSIDE,
        "permissions": ["geolocation"],
    }


def shot(page: Page, artifacts_dir: str, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"{name}.png"), full_page=True)


def no_wider_than_the_phone(page: Page) -> None:
    width = (page.viewport_size or PHONE_SIZE)["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def photo() -> dict:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 120, 200)).save(out, format="JPEG")
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    axe_clean(page)
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-12345!")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


@pytest.mark.parametrize("size", [PHONE_SIZE, DESK_SIZE], ids=["phone", "desk"])
def test_submit_then_track_then_evaluate(
    page: Page, browser: Browser, live_server, portal_town, sms, artifacts_dir, size
):
    pt = portal_town
    page.set_viewport_size(size)
    w = size["width"]
    page.goto(f"{live_server.url}/m/")
    expect(page.locator("h1")).to_contain_text("我要反映")
    no_wider_than_the_phone(page)
    axe_clean(page)
    # a first try with nothing filled in keeps the page and says what to fix
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".form-errors")).to_contain_text("请修改")
    expect(page.locator('[data-error-for="category"]')).to_contain_text("请选择最符合的类别")
    axe_clean(page)
    page.locator("[name=category]").select_option(label=pt.loop.category.name)
    page.locator("[name=description]").fill("村口路灯坏了一个月,晚上很黑")
    page.locator("[name=photos]").set_input_files([photo()])
    page.get_by_role("button", name="使用我的位置").click()
    # the place the location picked is shown in the form, and the citizen may change it (point 3)
    expect(page.locator("[data-locate-status]")).to_contain_text(pt.loop.cell.name)
    expect(page.locator("[name=cell]")).to_have_value(str(pt.loop.cell.pk))
    page.locator("[name=name]").fill("王秀英")
    page.locator("[name=phone]").fill("13912340001")
    shot(page, artifacts_dir, f"citizen-1-form-{w}")
    page.get_by_role("button", name="提交").click()
    # the receipt: a code that is not a phone number, a copy button, the place, the SMS (point 1)
    code_box = page.locator("[data-tracking-code]")
    expect(code_box).to_have_text(NEW_CODE)
    code = code_box.inner_text()
    expect(page.locator("[data-place]")).to_have_text(pt.loop.cell.name)
    expect(page.locator("[data-sms-receipt]")).to_contain_text("139****0001")
    page.get_by_role("button", name="复制编号").click()
    expect(page.locator("[data-copy-status]")).not_to_be_empty()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('[data-tracking-code]')).fontSize") == "32px"
    )
    no_wider_than_the_phone(page)
    axe_clean(page)
    shot(page, artifacts_dir, f"citizen-2-code-{w}")
    demand = Demand.objects.get(code=code)
    assert code in last_sms_text("13912340001")
    assert demand.cell == pt.loop.cell and demand.lat == INSIDE["latitude"]
    assert demand.attachments.count() == 1

    # the deputy, the department and back: the real services move it to completed
    loop = pt.loop
    demand = demands.demand_claim(demand=demand, actor=loop.deputy)
    demands.demand_assign(
        demand=demand, actor=loop.deputy, department=loop.department, matter="修路灯", standard="三日内亮灯"
    )
    demand = demands.demand_accept(demand=Demand.objects.get(pk=demand.pk), actor=loop.staff)
    demands.demand_complete(demand=demand, actor=loop.staff, result="已更换灯具", outcome="resolved")

    # another phone, no account: the code and the last four digits
    context = browser.new_context(viewport=size, locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/m/{pt.town.code}/track/")
    axe_clean(other)
    other.locator("[name=code]").fill(code.lower().replace("-", " "))  # typed loosely, still found
    other.locator("[name=last4]").fill("9999")
    other.get_by_role("button", name="查询").click()
    expect(other.locator(".form-errors")).to_contain_text("不匹配")
    other.locator("[name=last4]").fill("0001")
    other.get_by_role("button", name="查询").click()
    expect(other.locator("[data-status]")).to_have_text("已办结")
    expect(other.locator("[data-result]")).to_contain_text("已更换灯具")
    expect(other.locator("[data-photos] img")).to_have_count(1)  # a thumbnail, not "照片 1" (point 5)
    assert other.locator("[data-photos] img").evaluate(LOADED_WIDTH) == 80
    expect(other.locator("body")).not_to_contain_text("13912340001")
    axe_clean(other)
    # to evaluate, prove the phone with an SMS code
    other.get_by_role("button", name="发送验证码").click()
    other.locator("[name=code]").fill(last_code("13912340001"))
    other.get_by_role("button", name="登录").click()
    # 我的诉求 marks what waits for the citizen's evaluation (point 4)
    other.goto(f"{live_server.url}/m/{pt.town.code}/mine/")
    expect(other.locator("[data-awaiting]")).to_have_count(1)
    axe_clean(other)
    other.locator("[data-awaiting]").click()
    other.get_by_text("不满意", exact=True).click()
    other.get_by_role("button", name="提交评价").click()
    # the error is in view and the comment box has the focus, the choice kept
    expect(other.locator('[data-error-for="comment"]')).to_be_in_viewport()
    expect(other.locator("[name=comment]")).to_be_focused()
    expect(other.get_by_label("不满意", exact=True)).to_be_checked()
    axe_clean(other)
    shot(other, artifacts_dir, f"citizen-3-error-{w}")
    other.locator("[name=comment]").fill("只修好了一盏,另一盏还不亮")
    other.get_by_role("button", name="提交评价").click()
    expect(other.locator("[data-status]")).to_have_text("退回重办")
    # a confirmation; the department's result stays; the verdict is on the page and the timeline
    expect(other.locator(".messages")).to_contain_text("退回")
    expect(other.locator("[data-result]")).to_contain_text("已更换灯具")
    expect(other.locator('[data-verdict="unsatisfied"]')).to_contain_text("只修好了一盏")
    expect(other.locator(".timeline")).to_contain_text("您的评价：不满意")
    no_wider_than_the_phone(other)
    axe_clean(other)
    shot(other, artifacts_dir, f"citizen-4-evaluated-{w}")
    context.close()
    assert Demand.objects.get(code=code).status == "returned"


def test_agent_records_for_an_elderly_person(page: Page, live_server, portal_town, artifacts_dir):
    pt = portal_town
    sign_in(page, live_server.url, pt.agent)
    page.get_by_role("link", name="代老人登记诉求").click()
    expect(page.locator(".preset")).to_contain_text(pt.collection_point.name)
    page.locator("[name=name]").fill("刘奶奶")
    page.locator("[name=category]").select_option(label=pt.loop.category.name)
    page.locator("[name=description]").fill("家门口台阶太高,出门不方便")
    axe_clean(page)
    page.get_by_role("button", name="登记").click()
    expect(page.locator('[data-error-for="consent"]')).to_contain_text("请先征得本人同意")
    expect(page.locator("[name=description]")).to_have_value("家门口台阶太高,出门不方便")
    page.get_by_label("本人已同意由我代为登记并反映此诉求").check()
    shot(page, artifacts_dir, "agent-1-form")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("[data-tracking-code]")).to_have_text(NEW_CODE)
    # no phone given: a slip with the code and a PIN to print (point 2)
    expect(page.locator("[data-pin]")).to_have_text(re.compile(r"^\d{4}$"))
    expect(page.get_by_role("button", name="打印凭条")).to_be_visible()
    no_wider_than_the_phone(page)
    axe_clean(page)
    shot(page, artifacts_dir, "agent-2-code")
    demand = Demand.objects.get(code=page.locator("[data-tracking-code]").inner_text())
    assert demand.channel == "collection_point" and demand.station == pt.collection_point
    assert demand.recorded_by == pt.agent and demand.requester_name == "刘奶奶"


def test_observer_reports_from_their_cell(page: Page, live_server, portal_town, artifacts_dir):
    pt = portal_town
    sign_in(page, live_server.url, pt.observer)
    page.get_by_role("link", name="民情观察员报告").click()
    expect(page.locator("[name=cell]")).to_have_value(str(pt.loop.cell.pk))
    axe_clean(page)
    page.locator("[name=category]").select_option(label=pt.second_category.name)
    page.locator("[name=description]").fill("河道边堆了很多建筑垃圾")
    page.locator("[name=urgency]").select_option("emergency")
    shot(page, artifacts_dir, "observer-1-form")
    page.get_by_role("button", name="报告").click()
    expect(page.locator("[data-tracking-code]")).to_have_text(NEW_CODE)
    axe_clean(page)
    shot(page, artifacts_dir, "observer-2-code")
    demand = Demand.objects.get(code=page.locator("[data-tracking-code]").inner_text())
    assert demand.channel == "observer" and demand.cell == pt.loop.cell
    assert demand.recorded_by == pt.observer and demand.urgency == "emergency"


def test_the_public_board_shows_the_result_without_personal_data(
    page: Page, browser: Browser, live_server, portal_town, artifacts_dir
):
    pt = portal_town
    demand = pt.loop.completed(
        recorded_by=None,
        requester=None,
        requester_name="赵铁柱",
        requester_phone="13511112222",
        requester_id_number="410724199001011234",
        description="赵铁柱反映:村口路面塌陷,电话13511112222",
    )
    sign_in(page, live_server.url, pt.loop.presidium)
    page.goto(f"{live_server.url}/board/redact/")
    axe_clean(page)
    page.get_by_role("link", name=demand.code).click()
    axe_clean(page)
    text = page.locator("[name=text]")
    expect(text).not_to_have_value(re.compile("13511112222|赵铁柱"))
    text.fill(text.input_value() + " 已于三日内修复。")
    page.get_by_role("button", name="公示", exact=True).click()
    expect(page.locator("h1")).to_contain_text("办结公示管理")

    context = browser.new_context(viewport=PHONE_SIZE, locale="zh-CN")
    public = context.new_page()
    public.goto(f"{live_server.url}/board/")
    item = public.locator("[data-publication]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("村口路面塌陷")
    expect(item).to_contain_text("已疏通")
    expect(item).to_contain_text(pt.loop.cell.name)
    expect(public.locator('[data-figure="done"]')).to_have_text("1")
    body = public.content()
    for secret in ("赵铁柱", "13511112222", "410724199001011234", demand.code):
        assert secret not in body
    no_wider_than_the_phone(public)
    axe_clean(public)
    shot(public, artifacts_dir, "board-public")
    # the deputy's public page is linked from the stations page and carries a QR code
    public.goto(f"{live_server.url}/board/{pt.town.code}/stations/")
    axe_clean(public)
    public.get_by_role("link", name=pt.loop.deputy.deputy.name).first.click()
    expect(public.locator(".qr img")).to_be_visible()
    # Visible is not yet decoded: wait for the image's load (or error) before reading its width.
    loaded = (
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.onload = () => done(img.naturalWidth); img.onerror = () => done(0); })"
    )
    assert public.locator(".qr img").evaluate(loaded) > 0
    axe_clean(public)
    shot(public, artifacts_dir, "board-deputy")
    context.close()
    assert Demand.objects.filter(requester_phone_hash=lookup_hash("13511112222")).count() == 1
    assert board  # the service module is the one the page used
