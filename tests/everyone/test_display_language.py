"""English readers get English system notes on the demand timeline (translated at display time from the
event's kind and data, whatever language wrote them); the wall screen refreshes itself without a meta
refresh, its rate labels are large and light; a chart cut to its top 12 says what it left out (issue 26,
point 21)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, expect

from lianxin.demands import services
from lianxin.demands.models import Demand

from ..browser.axe import axe_clean
from ..browser.test_loop_browser import PASSWORD, PHONE, signed_in
from ..factories import CategoryFactory
from ..loop import Loop

CJK = re.compile(r"[\u4e00-\u9fff]")


def _timeline_items(html: str, kind: str) -> list[str]:
    return re.findall(rf'<li data-kind="{kind}">(.*?)</li>', html, re.S)


@pytest.mark.django_db
def test_system_notes_written_in_chinese_read_in_english(loop, client):
    with translation.override("zh-hans"):
        done = loop.completed(channel="mobile")
        services.demand_evaluate(demand=done, actor=loop.citizen, verdict="satisfied")
        late = loop.accepted(title="路灯不亮")
        with time_machine.travel(late.assignment.due_at + dt.timedelta(hours=1)):
            services.deadlines_sweep()
    client.force_login(loop.presidium)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("demands:detail", args=[done.code])).content.decode()
    [evaluated] = _timeline_items(html, "evaluate")
    assert "satisfied" in evaluated.lower() and not CJK.search(evaluated), evaluated
    [recorded] = _timeline_items(html, "record")
    assert not CJK.search(recorded.split("·")[-1]), recorded  # the channel, in English
    html = client.get(reverse("demands:detail", args=[late.code])).content.decode()
    swept = _timeline_items(html, "sweep_red") + _timeline_items(html, "sweep_yellow")
    assert swept and all("Overdue since" in s or "Due at" in s for s in swept), swept
    assert not any(CJK.search(re.sub(r"<b>.*?</b>|<span.*?</span>", "", s)) for s in swept), swept
    # and the Chinese reader still reads Chinese
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("demands:detail", args=[late.code])).content.decode()
    assert any("超期" in s or "时限" in s for s in _timeline_items(html, "sweep_red")), html


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [PHONE, {"width": 1366, "height": 768}], ids=["phone", "desktop"])
def test_the_wall_screen_is_readable_refreshes_by_script_and_says_what_charts_leave_out(
    browser: Browser, live_server, size, artifacts_dir
):
    loop = Loop.build()
    loop.presidium.set_password(PASSWORD)
    loop.presidium.save()
    categories = [CategoryFactory(town=loop.town, name=f"墙屏类别{i:02d}") for i in range(14)]
    for i, category in enumerate(categories):
        for _ in range(1 if i >= 12 else 2):
            loop.recorded(category=category, title=f"诉求{i}")
    page = signed_in(browser, live_server.url, loop.presidium)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}{reverse('insight:wall')}")
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    assert page.locator("script[src*='insight/wall.js']").count() == 1
    label = page.locator(".rate-label").first
    assert float(label.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    assert label.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
    # 14 categories: 12 drawn, "the other 2 together: 2"
    expect(page.locator("[data-rest=category]")).to_contain_text("2")
    rest = page.locator("[data-rest=category]").inner_text()
    assert re.search(r"12\D+2\D+2", rest), rest
    assert Demand.objects.filter(town=loop.town).count() == 26
    axe_clean(page)  # the meta refresh was a violation
    if size is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=f"{artifacts_dir}/everyone-wall-{size['width']}.png", full_page=False)
