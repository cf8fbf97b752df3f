"""The bell on a phone (360 px) in Debian's Chromium: subjects grouped and expandable, the two tabs, mark all
read per tab, the header's counts."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from lianxin.notify.models import Notification
from tests.browser.axe import axe_clean
from tests.loop import Loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 360, "height": 780}
PASSWORD = "bell-2026-pw!"


def test_the_bell_groups_by_subject_with_two_tabs_at_360px(browser: Browser, live_server, artifacts_dir):
    loop = Loop.build()
    user = loop.staff
    user.set_password(PASSWORD)
    user.save()

    def note(subject, topic, action, read=False):
        return Notification(
            town=loop.town, user=user, subject=subject, url=topic, topic=topic, action=action,
            kind="demands.remind", read_at=timezone.now() if read else None,
        )  # fmt: skip

    demand = "/demands/HJ-7Q4M-2K/"
    Notification.objects.bulk_create(
        [note(f"催办：HJ-7Q4M-2K 第{i}次", demand, True, read=i > 3) for i in range(1, 6)]
        + [note("新交办 HJ-8P3R-5T，时限 03-09 17:00", "/demands/HJ-8P3R-5T/", True)]
        + [note(f"HJ-2A2B-3C 进展 {i}", "/demands/HJ-2A2B-3C/", False) for i in range(2)]
    )

    page = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-unread-action]")).to_have_text("4")
    expect(page.locator("[data-unread-info]")).to_have_text("2")
    page.locator("a.bell").click()

    # "needs me": two subjects, the demand's five notices under one line, expandable
    expect(page.locator('[data-tab="action"]')).to_have_attribute("aria-current", "page")
    topics = page.locator("[data-topic]")
    expect(topics).to_have_count(2)
    group = page.locator(f'[data-topic="{demand}"]')
    expect(group.locator("summary")).to_contain_text("5 条通知")
    expect(group.locator("summary")).to_contain_text("3 条未读")
    expect(group.locator(".notes-in li").first).not_to_be_visible()
    group.locator("summary").click()
    expect(group.locator(".notes-in li")).to_have_count(5)
    expect(group.locator(".notes-in li").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)
    page.screenshot(path=os.path.join(artifacts_dir, "bell-needs-me-360.png"), full_page=True)

    # "for information": its own subject; marking it all read leaves "needs me" as it was
    page.locator('[data-tab="info"]').click()
    expect(page.locator('[data-tab="info"]')).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-topic]")).to_have_count(1)
    expect(page.locator("[data-topic] summary")).to_contain_text("2 条通知")
    page.locator("[data-mark-all]").click()
    expect(page.locator('[data-tab="info"] b')).to_have_text("0")
    expect(page.locator('[data-tab="action"] b')).to_have_text("4")
    expect(page.locator("[data-mark-all]")).to_have_count(0)
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 4
    page.screenshot(path=os.path.join(artifacts_dir, "bell-info-read-360.png"), full_page=True)

    # back to "needs me", mark all read there too; the header's count follows on the next page
    page.locator('[data-tab="action"]').click()
    page.locator("[data-mark-all]").click()
    expect(page.locator('[data-tab="action"] b')).to_have_text("0")
    page.reload()
    expect(page.locator("[data-unread-action]")).to_have_text("0")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # the settings page fits the phone too: the kinds with a checkbox per channel
    page.goto(f"{live_server.url}/notifications/settings/")
    expect(page.locator('[data-kind="demands.assign"] input[data-channel="sms"]')).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)
    page.screenshot(path=os.path.join(artifacts_dir, "bell-settings-360.png"), full_page=True)
