"""Issue 26 point 10: the tables a deputy and the office read on a phone (the duty record's points, the annual duty
report, vote results, hearings and the dispute ledger) keep every column in sight at 360 px: each row becomes a card
whose cells are labelled by their column's heading, and nothing lies outside the screen."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Browser, Page, expect

from lianxin.disputes.models import Hearing
from lianxin.supervision import services
from tests.disputes.factories import Ledger
from tests.loop import Loop
from tests.supervision.factories import Sup

from .test_loop_browser import PASSWORD, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 780}


def every_column_in_sight(page: Page, table: str = "table") -> int:
    """No horizontal overflow, and every cell of the table lies inside the viewport, visible, showing its value
    with its column's heading beside it. Returns how many cells were checked."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cells = page.locator(f"{table} tbody td")
    count = cells.count()
    assert count > 0
    headings = page.locator(f"{table} thead th").all_inner_texts()
    for i in range(count):
        cell = cells.nth(i)
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box is not None and box["width"] > 0
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, cell.inner_text(), box)
        # the cell says which column it is (the heading row is out of sight on a phone)
        label = cell.evaluate("c => getComputedStyle(c, '::before').content")
        assert label.strip('"') == headings[i % len(headings)].strip(), (label, headings)
    return count


def test_the_tables_keep_every_column_at_360_px(browser: Browser, live_server, artifacts_dir):
    ledger = Ledger.build()
    loop = Loop.build(town=ledger.town)
    sup = Sup(loop)
    for user in (loop.presidium, ledger.mediator):
        user.set_password(PASSWORD)
        user.save()
    dispute = ledger.at("mediating", summary="两户宅基地界址争议，翻建房屋时发生冲突")
    Hearing.objects.create(
        town=ledger.town,
        basis=Hearing.Basis.DISPUTE,
        dispute=dispute,
        cell=ledger.cell,
        title="关于东关村排水沟反复堵塞的听证会",
    )
    project = sup.candidate(title="老旧小区雨污分流改造工程（一期）")
    session = sup.session(project)
    deputy = loop.deputy.deputy
    services.vote_cast(session=session, actor=loop.deputy, choices={project.pk: "for"})  # a duty entry too
    loop.claimed()  # and another: the deputy takes a demand

    office = signed_in(browser, live_server.url, loop.presidium)
    pages = {
        "duty-record": (f"/duty/deputies/{deputy.pk}/", "table.points"),
        "duty-report": (f"/duty/deputies/{deputy.pk}/report/", "table.points"),
        "vote": (f"/supervision/votes/{session.pk}/", "table"),
        "hearings": ("/disputes/hearings/", "table"),
        "ledger": ("/disputes/", "table"),
    }
    for name, (url, table) in pages.items():
        office.goto(live_server.url + url)
        assert every_column_in_sight(office, table), name
        office.screenshot(path=os.path.join(artifacts_dir, f"phone-table-{name}.png"), full_page=True)
