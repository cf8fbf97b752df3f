"""A livelihood project's life in Debian's Chromium at phone size: proposed, voted on by the deputies,
started, inspected on site with a photo, completed, rated and concluded, then shown on the public page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, expect

from tests.core.test_uploads import jpeg_bytes
from tests.loop import Loop

from .test_loop_browser import PASSWORD, fits_the_phone, open_action, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def walk(live_server) -> tuple[Loop, str]:
    loop = Loop.build()
    for user in (loop.deputy, loop.staff, loop.presidium):
        user.set_password(PASSWORD)
        user.save()
    return loop, live_server.url


def test_a_project_from_candidate_to_done_at_phone_size(browser: Browser, walk, artifacts_dir, tmp_path):
    loop, base = walk
    title = "老旧小区雨污分流改造"

    # 1. The presidium proposes a candidate and opens the vote
    office = signed_in(browser, base, loop.presidium)
    office.goto(f"{base}/supervision/")
    office.get_by_role("link", name="新增候选项目").click()
    office.get_by_label("标题").fill(title)
    office.get_by_label("项目内容").fill("三个小区雨污合流，雨天倒灌")
    office.get_by_label("来源").select_option("demands")
    office.get_by_label("预算（万元）").fill("120")
    office.get_by_role("button", name="保存").click()
    office.get_by_role("link", name="民生实事").first.click()
    office.get_by_role("link", name="发起候选项目票决").click()
    office.get_by_label("标题").fill("2026年民生实事票决")
    office.get_by_label(title).check()
    office.get_by_role("button", name="保存").click()
    vote_url = office.url
    fits_the_phone(office)

    # 2. One deputy votes on the phone; the presidium records the other's paper ballot and counts
    deputy = signed_in(browser, base, loop.deputy)
    deputy.goto(vote_url)
    box = open_action(deputy, "cast")
    box.get_by_label("赞成").check()
    box.get_by_role("button", name="投票").click()
    expect(deputy.locator("[data-figure=voters]")).to_have_text("1")
    office.reload()
    box = open_action(office, "cast")
    box.get_by_label(loop.other_deputy.deputy.name, exact=True).check()  # the deputy picker
    box.get_by_label("赞成").check()
    box.get_by_role("button", name="投票").click()
    box = open_action(office, "count")  # counting publishes: the office confirms, seeing the ballots in
    expect(box).to_contain_text("已收到 2 名有表决权代表中 2 名的选票")
    box.get_by_role("checkbox").check()
    box.get_by_role("button", name="结束投票并计票").click()
    expect(office.locator(f"tr:has-text('{title}')")).to_contain_text("票决通过")

    # 3. Started with its department and supervising deputy
    office.get_by_role("link", name=title).click()
    box = open_action(office, "start")
    box.get_by_label("责任部门").select_option(label=str(loop.department))
    box.get_by_label(loop.deputy.deputy.name, exact=True).check()
    box.get_by_role("button", name="启动实施").click()
    expect(office.locator("[data-status]")).to_have_text("实施中")
    project_url = office.url

    # 4. The supervising deputy inspects on site with a photo
    photo = tmp_path / "site.jpg"
    photo.write_bytes(jpeg_bytes())
    deputy.goto(project_url)
    box = open_action(deputy, "inspect")
    box.get_by_label("视察发现").fill("围挡规范，进度正常")
    box.get_by_label("照片").set_input_files(str(photo))
    box.get_by_role("button", name="记录现场视察").click()
    expect(deputy.locator("[data-inspection] img")).to_have_count(1)
    fits_the_phone(deputy)

    # 5. The department reports completion, the deputy rates it, the presidium concludes
    staff = signed_in(browser, base, loop.staff)
    staff.goto(project_url)
    box = open_action(staff, "complete")
    box.get_by_label("建成或完成的内容").fill("管网改造完成")
    box.get_by_role("button", name="报告办结").click()
    deputy.goto(project_url)
    box = open_action(deputy, "rate")
    box.get_by_label("满意", exact=True).check()
    box.get_by_role("button", name="满意度测评").click()
    office.goto(project_url)
    box = open_action(office, "conclude")
    box.get_by_role("button", name="测评结束").click()
    expect(office.locator("[data-status]")).to_have_text("已完成")
    office.screenshot(path=os.path.join(artifacts_dir, "supervision-project.png"), full_page=True)

    # 6. The public page shows it, without signing in
    public = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    public.goto(f"{base}/supervision/public/{loop.town.code}/projects/")
    expect(public.locator("[data-project]")).to_contain_text(title)
    fits_the_phone(public)


def test_an_inquiry_session_with_a_commitment_at_phone_size(browser: Browser, walk, artifacts_dir):
    loop, base = walk
    office = signed_in(browser, base, loop.presidium)
    office.goto(f"{base}/supervision/inquiries/")
    office.get_by_role("link", name="安排机关进站活动").click()
    office.get_by_label("类型").select_option("inquiry")
    office.get_by_label("标题").fill("住建办进站接受问政")
    office.get_by_label("计划时间").fill("2026-04-10")
    office.get_by_label(str(loop.department)).check()
    office.get_by_role("button", name="保存").click()
    session_url = office.url

    deputy = signed_in(browser, base, loop.deputy)
    deputy.goto(session_url)
    box = open_action(deputy, "ask")
    box.get_by_label("问题").fill("老旧小区何时改造？")
    box.get_by_role("button", name="征集问题").click()
    expect(deputy.locator("[data-question]")).to_contain_text("老旧小区何时改造")

    office.reload()
    box = open_action(office, "hold")
    box.get_by_label(loop.deputy.deputy.name, exact=True).check()
    box.get_by_label("活动情况").fill("住建办负责人到站回答提问")
    box.get_by_role("button", name="登记活动举行").click()
    expect(office.locator("[data-status]")).to_have_text("已举行")

    staff = signed_in(browser, base, loop.staff)
    staff.goto(session_url)
    box = open_action(staff, "answer")
    box.get_by_label("答复").fill("今年完成改造")
    box.get_by_label("承诺事项（列入督办）").fill("6月底前完成雨污分流")
    box.get_by_label("承诺完成时限").fill("2099-06-30T18:00")
    box.get_by_role("button", name="登记答复").click()
    expect(staff.locator("[data-answer]")).to_contain_text("今年完成改造")
    expect(staff.locator("[data-question]")).to_contain_text("6月底前完成雨污分流")
    fits_the_phone(staff)
    staff.screenshot(path=os.path.join(artifacts_dir, "supervision-inquiry.png"), full_page=True)
