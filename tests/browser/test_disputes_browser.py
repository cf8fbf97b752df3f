"""A dispute walked in Debian's Chromium at phone size (360 px), by the mediator: a walk-in registered at the
mediation station → accepted → mediating → a session with a deputy on the supervision seat → agreement
(printable) → follow-up → closed. Parties are masked for the mediator too until it gives a reason to see them."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from lianxin.disputes.models import Dispute, Status
from tests.disputes.factories import Ledger

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN"}


def shot(page: Page, artifacts_dir: str, name: str) -> None:
    page.screenshot(path=os.path.join(artifacts_dir, f"dispute-{name}.png"), full_page=True)


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def status_is(page: Page, text: str) -> None:
    expect(page.locator("h1 + .meta [data-status]")).to_have_text(text)


def open_action(page: Page, action: str) -> Any:
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    return box


def test_a_walk_in_from_registration_to_closed_follow_up(page: Page, live_server, artifacts_dir):
    ledger = Ledger.build()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(ledger.mediator.username)
    page.get_by_label("密码").fill("pw-12345!")
    page.get_by_role("button", name="登录").click()
    page.locator(".top-nav").get_by_role(
        "link", name="工作台", exact=True
    ).click()  # a mediator's 工作台 is the ledger
    expect(page.locator("h1")).to_contain_text("矛盾纠纷台账")
    fits_the_phone(page)
    page.locator("[data-register]").click()

    # 1. The walk-in (a try without the applicant is stopped by the form; tests/disputes/test_pages.py has the
    #    server's 400 with the input kept).
    page.get_by_label("纠纷类型").select_option(label="土地及宅基地纠纷")
    page.get_by_label("标题").fill("宅基地边界争议")
    page.get_by_label("问题描述").fill("两户翻建房屋时对界址有争议")
    page.get_by_label("涉及金额（元）").fill("30000")
    page.get_by_role("button", name="登记入矛盾纠纷台账").click()
    expect(page.locator("[name=applicant_name]")).to_have_js_property("validity.valid", False)
    page.locator("[name=applicant_name]").fill("赵大山")
    page.locator("[name=applicant_phone]").fill("13700001111")
    page.locator("[name=respondent_name]").fill("钱二河")
    page.get_by_label("调解站").select_option(label=ledger.station.name)
    fits_the_phone(page)
    shot(page, artifacts_dir, "1-register")
    page.get_by_role("button", name="登记入矛盾纠纷台账").click()
    status_is(page, "已登记")
    expect(page.locator("[data-reasons]")).to_contain_text("类型：土地及宅基地纠纷 +3")
    expect(page.locator("[data-parties]")).to_contain_text("赵**")  # the mediator reads parties masked
    fits_the_phone(page)

    # 2. Accepted (by the mediator), mediation started.
    open_action(page, "accept")
    page.locator("#action-accept").get_by_role("button", name="受理调解").click()
    status_is(page, "已受理")
    open_action(page, "start")
    page.locator("#action-start").get_by_role("button", name="开始调解").click()
    status_is(page, "调解中")

    # 3. A session with the deputy on the supervision seat.
    box = open_action(page, "session")
    box.get_by_label("召开时间").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    box.get_by_label("王代表", exact=True).check()  # the deputy picker (static/js/phone.js)
    box.get_by_label("代表意见").fill("程序合法，建议重新勘界")
    box.get_by_label("调解记录").fill("双方陈述，调解员释法明理")
    box.get_by_label("调解结果").select_option(label="有望达成协议")
    fits_the_phone(page)
    box.get_by_role("button", name="记录调解会").click()
    expect(page.locator("[data-supervisor]")).to_contain_text("王代表")
    shot(page, artifacts_dir, "2-session")

    # The mediator must phone the parties: a reason shows them in full, on this page only.
    page.locator("details:has(form[data-reveal]) summary").click()
    page.get_by_label("为什么需要查看完整信息？").fill("电话通知双方到场勘界")
    page.get_by_role("button", name="显示完整信息").click()
    expect(page.locator("[data-parties]")).to_contain_text("赵大山")
    expect(page.locator("[data-parties]")).to_contain_text("13700001111")
    expect(page.locator("[data-reveal-note]")).to_be_visible()
    fits_the_phone(page)
    shot(page, artifacts_dir, "2b-revealed")

    # 4. The agreement, every party accepting; it can be printed.
    box = open_action(page, "agree")
    box.get_by_label("协议内容").fill("由村委会重新勘测界址，双方按结果执行")
    for checkbox in box.locator("input[type=checkbox]").all():
        checkbox.check()
    box.get_by_label("回访日期").fill(timezone.localdate().isoformat())
    box.get_by_role("button", name="记录调解协议").click()
    status_is(page, "调解成功")
    expect(page.locator("[data-pdf]")).to_be_visible()
    expect(page.locator("[data-parties]")).to_contain_text("赵**")  # masked again after the reveal
    expect(
        page.locator("[data-print-signed]")
    ).to_be_attached()  # the mediator's own: a link, printed in full

    # 5. Followed up and closed.
    box = open_action(page, "follow_up")
    box.get_by_label("回访情况").fill("已按勘测结果履行")
    box.get_by_role("button", name="记录回访").click()
    status_is(page, "已回访")
    open_action(page, "close")
    page.locator("#action-close").get_by_role("button", name="结案").click()
    status_is(page, "已销号")
    fits_the_phone(page)
    shot(page, artifacts_dir, "3-closed")
    dispute = Dispute.objects.get(summary="宅基地边界争议")
    assert dispute.status == Status.CLOSED
    assert list(dispute.events.values_list("action", flat=True)) == [
        "register", "accept", "start", "session", "agree", "follow_up", "close"
    ]  # fmt: skip
