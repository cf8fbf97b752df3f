"""An export's page in Debian's Chromium on a phone (360 px): it follows the worker's job with htmx and offers
the file once written; the list's export button and the county's year form fit the screen."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from lianxin.exports import services
from lianxin.jobs.kinds import kind_of, standing
from lianxin.jobs.models import Job
from tests.browser.axe import axe_clean
from tests.loop import Loop

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}
PASSWORD = "exports-2026!"


def test_the_export_page_follows_the_job_then_offers_the_file(
    live_server, browser: Browser, settings, tmp_path
):
    settings.MEDIA_ROOT = settings.SENDFILE_ROOT = str(tmp_path)
    loop = Loop.build()
    loop.presidium.set_password(PASSWORD)
    loop.presidium.save()
    loop.recorded(title="村口路灯不亮")
    job = Job.objects.create(  # queued: the worker has not taken it yet
        kind="demands.list",
        params={"list": "problem", "filters": {}},
        title="问题清单",
        owner=loop.presidium,
        town=loop.town,
        scope=standing(kind_of("demands.list"), loop.presidium),  # as export_start records it
    )
    page = browser.new_context(viewport=PHONE, accept_downloads=True).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(loop.presidium.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who")).to_contain_text(str(loop.presidium))

    page.goto(f"{live_server.url}/demands/lists/problem/")
    expect(page.get_by_role("link", name="导出 Excel")).to_be_visible()
    page.goto(f"{live_server.url}/exports/{job.pk}/")
    box = page.locator("#job-progress")
    expect(box).to_have_attribute("data-status", "queued")
    expect(page.locator("[data-download]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)

    services.export_run(job_id=job.pk)  # the worker's part; the page's next poll brings the link
    expect(page.locator("[data-download]")).to_be_visible()
    expect(box).to_have_attribute("data-status", "done")
    expect(page.locator("[data-percent]")).to_have_text("100%")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)
    with page.expect_download() as download:
        page.locator("[data-download]").click()
    download.value.save_as(tmp_path / "sheet.xlsx")
    rows = list(load_workbook(tmp_path / "sheet.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][6].startswith("村口路灯不亮")

    page.goto(f"{live_server.url}/demands/lists/")
    expect(page.locator("[data-year-export] button")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    axe_clean(page)
