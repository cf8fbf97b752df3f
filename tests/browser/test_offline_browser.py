"""The agent's phone page without a signal, in Debian's Chromium at 360 px, with the service worker on.

Two demands filed offline with a photo wait on the phone (IndexedDB), survive a reload served by the service
worker, and arrive once each when the connection returns; a send whose answer is lost on the way is sent
again with the same key and still makes one demand. Each step saves a screenshot.
"""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from lianxin.demands.models import Attachment, Demand
from tests.audio import webm_opus
from tests.portal.fixtures import media, portal_town, sms

FIXTURES = (media, portal_town, sms)  # pytest finds these fixtures by their names in this module

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE_SIZE = {"width": 360, "height": 780}
CACHED = (
    "async () => !!(await caches.match(new Request(location.href, {headers: {'Accept-Language': 'zh-CN'}}),"
    " {ignoreSearch: true, ignoreVary: true}))"
)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE_SIZE, "locale": "zh-CN", "service_workers": "allow"}


def shot(page: Page, artifacts_dir: str, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"{name}.png"), full_page=True)


def photo(color: tuple[int, int, int]) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, format="JPEG")
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def voice() -> dict:
    """Two seconds of Opus in WebM, as Chrome's MediaRecorder writes it (made by ffmpeg): the voice note
    queued on the phone with the form, its consent ticked."""
    name, data, mime = webm_opus(2)
    return {"name": name, "mimeType": mime, "buffer": data}


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("pw-12345!")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()


def open_installed(page: Page, base: str, pt) -> None:
    """Open the agent's page and wait until the service worker controls it and keeps a copy."""
    sign_in(page, base, pt.agent)
    page.goto(f"{base}/m/agent/")
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.reload()  # now through the worker
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function(CACHED)


def file_one(page: Page, pt, name: str, text: str, color: tuple[int, int, int]) -> None:
    page.locator("[name=name]").fill(name)
    page.locator("[name=category]").select_option(str(pt.loop.category.pk))
    page.locator("[name=description]").fill(text)
    page.locator("[name=cell]").select_option(str(pt.loop.cell.pk))
    page.locator("input[name=photos]").set_input_files(photo(color))
    page.locator("input[name=voice]").set_input_files(voice())
    page.locator("input[name=voice_consent]").check()  # the agent records for someone: their consent
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="登记").click()


def test_two_demands_filed_offline_arrive_once_each(
    page: Page, context: BrowserContext, live_server, portal_town, artifacts_dir
):
    pt = portal_town
    open_installed(page, live_server.url, pt)
    queue = page.locator("[data-queue]")
    count = page.locator("[data-queue-count]")

    context.set_offline(True)
    file_one(page, pt, "刘奶奶", "家门口台阶太高,出门不方便", (200, 30, 30))
    expect(page.locator("[data-queue-notice]")).to_contain_text("已保存在本机")
    expect(count).to_have_text("1 条待发送")
    # the form is empty again, with a new key, for the next person
    expect(page.locator("[name=description]")).to_have_value("")
    file_one(page, pt, "陈大爷", "村里的井水有怪味,好几天了", (30, 160, 60))
    expect(count).to_have_text("2 条待发送")
    expect(queue.locator("li[data-state=saved]")).to_have_count(2)
    expect(queue.locator("li").first).to_contain_text("已保存在本机")
    shot(page, artifacts_dir, "offline-1-kept")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]

    # closed and opened again without a signal: the worker serves the page, the phone still has both forms
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(count).to_have_text("2 条待发送")
    expect(queue.locator("li[data-state=saved]")).to_have_count(2)
    assert Demand.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")  # as the phone does when the signal returns
    expect(queue.locator("li[data-state=sent]")).to_have_count(2, timeout=30_000)
    expect(count).to_have_text("0 条待发送")
    shot(page, artifacts_dir, "offline-2-sent")

    demands = list(Demand.objects.order_by("created_at"))
    assert [d.requester_name for d in demands] == ["刘奶奶", "陈大爷"]  # once each, in the order filled
    assert all(d.filed_at is not None and d.filed_at <= d.created_at for d in demands)
    assert all(d.recorded_by == pt.agent and d.consent_at for d in demands)
    # each its own photo and its voice note, queued on the phone with the form (issue 29: voice notes offline)
    assert [Attachment.objects.filter(demand=d).count() for d in demands] == [2, 2]
    notes = [n for n in Attachment.objects.filter(demand__in=demands) if n.is_voice]
    assert len(notes) == 2 and all(n.voice_consent and n.name == "voice.ogg" for n in notes)
    shown = set(queue.locator("li[data-state=sent]").evaluate_all("els => els.map(e => e.dataset.code)"))
    assert shown == {d.code for d in demands}

    # the page opens again and sends nothing twice
    page.reload()
    expect(queue.locator("li[data-state=sent]")).to_have_count(2)
    assert Demand.objects.count() == 2


def test_a_send_whose_answer_is_lost_makes_no_second_demand(
    browser: Browser, live_server, portal_town, artifacts_dir
):
    """The first send reaches the server, which makes the demand, but its answer is cut: the phone keeps the
    form and sends it again with the same key. (Without the service worker, so that the page's own requests
    can be routed: Chromium hands a controlled page's requests to the worker, where routing does not see them.)"""
    pt = portal_town
    context = browser.new_context(viewport=PHONE_SIZE, locale="zh-CN", service_workers="block")
    page = context.new_page()
    sign_in(page, live_server.url, pt.agent)
    page.goto(f"{live_server.url}/m/agent/")
    queue = page.locator("[data-queue]")
    posts: list[str] = []

    def drop_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        posts.append(route.request.headers.get("x-lianxin-queue", ""))
        if len(posts) == 1:
            route.fetch(max_redirects=0)  # the server gets it and makes the demand…
            route.abort("connectionreset")  # …and the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/m/agent/", drop_the_first_answer)
    file_one(page, pt, "刘奶奶", "家门口台阶太高,出门不方便", (200, 30, 30))
    expect(queue.locator("li[data-state=saved]")).to_contain_text("暂无网络")
    assert Demand.objects.count() == 1  # it did arrive
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(queue.locator("li[data-state=sent]")).to_have_count(1)
    shot(page, artifacts_dir, "offline-3-replayed")
    assert posts == ["1", "1"]
    demand = Demand.objects.get()
    assert queue.locator("li[data-state=sent]").get_attribute("data-code") == demand.code
    context.close()


def test_a_form_the_server_refuses_stays_on_the_phone_with_the_reason_to_fix(
    page: Page, context: BrowserContext, live_server, portal_town, artifacts_dir
):
    pt = portal_town
    open_installed(page, live_server.url, pt)
    queue = page.locator("[data-queue]")
    context.set_offline(True)
    file_one(page, pt, "刘奶奶", "家门口台阶太高,出门不方便", (200, 30, 30))
    expect(page.locator("[name=description]")).to_have_value("")  # kept, and the form is ready again
    file_one(page, pt, "", "村里的井水有怪味,好几天了", (30, 160, 60))  # no name: refused later
    expect(page.locator("[data-queue-count]")).to_have_text("2 条待发送")
    # kept on the phone and the form ready again: the send is over before the signal returns (on a busy
    # machine the page may still be storing it; online by then, a refusal would be shown at once instead)
    expect(page.locator("[name=description]")).to_have_value("")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(queue.locator("li[data-state=sent]")).to_have_count(1)
    refused = queue.locator("li[data-state=failed]")
    expect(refused).to_contain_text("未被接收：群众姓名")  # the reason, field by field
    expect(page.locator("[data-queue-notice]")).to_be_hidden()
    expect(page.locator("[data-queue-count]")).to_have_text("0 条待发送")
    shot(page, artifacts_dir, "offline-4-refused")
    assert list(Demand.objects.values_list("requester_name", flat=True)) == ["刘奶奶"]
    page.reload()  # not sent again by itself: it waits for the person
    expect(refused).to_have_count(1)
    assert Demand.objects.count() == 1

    refused.get_by_role("button", name="修改").click()
    expect(page.locator("[name=description]")).to_have_value("村里的井水有怪味,好几天了")
    expect(page.locator("[data-queue-errors]")).to_be_visible()
    assert page.locator("input[name=photos]").evaluate("i => i.files.length") == 1  # the photo came back too
    assert page.locator("input[name=voice]").evaluate("i => i.files.length") == 1  # and the voice note
    page.locator("[name=name]").fill("陈大爷")
    page.get_by_role("button", name="登记").click()
    expect(page.locator("[data-tracking-code]")).to_be_visible()  # sent at once: the receipt
    demand = Demand.objects.get(code=page.locator("[data-tracking-code]").inner_text())
    assert demand.requester_name == "陈大爷" and Demand.objects.count() == 2
    assert Attachment.objects.filter(demand=demand).count() == 2  # the photo and the voice note
