"""A deputy's visit log without a signal, in Debian's Chromium at 360 px, with the service worker on.

The deputy opens /duty/visits/ once with a signal (the worker keeps the page), loses the signal, logs a
visit (kept on the phone, IndexedDB), reloads the page (served by the worker, the visit still waiting), and
when the signal returns the visit arrives exactly once, with its matters once.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from lianxin.duty.models import Visit, VisitMatter
from tests.duty.factories import DutyTown

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE_SIZE = {"width": 360, "height": 780}
CACHED = (
    "async () => !!(await caches.match(new Request(location.href, {headers: {'Accept-Language': 'zh-CN'}}),"
    " {ignoreSearch: true, ignoreVary: true}))"
)


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE_SIZE, "locale": "zh-CN", "service_workers": "allow"}


def test_a_visit_logged_offline_arrives_once(page: Page, context: BrowserContext, live_server, artifacts_dir):
    duty = DutyTown.build()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(duty.loop.deputy.username)
    page.get_by_label("密码").fill("pw-12345!")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_be_visible()
    page.goto(f"{base}/duty/visits/")
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/duty/visits/manifest.webmanifest"
    page.wait_for_function("async () => !!(await navigator.serviceWorker.ready).active")
    page.reload()  # now through the worker
    page.wait_for_function("() => !!navigator.serviceWorker.controller")
    page.wait_for_function(CACHED)
    count = page.locator("[data-queue-count]")
    queue = page.locator("[data-queue]")

    context.set_offline(True)
    page.locator("details summary").first.click()
    form = page.locator("form[data-offline]")
    form.locator("[name=record-kind]").select_option("door")
    form.locator("[name=record-cell]").select_option(str(duty.loop.cell.pk))
    form.locator("[name=record-households]").fill("6")
    form.locator("[name=record-heard]").fill("三组的老人反映路灯坏了")
    form.locator("[name=record-matters]").fill("村口路灯不亮\n垃圾清运不及时")
    typed = form.locator("[name=record-done_at]").input_value()
    form.locator("button[type=submit]").click()
    expect(page.locator("[data-queue-notice]")).to_contain_text("已保存在本机")
    expect(count).to_have_text("1 条待发送")
    expect(queue.locator("li[data-state=saved]")).to_contain_text("三组的老人")
    page.screenshot(path=os.path.join(artifacts_dir, "visits-offline-1-kept.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SIZE["width"]

    # closed and opened again without a signal: the worker serves the page, the phone still has the visit
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(count).to_have_text("1 条待发送")
    assert Visit.objects.count() == 0

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(queue.locator("li[data-state=sent]")).to_have_count(1, timeout=30_000)
    expect(count).to_have_text("0 条待发送")
    page.screenshot(path=os.path.join(artifacts_dir, "visits-offline-2-sent.png"), full_page=True)
    visit = Visit.objects.get()
    assert visit.deputy == duty.deputy and visit.households == 6 and visit.key
    assert visit.done_at is not None and visit.done_at.astimezone().strftime("%Y-%m-%dT%H:%M") == typed
    assert VisitMatter.objects.filter(visit=visit).count() == 2
    assert queue.locator("li[data-state=sent]").get_attribute("data-code") == str(visit.pk)

    page.reload()  # the page opens again and sends nothing twice
    expect(queue.locator("li[data-state=sent]")).to_have_count(1)
    assert Visit.objects.count() == 1 and VisitMatter.objects.count() == 2
