"""A deputy checks in at a station with today's QR code, on a phone (360 px), logs a reception and checks out."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import Page, expect

from lianxin.duty import codes
from lianxin.duty.models import DutyEntry, Shift
from tests.duty.factories import DutyTown

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
PASSWORD = "duty-walk-2026!"


def test_deputy_checks_in_on_the_phone(page: Page, live_server, artifacts_dir):
    duty = DutyTown.build()
    duty.loop.deputy.set_password(PASSWORD)
    duty.loop.deputy.save()
    now = dt.datetime.now(dt.UTC)
    shift = duty.shift(now - dt.timedelta(minutes=10), hours=2)
    page.set_viewport_size(PHONE)
    # what the phone opens when the code on the station's screen is scanned: first the sign-in
    code = codes.current(duty.station).code
    page.goto(f"{live_server.url}/duty/check-in/{duty.station.pk}/?code={code}")
    page.get_by_label("用户名").fill(duty.loop.deputy.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_have_text(duty.station.name)
    expect(page.get_by_label("签到码")).to_have_value(code)  # the scan filled it in
    page.locator('button[value="check_in"]').click()
    expect(page.locator("[data-status]")).to_have_text("值班中")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("来访事由").fill("咨询医保报销")
    page.locator('button[type="submit"]', has_text="登记接待").click()
    expect(page.locator(".messages")).to_contain_text("已登记")
    page.screenshot(path=os.path.join(artifacts_dir, "duty-check-in-360.png"), full_page=True)
    page.locator('button[value="check_out"]').click()
    shift.refresh_from_db()
    assert shift.status == "done" and shift.checked_in_at is not None
    assert sorted(DutyEntry.objects.values_list("kind", flat=True)) == ["reception", "station_duty"]
    assert Shift.objects.count() == 1
