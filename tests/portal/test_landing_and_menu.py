"""Issue 26, points 2, 3 and 8: each role lands on its own work, its top menu offers only pages it may open,
the presidium's home is a desk of what needs the office now, and the county viewer reads its towns side by
side and one town read only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lianxin.accounts.roles import PERSON_ROLES, Role
from lianxin.core import clock
from lianxin.demands.models import Demand
from lianxin.duty.models import Shift, ShiftStatus
from lianxin.insight.models import EarlyWarning, WarningKind

from ..factories import (
    AgentFactory,
    CountyFactory,
    DemandFactory,
    ObserverFactory,
    StationFactory,
    TownFactory,
    UserFactory,
)
from ..loop import Loop

pytestmark = pytest.mark.django_db


def town_people(loop: Loop) -> dict[str, Any]:
    """One signed-in-able account of every person's role in the loop's town, each with what its work needs."""
    town = loop.town
    agent = UserFactory(role=Role.AGENT, town=town)
    AgentFactory(town=town, user=agent)
    observer = UserFactory(role=Role.OBSERVER, town=town)
    ObserverFactory(town=town, user=observer)
    return {
        Role.CITIZEN: loop.citizen,
        Role.OBSERVER: observer,
        Role.AGENT: agent,
        Role.DEPUTY: loop.deputy,
        Role.DEPARTMENT: loop.staff,
        Role.MEDIATOR: UserFactory(role=Role.MEDIATOR, town=town),
        Role.PRESIDIUM: loop.presidium,
        Role.COUNTY_VIEWER: UserFactory(role=Role.COUNTY_VIEWER, town=None, county=town.county),
        Role.SYSTEM_ADMIN: UserFactory(role=Role.SYSTEM_ADMIN, town=None, is_staff=True),
        Role.SECURITY_ADMIN: UserFactory(role=Role.SECURITY_ADMIN, town=None, is_staff=True),
        Role.AUDIT_ADMIN: UserFactory(role=Role.AUDIT_ADMIN, town=None, is_staff=True),
    }


def menu_of(html: str) -> dict[str, str]:
    nav = html.split('<nav class="top-nav">', 1)[1].split("</nav>", 1)[0]
    return dict((key, href) for href, key in re.findall(r'<a href="([^"]+)" data-nav="(\w+)"', nav))


@pytest.fixture
def people(settings) -> tuple[Loop, dict[str, Any]]:
    settings.OTP_REQUIRED = False
    loop = Loop.build()
    return loop, town_people(loop)


def test_every_role_lands_on_a_page_and_every_menu_link_opens(client, people):
    _loop, accounts = people
    assert set(accounts) == set(PERSON_ROLES), "every role a person signs in with is walked"
    menus: dict[str, dict[str, str]] = {}
    for role, user in accounts.items():
        client.force_login(user)
        landing = client.get("/", follow=True)
        assert landing.status_code == 200, role
        menus[role] = menu_of(landing.content.decode())
        for key, href in menus[role].items():
            answer = client.get(href, follow=True)
            assert answer.status_code == 200, (role, key, href, answer.status_code)
    # what each role's menu holds (the table decides; these are the complaints)
    assert menus[Role.MEDIATOR]["workbench"] == reverse("disputes:index")
    for role in (Role.AGENT, Role.OBSERVER, Role.CITIZEN):
        assert "disputes" not in menus[role] and "supervision" not in menus[role], role
    for role in (Role.DEPUTY, Role.DEPARTMENT, Role.PRESIDIUM):
        assert menus[role]["supervision"] == reverse("supervision:index"), role
        assert menus[role]["tracking"] == reverse("tracking:index"), role
    assert "disputes" not in menus[Role.DEPARTMENT], "a department reads no dispute: no empty ledger"
    assert menus[Role.DEPUTY]["disputes"] == reverse("disputes:index")
    assert menus[Role.COUNTY_VIEWER]["county"] == reverse("portal:county")
    assert not menus[Role.SYSTEM_ADMIN] and not menus[Role.AUDIT_ADMIN]


def test_each_role_lands_on_its_own_work(client, people):
    _loop, accounts = people
    expected = {
        Role.MEDIATOR: reverse("disputes:index"),
        Role.DEPUTY: reverse("demands:deputy_inbox"),
        Role.DEPARTMENT: reverse("demands:department_inbox"),
        Role.COUNTY_VIEWER: reverse("portal:county"),
        Role.PRESIDIUM: "/",
    }
    for role, where in expected.items():
        client.force_login(accounts[role])
        answer = client.get("/", follow=True)
        assert answer.request["PATH_INFO"] == where, role
    client.force_login(accounts[Role.PRESIDIUM])
    assert b"data-desk" in client.get("/").content


# --- the presidium's desk ----------------------------------------------------------------------------------
def desk_counts(html: str) -> dict[str, tuple[int, str]]:
    return {
        key: (int(n), href.replace("&amp;", "&"))
        for key, href, n in re.findall(
            r'data-desk-line="(\w+)"[^>]*><a href="([^"]+)"><b data-count>(\d+)</b>', html
        )
    }


def overdue_demand(loop: Loop) -> Any:
    demand = loop.accepted(title="村口路灯不亮")
    demand.assignment.due_at = clock.now() - dt.timedelta(days=2)
    demand.assignment.save(update_fields=["due_at"])
    return demand


def missed_shift(loop: Loop, days_ago: int) -> Shift:
    station = StationFactory(town=loop.town)
    start = timezone.now() - dt.timedelta(days=days_ago, hours=3)
    return Shift.objects.create(
        town=loop.town,
        station=station,
        deputy=loop.deputy.deputy,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        status=ShiftStatus.SCHEDULED,
    )


def warning(town: Any, cell: Any, category: Any) -> EarlyWarning:
    now = clock.now()
    return EarlyWarning.objects.create(
        town=town,
        cell=cell,
        category=category,
        kind=WarningKind.values[0],
        key=f"test-{EarlyWarning.objects.count()}",
        title="同一村同类诉求集中",
        demand_ids=[],
        window_start=now - dt.timedelta(days=30),
        window_end=now,
    )


def test_the_desk_counts_what_needs_the_office_and_links_to_exactly_those(client, people):
    loop, _accounts = people
    overdue = overdue_demand(loop)
    missed_shift(loop, days_ago=2)
    missed_shift(loop, days_ago=30)  # older than the week the desk asks about
    warning(loop.town, loop.cell, loop.category)
    # another town's overdue demand, shift and warning count for nobody here
    other = Loop.build()
    overdue_demand(other)
    missed_shift(other, days_ago=1)
    warning(other.town, other.cell, other.category)

    client.force_login(loop.presidium)
    html = client.get("/").content.decode()
    desk = desk_counts(html)
    assert desk["overdue"][0] == 1 and desk["missed_shifts"][0] == 1 and desk["warnings"][0] == 1
    assert {
        "tracked_overdue",
        "sessions_today",
        "inquiries_today",
        "hearings_proposed",
        "activities_waiting",
    } <= set(desk)
    # each line opens the list of exactly those
    listed = client.get(desk["overdue"][1]).content.decode()
    assert overdue.code in listed
    rota = client.get(desk["missed_shifts"][1]).content.decode()
    assert rota.count("data-missed=") == 1
    warnings = client.get(desk["warnings"][1]).content.decode()
    assert "同一村同类诉求集中" in warnings


def test_the_desk_costs_the_same_handful_of_queries_with_more_to_count(client, people):
    loop, _accounts = people
    client.force_login(loop.presidium)
    client.get("/")  # warm the session and the per-process caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(3):
        overdue_demand(loop)
        missed_shift(loop, days_ago=1)
        warning(loop.town, loop.cell, loop.category)
        DemandFactory(town=loop.town, category=loop.category)
    many = queries()
    assert many == few, (few, many)
    html = client.get("/").content.decode()
    assert desk_counts(html)["overdue"][0] == 3 and desk_counts(html)["missed_shifts"][0] == 3


# --- the county viewer -------------------------------------------------------------------------------------
@pytest.fixture
def county(settings) -> dict[str, Any]:
    settings.OTP_REQUIRED = False
    home = CountyFactory(name="修武县")
    a = Loop.build(TownFactory(county=home, name="城关镇"))
    b = Loop.build(TownFactory(county=home, name="郇封镇"))
    elsewhere = Loop.build(TownFactory(county=CountyFactory(name="别县"), name="外县镇"))
    overdue_demand(a)
    overdue_demand(b)
    overdue_demand(b)
    DemandFactory(town=elsewhere.town, category=elsewhere.category, title="外县诉求")
    viewer = UserFactory(role=Role.COUNTY_VIEWER, town=None, county=home)
    return {"a": a, "b": b, "elsewhere": elsewhere, "viewer": viewer}


def test_the_county_viewer_sees_its_towns_side_by_side(client, county):
    client.force_login(county["viewer"])
    html = client.get(reverse("portal:county")).content.decode()
    rows = dict(re.findall(r'<tr data-town="(\w+)">(.*?)</tr>', html, re.S))
    a, b = county["a"].town, county["b"].town
    assert set(rows) == {a.code, b.code}, "only the county's towns"
    overdue = {
        code: int(re.search(r'data-figure="overdue"[^>]*>(\d+)<', row).group(1)) for code, row in rows.items()
    }
    assert overdue == {a.code: 1, b.code: 2}
    assert "外县镇" not in html
    # the footer names the county, not a town
    assert "修武县" in html.split('<footer class="foot">', 1)[1]
    assert "城关镇人大主席团" not in html


def test_one_town_opens_read_only_and_every_page_reads_that_town_alone(client, county):
    a, b = county["a"], county["b"]
    client.force_login(county["viewer"])
    picked = client.get(reverse("portal:county_pick"), {"town": b.town.code})
    assert picked.status_code == 302 and picked["Location"] == reverse(
        "portal:county_town", args=[b.town.code]
    )
    page = client.get(picked["Location"]).content.decode()
    assert "郇封镇" in page and "郇封镇" in page.split('<footer class="foot">', 1)[1]
    # every page now reads town b alone
    codes_a = list(Demand.objects.filter(town=a.town).values_list("code", flat=True))
    codes_b = list(Demand.objects.filter(town=b.town).values_list("code", flat=True))
    listed = client.get(reverse("demands:list", args=["assignment"])).content.decode()
    assert all(c in listed for c in codes_b) and not any(c in listed for c in codes_a)
    # no write button on the town's pages, and any write refused
    for name in ("portal:county_town", "demands:overview", "disputes:index", "insight:dashboard"):
        args = [b.town.code] if name == "portal:county_town" else []
        html = client.get(reverse(name, args=args)).content.decode()
        forms = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html)
        writes = [f for f in forms if f not in (reverse("logout"), reverse("set_language"))]
        assert not writes, (name, writes)
    for name, args in (
        ("demands:year_export", []),
        ("insight:reports", []),
        ("disputes:register", []),
    ):
        assert client.post(reverse(name, args=args), {"year": 2026}).status_code in (403, 404), name
    # another county's town cannot be opened
    assert client.get(reverse("portal:county_town", args=[county["elsewhere"].town.code])).status_code == 404
    # back to the county: every town again
    client.get(reverse("portal:county"))
    listed = client.get(reverse("demands:list", args=["assignment"])).content.decode()
    assert all(c in listed for c in codes_a + codes_b)


def test_the_focus_is_the_county_viewers_only(client, county):
    """A town account's session carrying the key changes nothing (the focus is read for county viewers)."""
    a = county["a"]
    client.force_login(a.presidium)
    session = client.session
    session["lx_county_town"] = county["b"].town.pk
    session.save()
    listed = client.get(reverse("demands:list", args=["assignment"])).content.decode()
    assert all(c in listed for c in Demand.objects.filter(town=a.town).values_list("code", flat=True))
    assert client.get(reverse("portal:county")).status_code == 403


def test_background_work_reads_the_whole_county(client, county):
    """The focus is the session's: the same account read without a request (a job) sees every town."""
    from lianxin.core.access import towns_visible_to

    client.force_login(county["viewer"])
    client.get(reverse("portal:county_town", args=[county["b"].town.code]))
    assert towns_visible_to(county["viewer"]).count() == 2
