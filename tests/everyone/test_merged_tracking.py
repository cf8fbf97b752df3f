"""A villager whose demand was merged sees "已合并" with the code of, and a link to, the demand it went
into; that page shows its progress and result and nothing personal of it (issue 26, point 19)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from lianxin.demands import services

from ..browser.test_loop_browser import PHONE, fits_the_phone
from ..loop import Loop

OTHER = {"requester": None, "requester_name": "王大山", "requester_phone": "13800005678"}
OTHER_TEXT = "王大山家门口的路灯坏了三个月"


def _merged(loop: Loop):
    target = loop.assigned(title="村口路灯不亮", description=OTHER_TEXT, **OTHER)
    mine = loop.recorded(
        title="路灯不亮",
        description="晚上出门看不见",
        requester=None,
        requester_name="张小梅",
        requester_phone="13700002222",
    )
    services.demand_merge(demand=mine, actor=loop.deputy, into=target)
    return mine, target


def _prove(client, town, code, last4):
    return client.post(reverse("portal:track", args=[town.code]), {"code": code, "last4": last4})


@pytest.mark.django_db
def test_the_demand_merged_into_opens_only_for_who_follows_a_merged_one(loop, client):
    mine, target = _merged(loop)
    target_url = reverse("portal:tracked", args=[loop.town.code, target.code])
    assert client.get(target_url).status_code == 404  # nobody has proved anything yet
    _prove(client, loop.town, mine.code, "2222")
    page = client.get(reverse("portal:tracked", args=[loop.town.code, mine.code])).content.decode()
    assert f'href="{target_url}"' in page and target.code in page
    html = client.get(target_url).content.decode()
    assert target.code in html and str(loop.department) in html
    for personal in ("王大山", "王**", "138****5678", "5678", OTHER_TEXT, "村口路灯不亮"):
        assert personal not in html, personal
    # another visitor who proved an unrelated demand does not get it
    stranger = loop.recorded(requester=None, requester_name="赵四", requester_phone="13600003333")
    client.logout()
    _prove(client, loop.town, stranger.code, "3333")
    assert client.get(target_url).status_code == 404


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_merged_demand_links_to_the_one_it_went_into_at_phone_size(browser: Browser, live_server):
    loop = Loop.build()
    mine, target = _merged(loop)
    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/m/{loop.town.code}/track/")
    page.locator("[name=code]").fill(mine.code)
    page.locator("[name=last4]").fill("2222")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("[data-status]")).to_have_text("已合并")
    link = page.locator("[data-merged-into] a")
    expect(link).to_have_text(target.code)
    fits_the_phone(page)
    link.click()
    expect(page.locator("[data-merged-target] [data-code]")).to_have_text(target.code)
    expect(page.locator("[data-merged-target]")).to_contain_text(str(loop.department))
    body = page.locator("main").inner_text() if page.locator("main").count() else page.content()
    for personal in ("王大山", "5678", OTHER_TEXT):
        assert personal not in body
    fits_the_phone(page)
