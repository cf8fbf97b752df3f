"""The dashboard's rates against a hand-computed dataset, its drill-down links, scope and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.demands.models import Demand
from lianxin.insight import selectors

from ..factories import CategoryFactory, UserFactory
from .factories import NOW, rates_dataset

pytestmark = pytest.mark.django_db

PERIOD = selectors.Period(dt.date(2026, 11, 1), dt.date(2026, 11, 21))


@pytest.fixture
def dataset():
    return rates_dataset()


def test_each_rate_matches_the_hand_computed_figures(dataset):
    loop, want = dataset
    with time_machine.travel(NOW, tick=False):
        d = selectors.dashboard(user=loop.presidium, period=PERIOD)
    r = d.rates
    for name in ("received", "in_loop", "responded", "completed", "resolved", "evaluations", "satisfied"):
        assert getattr(r, name) == want[name], name
    assert (r.on_time, r.late) == (want["on_time"], want["late"])
    assert r.response == want["response"]
    assert r.resolution == want["resolution"]
    assert r.satisfaction == want["satisfaction"]
    assert r.on_time_rate == want["on_time_rate"]
    assert d.lists == want["lists"]


def test_breakdowns_and_rankings_add_up(dataset):
    loop, _want = dataset
    with time_machine.travel(NOW, tick=False):
        d = selectors.dashboard(user=loop.presidium, period=PERIOD)
    cells = {r.key: r for r in d.breakdowns["cell"]}
    assert cells[loop.cell.pk].received == 6
    assert cells[loop.cell.pk].overdue == 1
    months = {r.key: r.received for r in d.breakdowns["month"]}
    assert months == {"2026-11": 6}
    depts = {r.key: r for r in d.breakdowns["department"]}
    assert depts[loop.department.pk].received == 4  # d1, d2, d3, d5
    [dept] = d.departments
    assert (dept["on_time"], dept["late"], dept["rate"]) == (1, 2, 33.3)
    [dep] = d.deputies
    assert dep["completed"] == 2 and dep["response"] == 75.0  # 3 of the 4 claimed answered in 24 h


def test_figures_link_to_the_demands_behind_them(client, dataset):
    loop, want = dataset
    client.force_login(loop.presidium)
    ids = want["ids"]
    with time_machine.travel(NOW, tick=False):
        page = client.get(selectors.items_url(PERIOD, figure="late"))
        overdue = client.get(selectors.items_url(None, figure="overdue"))
    assert page.status_code == 200
    codes = {dm.code for dm in page.context["page"]}
    assert codes == {ids["d2"].code, ids["d3"].code}
    assert {dm.code for dm in overdue.context["page"]} == {ids["d3"].code}


def test_dashboard_page_shows_rates_with_definitions_in_few_queries(
    client, dataset, django_assert_max_num_queries
):
    loop, _want = dataset
    client.force_login(loop.presidium)
    with (
        time_machine.travel(NOW, tick=False),
        django_assert_max_num_queries(24),
    ):  # 22, and 2 for the headline (issue 26)
        response = client.get(reverse("insight:dashboard"), {"start": "2026-11-01", "end": "2026-11-20"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-rate="response"' in html and "60.0%" in html and "33.3%" in html
    assert str(selectors.RATES["response"].numerator) in html  # the definition, shown on hover
    assert "echarts/echarts.common.min.js" in html and "cdn" not in html.lower()


def test_the_wall_screen_renders(client, dataset):
    loop, _want = dataset
    client.force_login(loop.presidium)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("insight:wall"), {"start": "2026-11-01", "end": "2026-11-20"})
    assert response.status_code == 200
    # it refreshes itself by a script, not a meta refresh (axe-core's "meta-refresh", issue 26 point 21)
    assert b'http-equiv="refresh"' not in response.content
    assert b"insight/wall.js" in response.content and b'data-every="300"' in response.content


def _dashboard_queries(client) -> int:
    cache.clear()  # the figures are cached: count what computing them costs
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("insight:dashboard")).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_data(client, dataset):
    """The same number of queries with the dataset and with three times as many demands, in more
    categories: no query per row (issue 26, point 26: compared, not a fixed ceiling)."""
    loop, _want = dataset
    client.force_login(loop.presidium)
    _dashboard_queries(client)  # warm Django's own caches (content types, permissions)
    once = _dashboard_queries(client)
    before = Demand.objects.filter(town=loop.town).count()
    categories = [CategoryFactory(town=loop.town) for _ in range(3)]
    for i in range(2 * before):
        loop.claimed(title=f"更多{i}", category=categories[i % 3])
    assert Demand.objects.filter(town=loop.town).count() == 3 * before
    assert _dashboard_queries(client) == once


def test_bad_period_is_a_400_with_the_input_kept(client, dataset):
    loop, _want = dataset
    client.force_login(loop.presidium)
    response = client.get(reverse("insight:dashboard"), {"start": "2026-11-20", "end": "2026-11-01"})
    assert response.status_code == 400
    assert 'value="2026-11-20"' in response.content.decode()
    assert client.get(reverse("insight:items"), {"figure": "nope"}).status_code == 400
    assert client.get(reverse("insight:items"), {"cell": "x"}).status_code == 400


def test_who_may_read(client, dataset, outsider):
    loop, _want = dataset
    client.force_login(loop.deputy)
    assert client.get(reverse("insight:dashboard")).status_code == 403
    client.force_login(outsider)  # another town's presidium: sees none of this town's demands
    with time_machine.travel(NOW, tick=False):
        response = client.get(selectors.items_url(PERIOD, figure="received"))
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_the_county_sees_its_towns_side_by_side(client, dataset):
    loop, _want = dataset
    viewer = UserFactory(role=Role.COUNTY_VIEWER, county=loop.town.county, town=None)
    client.force_login(viewer)
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("insight:dashboard"), {"start": "2026-11-01", "end": "2026-11-20"})
    towns = response.context["d"].towns
    assert [(name, r.received) for name, r in towns] == [(loop.town.name, 6)]
    assert 'data-table="towns"' in response.content.decode()
