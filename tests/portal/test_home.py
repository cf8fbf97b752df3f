"""The staff home page: the town's figures, each linking to a list with that many rows."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role

from ..factories import DeputyFactory, ObserverFactory, StationDutyFactory

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-figure="(\w+)">(\d+)<', html)}


def rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>") - body.count('colspan="')


def total(html: str) -> int:
    return int(re.search(r"<small data-total>(\d+)</small>", html).group(1))


def test_home_shows_the_demo_figures_in_chinese(client, demo_user):
    client.force_login(demo_user("presidium"))
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "网格概览" in html and "人大代表" in html
    f = figures(html)
    assert f["villages"] == 18 and f["communities"] == 3
    assert f["party_service_centre"] + f["community_service_centre"] == 21
    assert f["industry"] == 1 and f["collection_point"] == 7
    assert f["deputies"] == 87 and f["deputies_on_duty"] == 54
    assert sum(f[f"deputies_{level}"] for level in ("province", "city", "county", "township")) == 87


@pytest.mark.parametrize(
    ("url", "figure"),
    [
        ("/territory/cells/?kind=village", "villages"),
        ("/territory/stations/?kind=collection_point", "collection_point"),
        ("/people/deputies/", "deputies"),
        ("/people/deputies/?on_duty=1", "deputies_on_duty"),
        ("/people/deputies/?level=township", "deputies_township"),
        ("/people/observers/", "observers"),
    ],
)
def test_each_figure_links_to_a_list_of_that_many(client, demo_user, url, figure):
    client.force_login(demo_user("deputy"))
    home = client.get("/town/").content.decode()  # a deputy lands on the inbox; the grid is one link away
    assert url.replace("&", "&amp;") in home
    listing = client.get(url).content.decode()
    assert total(listing) == figures(home)[figure]
    assert rows(listing) == min(figures(home)[figure], 100), "one page of at most 100 rows"


def test_english_is_one_switch_away(client, demo_user):
    client.force_login(demo_user("presidium"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "grid at a glance" in html and "网格概览" not in html


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get("/people/deputies/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_citizen_cannot_open_staff_lists(client, persona):
    client.force_login(persona(Role.CITIZEN))
    assert client.get("/people/deputies/").status_code == 403
    assert "网格概览" not in client.get("/").content.decode()


def test_lists_are_scoped_to_the_town(client, persona, town, other_town):
    mine = DeputyFactory(town=town, name="本镇代表")
    DeputyFactory(town=other_town, name="外镇代表")
    client.force_login(persona(Role.DEPUTY))
    html = client.get("/people/deputies/").content.decode()
    assert mine.name in html and "外镇代表" not in html


def test_phones_are_masked_for_every_reader_and_the_presidium_reveals_one(client, persona, town):
    deputy = DeputyFactory(town=town, phone="13912345678")
    ObserverFactory(town=town, deputy=deputy, phone="13800001111")
    StationDutyFactory(town=town, deputy=deputy)
    client.force_login(persona(Role.DEPUTY))
    html = (
        client.get("/people/deputies/").content.decode() + client.get("/people/observers/").content.decode()
    )
    assert "13912345678" not in html and "139****5678" in html
    assert "13800001111" not in html
    assert client.post(f"/people/deputy/{deputy.pk}/contact/", {"reason": "x"}).status_code == 403
    presidium = persona(Role.PRESIDIUM)
    client.force_login(presidium)
    listed = client.get("/people/deputies/").content.decode()
    assert "13912345678" not in listed and f"/people/deputy/{deputy.pk}/contact/" in listed
    assert "13912345678" not in client.get(f"/people/deputy/{deputy.pk}/contact/").content.decode()
    assert client.post(f"/people/deputy/{deputy.pk}/contact/", {"reason": ""}).status_code == 400
    shown = client.post(f"/people/deputy/{deputy.pk}/contact/", {"reason": "通知开会"})
    assert shown.status_code == 200 and "13912345678" in shown.content.decode()
    from lianxin.audit.models import AuditEntry

    (entry,) = AuditEntry.objects.filter(kind="reveal")
    assert (entry.user_id, entry.object_id, entry.reason) == (presidium.pk, str(deputy.pk), "通知开会")


def test_county_viewer_sees_every_town_of_the_county(client, persona, town):
    from ..factories import TownFactory

    sibling = TownFactory(county=town.county)
    DeputyFactory(town=town, name="甲镇代表")
    DeputyFactory(town=sibling, name="乙镇代表")
    DeputyFactory(name="外县代表")
    client.force_login(persona(Role.COUNTY_VIEWER))
    html = client.get("/people/deputies/").content.decode()
    assert "甲镇代表" in html and "乙镇代表" in html and "外县代表" not in html


def test_long_lists_are_paged_and_keep_their_filter(client, persona, town):
    DeputyFactory.create_batch(130, town=town, level="county")
    DeputyFactory.create_batch(5, town=town, level="city")
    client.force_login(persona(Role.DEPUTY))
    first = client.get("/people/deputies/?level=county").content.decode()
    assert total(first) == 130 and rows(first) == 100
    assert "level=county&amp;page=2" in first
    second = client.get("/people/deputies/?level=county&page=2").content.decode()
    assert rows(second) == 30
