"""Public pages: deputy and station pages, and a crawl proving no public response leaks personal data."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from lianxin.board import services as board
from lianxin.core.fields import lookup_hash
from lianxin.demands import services as demands
from lianxin.demands.models import Demand

pytestmark = pytest.mark.django_db

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dA-Za-z])")
# Staff pages sit behind a sign-in; the crawl stays on the public ones.
PRIVATE = (
    "/accounts/",
    "/admin/",
    "/i18n/",
    "/demands/",
    "/territory/",
    "/people/",
    "/notifications/",
    "/board/redact/",
    "/api/",
)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.found.append(value)


def crawl(client, starts: list[str], limit: int = 400) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    todo = list(starts)
    while todo and len(seen) < limit:
        url = todo.pop()
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path in seen or not parts.path.startswith("/") or parts.path.startswith(PRIVATE):
            continue
        r = client.get(path)
        if r.status_code in (301, 302):
            seen[path] = b""
            todo.append(urljoin(path, r.url))
            continue
        body = b"".join(r.streaming_content) if r.streaming else r.content
        seen[path] = body
        if r["Content-Type"].startswith("text/html"):
            parser = Links()
            parser.feed(body.decode())
            todo.extend(urljoin(path, link) for link in parser.found)
    return seen


@pytest.fixture
def busy_town(portal_town):
    """Demands from every way in, with names, phones and ID numbers, some published on the board."""
    pt, loop = portal_town, portal_town.loop
    secrets = {
        "李小花",
        "13900001234",
        "代办员周大姐",
        "13700007777",
        "观察员吴师傅",
        "13600006666",
        "13912345678",
    }
    mobile = loop.completed(
        recorded_by=None,
        requester=None,
        requester_name="赵铁柱",
        requester_phone="13511112222",
        requester_id_number="410724199001011234",
        description="赵铁柱反映:路面塌陷,电话13511112222,身份证410724199001011234",
    )
    secrets |= {"赵铁柱", "13511112222", "410724199001011234"}
    agent_demand = demands.demand_record(
        town=pt.town,
        recorded_by=pt.agent,
        channel="collection_point",
        category=loop.category,
        title="台阶太高",
        description="刘桂兰奶奶家门口台阶太高",
        station=pt.collection_point,
        cell=loop.cell,
        requester_name="刘桂兰",
        requester_phone="13433334444",
        requester_id_number="41072419450303002X",
        consent=True,
    )
    secrets |= {"刘桂兰", "13433334444", "41072419450303002X"}
    observer_demand = demands.demand_record(
        town=pt.town,
        recorded_by=pt.observer,
        requester=pt.observer,
        channel="observer",
        category=pt.second_category,
        title="河道垃圾",
        description="观察员吴师傅发现河道垃圾",
        cell=loop.cell,
        requester_name="观察员吴师傅",
        requester_phone="13600006666",
    )
    for d in (mobile, agent_demand, observer_demand):
        if d.status == "recorded":
            d = demands.demand_claim(demand=d, actor=loop.deputy)
        draft = board.publication_draft(d)
        board.publication_save(demand=d, actor=loop.presidium, published=True, **draft)
    return pt, secrets


def assert_clean(pages: dict[str, bytes], secrets: set[str], *, generic: bool = True) -> None:
    for path, body in pages.items():
        text = body.decode("utf-8", errors="replace")
        for secret in secrets:
            assert secret not in text, f"{secret} leaks on {path}"
        if generic:
            assert not MOBILE.search(text), f"a phone number on {path}: {MOBILE.search(text)}"
            assert not ID_NUMBER.search(text), f"an ID number on {path}"


def test_no_public_page_or_response_shows_personal_data(client, busy_town):
    pt, secrets = busy_town
    code = pt.town.code
    starts = [
        "/m/",
        "/board/",
        reverse("portal:track", args=[code]),
        reverse("portal:sign_in", args=[code]),
        reverse("portal:deputies", args=[code]),
        reverse("portal:stations", args=[code]),
        *[
            reverse("portal:submit", args=[code]) + q
            for q in ("", f"?station={pt.station.pk}", f"?deputy={pt.loop.deputy.deputy.pk}")
        ],
    ]
    pages = crawl(client, starts)
    visited = set(pages)
    # the crawl really reached every kind of public page and the QR endpoints
    assert any(
        p.startswith(f"/board/{code}/deputies/") and p.rstrip("/").split("/")[-1].isdigit() for p in visited
    )
    assert any(p.endswith(".svg") for p in visited) and any(".png" in p for p in visited)
    assert f"/board/{code}/stations/" in visited
    board_page = pages[f"/board/{code}/"].decode()
    assert "路面塌陷" in board_page and "台阶太高" in board_page  # the published items are there
    # responses to bad input and guesses say nothing either
    pages["track-wrong"] = client.post(
        reverse("portal:track", args=[code]), {"code": Demand.objects.first().code, "last4": "0000"}
    ).content
    pages["submit-bad"] = client.post(reverse("portal:submit", args=[code]), {"phone": "1"}).content
    pages["404"] = client.get(reverse("portal:deputy", args=[code, 999999])).content
    assert_clean(pages, secrets)


def test_the_tracker_sees_their_own_demand_masked_and_nobody_elses(client, busy_town):
    pt, secrets = busy_town
    mobile = Demand.objects.get(requester_phone_hash=lookup_hash("13511112222"))
    client.post(reverse("portal:track", args=[pt.town.code]), {"code": mobile.code, "last4": "2222"})
    page = client.get(reverse("portal:tracked", args=[pt.town.code, mobile.code])).content.decode()
    assert "赵**" in page and "135****2222" in page
    # their own description is theirs to read; everyone else's data stays out
    assert_clean({"tracked": page.replace(mobile.description, "").encode()}, secrets, generic=False)
    for other in Demand.objects.exclude(pk=mobile.pk):
        assert client.get(reverse("portal:tracked", args=[pt.town.code, other.code])).status_code == 404


def test_the_deputy_page_shows_level_cells_stations_duty_and_qr(client, portal_town):
    deputy = portal_town.loop.deputy.deputy
    portal_town.loop.claimed()
    page = client.get(reverse("portal:deputy", args=[portal_town.town.code, deputy.pk])).content.decode()
    assert deputy.name in page
    assert "乡镇级" in page
    assert portal_town.loop.cell.name in page
    assert portal_town.station.name in page and "每周三上午" in page
    assert 'data-figure="claimed">1<' in page
    assert reverse("portal:qr", args=[portal_town.town.code, "deputy", deputy.pk, "svg"]) in page
    assert deputy.phone not in page


def test_the_stations_page_shows_hours_and_deputies_on_duty(client, portal_town):
    page = client.get(reverse("portal:stations", args=[portal_town.town.code])).content.decode()
    assert portal_town.station.name in page
    assert "周一至周五 9:00-17:00" in page
    assert portal_town.loop.deputy.deputy.name in page
    assert "代办员周大姐" not in page
    only_points = client.get(
        reverse("portal:stations", args=[portal_town.town.code]) + "?kind=collection_point"
    ).content.decode()
    assert portal_town.collection_point.name in only_points and portal_town.station.name not in only_points


def test_an_unknown_town_is_404(client, db):
    assert client.get("/m/NOPE/").status_code == 404
    assert client.get("/board/NOPE/").status_code == 404
