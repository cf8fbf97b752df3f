"""Issue 26 at phone size (360 px) in Debian's Chromium: the vote's paper tally sheet entered as one form and
the count confirmed (items 4), and an office's GBK ledger imported from the styled import page, with the help
page inside the app (item 6)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, expect

from lianxin.supervision import services
from tests.factories import DeputyFactory
from tests.insight.test_import import excel_csv, office_ledger
from tests.loop import Loop

from .test_loop_browser import PASSWORD, fits_the_phone, open_action, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walk(live_server) -> tuple[Loop, str]:
    loop = Loop.build()
    loop.presidium.set_password(PASSWORD)
    loop.presidium.save()
    return loop, live_server.url


def test_the_tally_sheet_is_entered_and_the_count_confirmed_at_phone_size(
    browser: Browser, walk, artifacts_dir
):
    loop, base = walk
    for _ in range(8):  # ten township deputies in all
        DeputyFactory(town=loop.town)
    titles = ["老旧小区雨污分流改造", "村道路灯亮化", "农贸市场改造提升"]
    candidates = [
        services.project_propose(town=loop.town, actor=loop.presidium, year=2026, title=t, description="说明",
                                 source="demands", department=loop.department, budget=50)
        for t in titles
    ]  # fmt: skip
    session = services.vote_open(
        town=loop.town, actor=loop.presidium, year=2026, title="2026年民生实事票决", rule="majority_of_all",
        projects=candidates,
    )  # fmt: skip
    office = signed_in(browser, base, loop.presidium)
    office.goto(f"{base}/supervision/votes/{session.pk}/")
    expect(office.locator("[data-below-quorum]")).to_be_visible()  # nothing in yet: it cannot be counted
    box = open_action(office, "tally")
    box.get_by_label("纸质选票张数").fill("7")
    figures = {titles[0]: ("6", "1", "1"), titles[1]: ("3", "3", "1"), titles[2]: ("2", "4", "1")}
    for title, values in figures.items():
        line = box.locator("fieldset", has_text=title)
        for label, value in zip(("赞成", "反对", "弃权"), values, strict=True):
            line.get_by_label(label).fill(value)
    box.get_by_role("button", name="录入计票单").click()
    # refused as a whole, with what was typed kept and the line at fault named
    box = office.locator("#action-tally")
    expect(box.get_by_role("alert").first).to_contain_text("共 8 票，多于计入的 7 张选票")
    expect(box.get_by_label("纸质选票张数")).to_have_value("7")
    expect(box.locator("fieldset", has_text=titles[1]).get_by_label("赞成")).to_have_value("3")
    fits_the_phone(office)
    office.screenshot(path=os.path.join(artifacts_dir, "vote-tally-refused-360.png"), full_page=True)
    box.locator("fieldset", has_text=titles[0]).get_by_label("弃权").fill("0")
    box.get_by_role("button", name="录入计票单").click()
    expect(office.locator("[data-figure=voters]")).to_have_text("7")
    expect(office.locator("[data-ballots-in]")).to_contain_text("计票单 7 张")
    box = open_action(office, "count")
    expect(box).to_contain_text("已收到 10 名有表决权代表中 7 名的选票")
    box.get_by_role("checkbox").check()
    fits_the_phone(office)
    office.screenshot(path=os.path.join(artifacts_dir, "vote-count-confirm-360.png"), full_page=True)
    box.get_by_role("button", name="结束投票并计票").click()
    expect(office.locator(f"tr:has-text('{titles[0]}')")).to_contain_text("票决通过")
    expect(office.locator(f"tr:has-text('{titles[1]}')")).to_contain_text("未通过")


def test_an_offices_gbk_ledger_is_imported_from_the_phone(browser: Browser, walk, artifacts_dir, tmp_path):
    loop, base = walk
    headers, rows = office_ledger(loop)
    ledger = tmp_path / "旧台账.csv"
    ledger.write_bytes(excel_csv(headers, rows))
    office = signed_in(browser, base, loop.presidium)
    office.goto(f"{base}/insight/imports/")
    fits_the_phone(office)
    office.screenshot(path=os.path.join(artifacts_dir, "import-form-360.png"), full_page=True)
    office.locator("[data-import-help]").click()
    expect(office.locator("dd[data-column=text]")).to_contain_text("反映内容")
    expect(office.locator("[data-values=channel]")).to_contain_text("入户走访")
    expect(office.locator("[data-values=category]")).to_contain_text(loop.category.name)
    fits_the_phone(office)
    office.screenshot(path=os.path.join(artifacts_dir, "import-help-360.png"), full_page=True)
    office.go_back()
    office.get_by_label("台账文件").set_input_files(str(ledger))
    office.get_by_role("button", name="上传并导入").click()
    expect(office.locator("[data-created]")).to_have_text("4", timeout=60_000)
    expect(office.locator("[data-table=warnings]")).to_contain_text("办结情况")
    expect(office.locator("[data-table=errors]")).to_contain_text("问题类别")
    fits_the_phone(office)
    office.screenshot(path=os.path.join(artifacts_dir, "import-result-360.png"), full_page=True)
