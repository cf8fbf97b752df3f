"""Open311's flow "file, then poll the status by id" for a client without a key (issue 10, point 16)."""

from __future__ import annotations

import pytest

from lianxin.demands import services
from lianxin.demands.models import Demand

from .test_open311 import BASE, FORMATS, items, parse

pytestmark = pytest.mark.django_db


def row_of(r, fmt):
    _tag, data = parse(r, fmt)
    return data[0] if fmt == "json" else items(data, "request")[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_client_files_with_its_key_and_polls_the_status_without_one(client, hotline, fmt):
    r = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": hotline.raw,
            "service_code": hotline.loop.category.pk,
            "description": "王大爷 13712345678 反映东街路灯不亮",
            "address_string": "东街 12 号",
        },
    )
    assert r.status_code == 201
    code = Demand.objects.get().code
    anon = {"jurisdiction_id": hotline.loop.town.code}
    r = client.get(f"{BASE}/requests/{code}.{fmt}", anon)
    assert r.status_code == 200
    row = row_of(r, fmt)
    assert row["service_request_id"] == code and row["status"] == "open"
    assert row["service_code"] == str(hotline.loop.category.pk)
    assert row["service_name"] == hotline.loop.category.name and row["requested_datetime"]
    body = r.content.decode()
    for secret in ("王大爷", "13712345678", "路灯不亮", "东街 12 号"):
        assert secret not in body
    # the list without a key still shows only what the board published
    r = client.get(f"{BASE}/requests.{fmt}", anon)
    assert code not in r.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_anonymous_status_note_is_generic(client, hotline, fmt):
    demand = hotline.loop.recorded()
    services.demand_decline(demand=demand, actor=hotline.loop.presidium, reason="李小花家的私事，请走调解")
    r = client.get(f"{BASE}/requests/{demand.code}.{fmt}", {"jurisdiction_id": hotline.loop.town.code})
    row = row_of(r, fmt)
    assert row["status"] == "closed" and "李小花" not in r.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_id_is_still_404_without_a_key(client, hotline, fmt):
    r = client.get(f"{BASE}/requests/CG-2222-22.{fmt}", {"jurisdiction_id": hotline.loop.town.code})
    assert r.status_code == 404
