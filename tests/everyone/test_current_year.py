"""Supervision pages open on the current year (the town's local date), not on the newest year that has a
project: a candidate for next year must not hide this year's projects behind a chip (issue 26, point 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from lianxin.supervision.models import Project, ProjectStatus
from lianxin.supervision.selectors import this_year

from ..browser.test_loop_browser import PHONE, fits_the_phone
from ..supervision.factories import Sup

NOW_TITLE = "村道路灯补装"
NEXT_TITLE = "明年候选：文化礼堂修缮"


def _two_years(sup: Sup) -> tuple[Project, Project]:
    # both voted through (public), so the public page has two years to choose from
    now = sup.adopted(title=NOW_TITLE, year=this_year())
    later = sup.adopted(title=NEXT_TITLE, year=this_year() + 1)
    assert now.status == later.status == ProjectStatus.ADOPTED
    return now, later


@pytest.mark.django_db
def test_the_supervision_index_opens_on_the_current_year(loop, client):
    sup = Sup(loop)
    _two_years(sup)
    client.force_login(loop.presidium)
    html = client.get(reverse("supervision:index")).content.decode()
    assert NOW_TITLE in html and NEXT_TITLE not in html
    assert f'href="?year={this_year() + 1}"' in html  # next year is a chip
    older = client.get(reverse("supervision:index") + f"?year={this_year() + 1}").content.decode()
    assert NEXT_TITLE in older and NOW_TITLE not in older


@pytest.mark.django_db
def test_the_current_year_is_offered_even_before_it_has_a_project(loop, client):
    Sup(loop).candidate(title=NEXT_TITLE, year=this_year() + 1)
    client.force_login(loop.presidium)
    html = client.get(reverse("supervision:index")).content.decode()
    assert NEXT_TITLE not in html
    assert f'href="?year={this_year()}" aria-current="true"' in html


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_public_project_page_opens_on_the_current_year_at_phone_size(browser: Browser, live_server, loop):
    _two_years(Sup(loop))
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}{reverse('supervision:public_projects', args=[loop.town.code])}")
    expect(page.get_by_text(NOW_TITLE)).to_be_visible()
    expect(page.get_by_text(NEXT_TITLE)).to_have_count(0)
    expect(page.locator(".filters [aria-current=true]")).to_have_text(str(this_year()))
    fits_the_phone(page)
    page.locator(".filters").get_by_role("link", name=str(this_year() + 1)).click()
    expect(page.get_by_text(NEXT_TITLE)).to_be_visible()
    expect(page.get_by_text(NOW_TITLE)).to_have_count(0)
