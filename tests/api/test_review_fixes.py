"""The security review of the API: what anonymous Open311 clients see, and inputs that used to be a 500."""

from __future__ import annotations

import json

import pytest
from defusedxml import ElementTree

from lianxin.board.models import Publication

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]
BASE = "/open311/v2"
HUGE = "99999999999999999999999"


def rows_of(response, fmt, tag="request"):
    assert response.status_code == 200, response.content
    if fmt == "json":
        return json.loads(response.content)
    root = ElementTree.fromstring(response.content)
    return [{child.tag: (child.text or "") for child in item} for item in root.findall(tag)]


def error_code(response, fmt):
    if fmt == "json":
        data = json.loads(response.content)
        assert set(data[0]) == {"code", "description"} and data[0]["description"]
        return data[0]["code"]
    root = ElementTree.fromstring(response.content)
    assert root.tag == "errors" and root.findtext("error/description")
    return int(root.findtext("error/code"))


def publish(demand, *, published=True):
    return Publication.objects.create(
        town=demand.town, demand=demand, title="排水问题", text="某小区门口积水，已疏通", published=published
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_a_key_open311_shows_only_the_boards_demands_in_the_boards_words(client, hotline, fmt):
    loop = hotline.loop
    private = loop.assigned(description="李小花家门口积水 13900001234")
    draft = loop.assigned()
    publish(draft, published=False)
    public = loop.assigned(description="王大爷 13712345678 家门口积水")
    publish(public)
    anon = {"jurisdiction_id": loop.town.code}

    rows = rows_of(client.get(f"{BASE}/requests.{fmt}", anon), fmt)
    assert [r["service_request_id"] for r in rows] == [public.code]
    assert rows[0]["description"] == "某小区门口积水，已疏通" and rows[0]["address"] == loop.cell.name
    asked = anon | {"service_request_id": f"{private.code},{draft.code},{public.code}"}
    assert [r["service_request_id"] for r in rows_of(client.get(f"{BASE}/requests.{fmt}", asked), fmt)] == [
        public.code
    ]
    for hidden in (private, draft):
        # by its id, the status only (issue 10, point 16): never the words, the place or the phone
        r = client.get(f"{BASE}/requests/{hidden.code}.{fmt}", anon)
        assert r.status_code == 200
        assert "积水" not in r.content.decode() and "1390000" not in r.content.decode()
        assert "description" not in rows_of(r, fmt)[0]
        r = client.get(f"{BASE}/tokens/{hidden.code}.{fmt}", anon)
        assert r.status_code == 404 and error_code(r, fmt) == 404
    row = rows_of(client.get(f"{BASE}/requests/{public.code}.{fmt}", anon), fmt)[0]
    assert row["description"] == "某小区门口积水，已疏通" and "13712345678" not in str(row)
    updates = rows_of(client.get(f"{BASE}/servicerequestupdates.{fmt}", anon), fmt, "request_update")
    assert {u["service_request_id"] for u in updates} == {public.code}

    # a key of the town reads everything, in full, as before
    keyed = {"api_key": hotline.raw}
    rows = rows_of(client.get(f"{BASE}/requests.{fmt}", keyed), fmt)
    assert {r["service_request_id"] for r in rows} == {private.code, draft.code, public.code}
    row = rows_of(client.get(f"{BASE}/requests/{private.code}.{fmt}", keyed), fmt)[0]
    assert row["description"] == private.description


@pytest.mark.parametrize("fmt", FORMATS)
def test_odd_service_codes_are_the_specs_errors_never_a_500(client, hotline, fmt):
    keyed = {"api_key": hotline.raw}
    for code in ("²", "1²", HUGE, "0", "-1"):
        r = client.get(f"{BASE}/services/{code}.{fmt}", keyed)
        assert r.status_code == 404 and error_code(r, fmt) == 404, code
        r = client.get(f"{BASE}/requests.{fmt}", keyed | {"service_code": code})
        assert r.status_code == 400 and error_code(r, fmt) == 400, code
    good = str(hotline.loop.category.pk)
    assert client.get(f"{BASE}/requests.{fmt}", keyed | {"service_code": good}).status_code == 200


def test_ids_too_large_for_the_database_are_a_400(hotline, as_user):
    loop = hotline.loop
    c = hotline.client()
    for name in ("category", "department"):
        for value in ("1e30", HUGE, "1.5", "0"):
            r = c.get("/api/v1/demands/", {name: value})
            assert r.status_code == 400 and r.json()[name], (name, value)
    assert c.get("/api/v1/demands/", {"category": loop.category.pk}).status_code == 200

    r = as_user(loop.citizen).post(
        "/api/v1/demands/", {"category": int(HUGE), "description": "积水"}, format="json"
    )
    assert r.status_code == 400 and r.json()["category"]

    demand = loop.claimed()
    deputy = as_user(loop.deputy)
    body = {"department": loop.department.pk, "matter": "疏通", "standard": "三日内"}
    for bad in ({"department": int(HUGE)}, {"co_departments": [int(HUGE)]}):
        r = deputy.post(f"/api/v1/demands/{demand.code}/assign/", body | bad, format="json")
        assert r.status_code == 400 and r.json()[next(iter(bad))], bad


def test_control_characters_do_not_break_the_xml(client, hotline):
    demand = hotline.loop.assigned(description="积水\x0b一周\x0c未退\x01")
    keyed = {"api_key": hotline.raw}
    for url in (f"{BASE}/requests.xml", f"{BASE}/requests/{demand.code}.xml"):
        rows = rows_of(client.get(url, keyed), "xml")
        assert rows[0]["description"] == "积水一周未退"
    # JSON keeps the text as stored
    assert rows_of(client.get(f"{BASE}/requests/{demand.code}.json", keyed), "json")[0]["description"] == (
        demand.description
    )


def test_the_rest_apis_404_is_translated(hotline):
    r = hotline.client().get("/api/v1/demands/NOPE/")
    assert r.status_code == 404
    assert r.json() == {"detail": "未找到。"}
