"""NUL and other control characters are refused with a 400 at the edge, on SQLite and PostgreSQL alike.

PostgreSQL cannot hold NUL in text, so such input was a 500 wherever it reached a query; SQLite stored it.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from lianxin.demands.models import Demand
from tests.api.test_open311 import error_of, post

pytestmark = pytest.mark.django_db
REFUSED = "请求中含有不允许的控制字符"


@pytest.mark.parametrize(
    "url",
    [
        "/m/%00/",
        "/board/%00/",
        "/board/%00/deputies/",
        "/m/?station=%00",
        "/board/?x=%1b",
        "/accounts/login/?next=%00",
        "/m/%01/",
        "/%00",
    ],
)
def test_a_page_with_a_control_character_in_path_or_query_is_400(client, loop, url):
    r = client.get(url)
    assert r.status_code == 400
    assert REFUSED in r.content.decode()


def test_a_signed_in_page_is_refused_before_anything_runs(client, loop):
    client.force_login(loop.presidium)
    assert client.get("/demands/%00/").status_code == 400
    assert client.get("/demands/lists/problems/?q=%00").status_code == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "url",
    [
        "/open311/v2/requests/%00.{fmt}",
        "/open311/v2/tokens/%00.{fmt}",
        "/open311/v2/requests.{fmt}?jurisdiction_id=%00",
        "/open311/v2/services.{fmt}?jurisdiction_id=%00",
    ],
)
def test_open311_gets_keep_their_error_shape(client, hotline, url, fmt):
    r = client.get(url.format(fmt=fmt))
    assert r.status_code == 400
    assert error_of(r, fmt) == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "field",
    ["description", "address_string", "attribute[urgency]", "media_url", "first_name", "service_code"],
)
def test_open311_posts_with_nul_are_400_and_store_nothing(client, hotline, field, fmt):
    r = post(client, hotline, fmt, **{field: "东街\x00井盖"})
    assert r.status_code == 400
    assert error_of(r, fmt) == 400
    assert not Demand.objects.exists()


def test_the_rest_api_refuses_nul_in_json_in_its_own_shape(hotline):
    body = {
        "category": hotline.loop.category.pk,
        "cell": hotline.loop.cell.pk,
        "title": "井盖丢失",
        "description": "夜里\u0000危险",
    }
    r = hotline.client().post("/api/v1/demands/", json.dumps(body), content_type="application/json")
    assert r.status_code == 400
    assert REFUSED in r.json()["detail"]
    assert not Demand.objects.exists()


def test_a_form_post_with_nul_is_400(client, loop):
    data = {
        "category": loop.category.pk,
        "description": "村口路灯坏了\x00一个月",
        "cell": loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
    }
    r = client.post(reverse("portal:submit", args=[loop.town.code]), data)
    assert r.status_code == 400
    assert not Demand.objects.exists()


def test_line_breaks_and_tabs_in_a_form_still_pass(client, loop):
    data = {
        "category": loop.category.pk,
        "description": "村口路灯坏了\r\n一个月了,\t晚上很黑",
        "cell": loop.cell.pk,
        "name": "王秀英",
        "phone": "13912340001",
        "intake_key": str(uuid.uuid4()),
    }
    r = client.post(reverse("portal:submit", args=[loop.town.code]), data)
    assert r.status_code == 302
    assert "\t" in Demand.objects.get().description
