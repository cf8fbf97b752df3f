"""Issue 26, points 7 and 9 in Debian's Chromium at 360 px (and 1366 px): the audit administrator's log in the
auditor's words, and the presidium's annual work report (年度工作报告) with its headline figures."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from lianxin import audit
from lianxin.accounts.roles import Role
from tests.disputes.factories import Ledger
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1366, "height": 800}}
PASSWORD = "records-page-2026!"


def signed_in(browser: Browser, base: str, user: Any, size: str) -> Page:
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def with_password(user: Any) -> Any:
    user.set_password(PASSWORD)
    user.save()
    return user


def fits(page: Page, size: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]


@pytest.fixture
def town(live_server) -> tuple[Ledger, str]:
    ledger = Ledger.build()
    ledger.at("agreed")
    risky = ledger.at("mediating")
    ledger.do("flag_petition", risky, ledger.mediator)
    ledger.do("clear_petition", risky, ledger.mediator)
    with_password(ledger.presidium)
    return ledger, live_server.url


@pytest.mark.parametrize("size", list(SIZES))
def test_the_audit_log_reads_in_the_auditors_words(browser: Browser, town, artifacts_dir, size):
    ledger, base = town
    dispute = ledger.registered(summary="宅基地边界纠纷")
    audit.record(audit.REVEAL, user=ledger.mediator, obj=dispute, action="parties", reason="回访")
    auditor = with_password(UserFactory(town=ledger.town, role=Role.AUDIT_ADMIN, is_staff=True))
    page = signed_in(browser, base, auditor, size)
    page.goto(f"{base}/admin/audit/auditentry/")
    table = page.locator("#result_list")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("角色")
    assert "METHOD" not in (table.locator("thead").inner_text() or "").upper()
    expect(table).to_contain_text("当事人信息完整显示")  # not "parties"
    expect(table).to_contain_text("矛盾纠纷：已登记")  # a transition by its workflow's label
    expect(table).to_contain_text(f"{dispute.code} 宅基地边界纠纷")  # the object's own label
    # every field of an entry on screen, the object's label too (a phone shows each entry as a card)
    label = table.locator("td.field-object_shown", has_text="宅基地边界纠纷").first
    box = label.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"], box
    fits(page, size)
    page.screenshot(path=os.path.join(artifacts_dir, f"records-audit-{size}.png"), full_page=True)

    # the entry's own page: its title in the town's time, the account number translated
    entry = audit.models.AuditEntry.objects.filter(kind="reveal").get()
    page.goto(f"{base}/admin/audit/auditentry/{entry.pk}/change/")
    body = page.locator("body")
    expect(body).to_contain_text(f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M}")
    expect(body).to_contain_text("账号编号")
    assert "User id" not in body.inner_text()
    page.screenshot(path=os.path.join(artifacts_dir, f"records-audit-entry-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_annual_work_report_page(browser: Browser, town, artifacts_dir, size):
    ledger, base = town
    page = signed_in(browser, base, ledger.presidium, size)
    page.goto(f"{base}/insight/")
    expect(page.locator('[data-headline] [data-figure="disputes_resolved"] b')).to_have_text("1")
    page.get_by_role("link", name="年度工作报告").first.click()
    expect(page.locator("h1")).to_contain_text("年度工作报告")
    expect(page.locator('[data-office] [data-figure="disputes_received"] b')).to_have_text("2")
    expect(page.locator('[data-office] [data-figure="petition_risks_removed"] b')).to_have_text("1")
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    fits(page, size)
    page.screenshot(path=os.path.join(artifacts_dir, f"records-annual-{size}.png"), full_page=True)
