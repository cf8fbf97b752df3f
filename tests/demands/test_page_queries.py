"""Pages tied to the page size, not the table size: each list page, the board and the API's lists make the
same number of queries for 5 demands as for 50, and no more than their budget."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.api.services import api_key_create
from lianxin.board.models import Publication
from lianxin.core import clock
from lianxin.demands import counters
from lianxin.demands.models import Assignment, Demand
from lianxin.demands.states import Status

from ..factories import UserFactory
from ..loop import Loop

pytestmark = pytest.mark.django_db
_codes = itertools.count()

STATUSES = [
    Status.RECORDED,
    Status.CLAIMED,
    Status.ASSIGNED,
    Status.ACCEPTED,
    Status.COMPLETED,
    Status.CLOSED,
]


def add_demands(loop: Loop, n: int) -> None:
    """``n`` demands across the three lists, written in bulk (the pages' cost, not the services', is
    measured here), half of them published on the board; then the counts are rebuilt."""
    now = clock.now()
    deputy = loop.deputy.deputy
    rows = []
    for i in range(n):
        status = STATUSES[i % len(STATUSES)]
        rows.append(
            Demand(
                town=loop.town,
                code=f"PQ{next(_codes):06d}",
                status=status,
                channel="station",
                category=loop.category,
                title=f"路灯不亮{i}",
                description="村口路灯坏了",
                cell=loop.cell,
                deputy=None if status == Status.RECORDED else deputy,
                created_at=now - dt.timedelta(minutes=i),
                updated_at=now - dt.timedelta(minutes=i),
            )
        )
    made = Demand.objects.bulk_create(rows)
    Assignment.objects.bulk_create(
        [
            Assignment(
                town=loop.town,
                demand=d,
                department=loop.department,
                matter="修灯",
                standard="灯亮",
                due_at=now + dt.timedelta(days=3),
                assigned_by=loop.deputy,
            )
            for d in made
            if d.status in (Status.ASSIGNED, Status.ACCEPTED, Status.COMPLETED, Status.CLOSED)
        ]
    )
    Publication.objects.bulk_create(
        [
            Publication(
                town=loop.town, demand=d, title=d.title, text="路灯", published=True, recorded_at=d.created_at
            )
            for d in made[::2]
            if d.status != Status.RECORDED
        ]
    )
    counters.recount([loop.town.pk])


@pytest.fixture
def town():
    loop = Loop.build()
    _key, raw = api_key_create(town=loop.town, name="12345 热线")
    viewer = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=loop.town.county)
    return loop, raw, viewer


def pages(loop: Loop, raw: str, viewer) -> list[tuple[str, object, str, dict[str, str], int]]:
    """(name, who, url, query, budget of queries)."""
    t = loop.town.code
    return [
        ("overview", loop.presidium, reverse("demands:overview"), {}, 6),
        ("problem list", loop.presidium, reverse("demands:list", args=["problem"]), {}, 11),
        ("assignment list", loop.presidium, reverse("demands:list", args=["assignment"]), {}, 11),
        ("completion list", loop.presidium, reverse("demands:list", args=["completion"]), {}, 11),
        ("filtered list", loop.presidium, reverse("demands:list", args=["completion"]), {"q": "路灯"}, 12),
        ("county list", viewer, reverse("demands:list", args=["assignment"]), {}, 10),
        ("county overview", viewer, reverse("demands:overview"), {}, 5),
        ("department inbox", loop.staff, reverse("demands:department_inbox"), {}, 12),
        ("deputy inbox", loop.deputy, reverse("demands:deputy_inbox"), {}, 11),
        ("board", None, reverse("portal:board", args=[t]), {}, 9),
        ("open311 list", None, "/open311/v2/requests.json", {"jurisdiction_id": t, "api_key": raw}, 3),
        ("open311 public", None, "/open311/v2/requests.json", {"jurisdiction_id": t}, 3),
        ("rest list", None, "/api/v1/demands/", {}, 4),
    ]


def measure(client, loop: Loop, raw: str, viewer) -> dict[str, int]:
    found = {}
    for name, who, url, query, _budget in pages(loop, raw, viewer):
        client.logout()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if name == "rest list" else {}
        if who is not None:
            client.force_login(who)
        client.get(url, query, **headers)  # sessions, caches and the cell index warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query, **headers)
        assert response.status_code == 200, name
        found[name] = len(queries)
    return found


def test_list_pages_make_as_many_queries_for_50_demands_as_for_5(client, town):
    loop, raw, viewer = town
    add_demands(loop, 5)
    few = measure(client, loop, raw, viewer)
    add_demands(loop, 45)
    many = measure(client, loop, raw, viewer)
    assert many == few
    budgets = {name: budget for name, _who, _url, _query, budget in pages(loop, raw, viewer)}
    over = {name: (n, budgets[name]) for name, n in many.items() if n > budgets[name]}
    assert not over, f"queries over budget (made, budget): {over}"


def test_the_presidium_s_list_totals_come_from_the_kept_counts(client, town):
    loop, _raw, _viewer = town
    add_demands(loop, 12)
    client.force_login(loop.presidium)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("demands:list", args=["completion"]))
    assert response.context["page"].paginator.shown_total == "4"  # completed and closed of 12
    sql = " ".join(q["sql"] for q in queries).upper()
    assert "COUNT(DISTINCT" not in sql
    assert "DEMANDS_STATUSTALLY" in sql


def test_the_board_s_kept_totals_follow_a_publication_and_a_move(loop):
    from lianxin.board import selectors as board
    from lianxin.board.services import publication_save
    from lianxin.demands import services

    demand = loop.accepted()
    assert board.board_totals(town=loop.town).in_progress == 0
    publication_save(demand=demand, actor=loop.presidium, title="积水", text="门口积水", published=True)
    assert board.board_totals(town=loop.town).in_progress == 1  # the publication dropped the kept totals
    services.demand_complete(demand=demand, actor=loop.staff, result="已疏通", outcome="resolved")
    totals = board.board_totals(town=loop.town)
    assert (totals.in_progress, totals.done) == (0, 1)  # so did the move from "in progress" to "done"
    assert board.board_entries(town=loop.town).get().recorded_at == demand.created_at
