"""Open311 GeoReport v2: a contract test per endpoint, each in XML and in JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from defusedxml import ElementTree

from lianxin.board.models import Publication
from lianxin.demands.models import Demand

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]
BASE = "/open311/v2"


def parse(response, fmt):
    """XML → (root tag, [item dicts]) or (root tag, dict); JSON → (None, data)."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return None, json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    return root.tag, root


def items(root, tag):
    return [{child.tag: (child.text or "") for child in item} for item in root.findall(tag)]


def error_of(response, fmt):
    tag, data = parse(response, fmt)
    if fmt == "json":
        assert isinstance(data, list) and set(data[0]) == {"code", "description"}
        return data[0]["code"]
    assert tag == "errors"
    return int(items(data, "error")[0]["code"])


def post(client, hotline, fmt, **extra):
    body = {
        "api_key": hotline.raw,
        "service_code": str(hotline.loop.category.pk),
        "lat": "35.265",
        "long": "113.665",
        "description": "井盖丢失，夜里危险",
        "first_name": "大爷",
        "last_name": "王",
        "phone": "13712345678",
        "attribute[urgency]": "emergency",
    } | extra
    return client.post(f"{BASE}/requests.{fmt}", body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, hotline, fmt):
    r = client.get(f"{BASE}/discovery.{fmt}")
    assert r.status_code == 200
    tag, data = parse(r, fmt)
    if fmt == "json":
        endpoint = data["endpoints"][0]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["formats"] == ["text/xml", "application/json"]
    else:
        assert tag == "discovery"
        endpoint = data.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services(client, hotline, fmt):
    r = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": hotline.loop.town.code})
    assert r.status_code == 200
    tag, data = parse(r, fmt)
    rows = data if fmt == "json" else items(data, "service")
    assert tag in (None, "services")
    assert [s["service_code"] for s in rows] == [str(hotline.loop.category.pk)]
    row = rows[0]
    assert set(row) == {
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    }
    assert row["metadata"] in (True, "true") and row["type"] == "realtime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, hotline, fmt):
    code = hotline.loop.category.pk
    r = client.get(f"{BASE}/services/{code}.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 200
    tag, data = parse(r, fmt)
    if fmt == "json":
        assert data["service_code"] == str(code)
        urgency = data["attributes"][0]
        assert urgency["variable"] is True and urgency["required"] is False
        assert [v["key"] for v in urgency["values"]] == ["emergency", "general", "complex"]
    else:
        assert tag == "service_definition"
        attribute = data.find("attributes/attribute")
        assert attribute.findtext("variable") == "true" and attribute.findtext("required") == "false"
        assert [v.findtext("key") for v in attribute.findall("values/value")] == [
            "emergency",
            "general",
            "complex",
        ]
    r = client.get(f"{BASE}/services/999999.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 404 and error_of(r, fmt) == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request(client, hotline, fmt):
    r = post(client, hotline, fmt)
    assert r.status_code == 201, r.content
    tag, data = parse(r, fmt)
    row = data[0] if fmt == "json" else items(data, "request")[0]
    assert tag in (None, "service_requests")
    demand = Demand.objects.get(code=row["service_request_id"])
    assert demand.channel == "hotline" and demand.urgency == "emergency"
    assert demand.cell == hotline.loop.cell  # located from lat/long
    assert demand.requester_name == "王大爷" and demand.requester_phone == "13712345678"
    assert row["service_notice"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request_errors(client, hotline, fmt):
    r = post(client, hotline, fmt, api_key="lx_wrong")
    assert r.status_code == 403 and error_of(r, fmt) == 403
    r = client.post(
        f"{BASE}/requests.{fmt}", {"service_code": hotline.loop.category.pk, "lat": "1", "long": "1"}
    )
    assert r.status_code == 403 and error_of(r, fmt) == 403
    r = post(client, hotline, fmt, service_code="")
    assert r.status_code == 400 and error_of(r, fmt) == 400
    r = post(client, hotline, fmt, service_code="424242")
    assert r.status_code == 404 and error_of(r, fmt) == 404
    r = post(client, hotline, fmt, lat="", long="")
    assert r.status_code == 400 and error_of(r, fmt) == 400
    r = post(client, hotline, fmt, **{"attribute[urgency]": "whenever"})
    assert r.status_code == 400
    # address_string or address_id (a cell code) also locate a request
    r = post(client, hotline, fmt, lat="", long="", address_id=hotline.loop.cell.code)
    assert r.status_code == 201
    r = post(client, hotline, fmt, lat="", long="", address_string="城关镇东街12号")
    assert r.status_code == 201
    assert Demand.objects.count() == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_with_filters_and_defaults(client, hotline, fmt):
    loop = hotline.loop
    with time_machine.travel(dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)):
        old = loop.recorded()
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)):
        closed = loop.closed()
        opened = loop.assigned()
        params = {"api_key": hotline.raw}

        def codes(**q):
            r = client.get(f"{BASE}/requests.{fmt}", params | q)
            assert r.status_code == 200, r.content
            _tag, data = parse(r, fmt)
            return [row["service_request_id"] for row in (data if fmt == "json" else items(data, "request"))]

        assert set(codes()) == {closed.code, opened.code}  # the default: the last 90 days
        assert codes(status="closed") == [closed.code]
        assert codes(status="open") == [opened.code]
        assert codes(start_date="2024-12-01T00:00:00+08:00", end_date="2025-02-01T00:00:00+08:00") == [
            old.code
        ]
        assert codes(service_request_id=f"{old.code},{closed.code}") == [closed.code, old.code] or set(
            codes(service_request_id=f"{old.code},{closed.code}")
        ) == {old.code, closed.code}
        assert codes(service_code="999") == []
        r = client.get(f"{BASE}/requests.{fmt}", params | {"start_date": "yesterday"})
        assert r.status_code == 400 and error_of(r, fmt) == 400
        r = client.get(f"{BASE}/requests.{fmt}", params | {"status": "pending"})
        assert r.status_code == 400


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, hotline, fmt):
    demand = hotline.loop.assigned()
    r = client.get(f"{BASE}/requests/{demand.code}.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 200
    _tag, data = parse(r, fmt)
    row = data[0] if fmt == "json" else items(data, "request")[0]
    assert row["status"] == "open" and row["status_notes"].startswith(("assigned", "已交办"))
    assert row["agency_responsible"] == str(hotline.loop.department)
    assert row["description"] == demand.description and row["expected_datetime"]
    # without a key, before the board publishes it: the status by id, and nothing of the matter (issue 10)
    r = client.get(f"{BASE}/requests/{demand.code}.{fmt}", {"jurisdiction_id": hotline.loop.town.code})
    assert r.status_code == 200
    _tag, data = parse(r, fmt)
    row = data[0] if fmt == "json" else items(data, "request")[0]
    assert row["service_request_id"] == demand.code and row["status"] == "open"
    assert row["service_name"] == hotline.loop.category.name and row["agency_responsible"]
    assert not {"description", "address", "address_id", "lat", "long", "media_url", "zipcode"} & set(row)
    assert demand.description not in r.content.decode()
    # once published: the public view, in the board's words, location only to the cell
    Publication.objects.create(town=demand.town, demand=demand, title="积水", text="门口积水", published=True)
    r = client.get(f"{BASE}/requests/{demand.code}.{fmt}", {"jurisdiction_id": hotline.loop.town.code})
    _tag, data = parse(r, fmt)
    row = data[0] if fmt == "json" else items(data, "request")[0]
    assert row["description"] == "门口积水" and row["address"] == hotline.loop.cell.name
    r = client.get(f"{BASE}/requests/NOPE.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 404 and error_of(r, fmt) == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens(client, hotline, fmt):
    r = client.post(
        f"{BASE}/requests.{fmt}",
        {"api_key": hotline.raw, "service_code": hotline.loop.category.pk, "address_string": "东街"},
        HTTP_IDEMPOTENCY_KEY="call-778",
    )
    assert r.status_code == 201
    code = Demand.objects.get().code
    for token in ("call-778", code):
        r = client.get(f"{BASE}/tokens/{token}.{fmt}", {"api_key": hotline.raw})
        assert r.status_code == 200
        _tag, data = parse(r, fmt)
        row = data[0] if fmt == "json" else items(data, "request")[0]
        assert row == {"service_request_id": code, "token": token}
    r = client.get(f"{BASE}/tokens/unknown.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 404 and error_of(r, fmt) == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_updates(client, hotline, fmt):
    demand = hotline.loop.closed()
    r = client.get(f"{BASE}/servicerequestupdates.{fmt}", {"api_key": hotline.raw})
    assert r.status_code == 200
    tag, data = parse(r, fmt)
    rows = data if fmt == "json" else items(data, "request_update")
    assert tag in (None, "service_request_updates")
    assert {r["service_request_id"] for r in rows} == {demand.code}
    statuses = [r["status"] for r in rows]
    assert statuses[0] == "open" and statuses[-1] == "closed"
    assert set(rows[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    r = client.get(f"{BASE}/servicerequestupdates.{fmt}", {"api_key": hotline.raw, "start_date": "x"})
    assert r.status_code == 400 and error_of(r, fmt) == 400


def test_jurisdiction_is_required_when_several_towns_exist(client, hotline, other_town):
    r = client.get(f"{BASE}/services.json")
    assert r.status_code == 400
    r = client.get(f"{BASE}/services.json", {"jurisdiction_id": "nowhere"})
    assert r.status_code == 404
    r = client.get(f"{BASE}/services.json", {"api_key": hotline.raw, "jurisdiction_id": other_town.code})
    assert r.status_code == 403


def test_odd_dates_are_a_400_never_a_500(client, hotline):
    for value in ("2025-13-01", "0001-01-01T00:00:00+23:59", "2025-06-01T00:00:00+19:51"):
        r = client.get(f"{BASE}/requests.json", {"api_key": hotline.raw, "start_date": value})
        assert r.status_code in (200, 400), (value, r.status_code)
