"""/api/v1: keys, scopes, masking, and each kind of answer a move can give."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from lianxin.api.models import ApiKey
from lianxin.api.services import api_key_create, api_key_revoke, hash_key
from lianxin.demands.models import Demand
from lianxin.demands.states import Status
from tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


def _record(hotline, **extra):
    body = {
        "category": hotline.loop.category.pk,
        "description": "路灯坏了三天\n村口第二盏",
        "cell_code": hotline.loop.cell.code,
        "requester_name": "王大爷",
        "requester_phone": "13712345678",
    } | extra
    return hotline.client().post("/api/v1/demands/", body, format="json")


def test_a_key_records_a_hotline_demand_in_its_town(hotline):
    r = _record(hotline)
    assert r.status_code == 201, r.content
    demand = Demand.objects.get(code=r.json()["code"])
    assert demand.channel == "hotline" and demand.town == hotline.loop.town
    assert demand.recorded_by_id == hotline.key.account_id
    assert demand.title == "路灯坏了三天"
    # personal data leaves masked: a key is not the presidium
    assert r.json()["requester_name"] == "王**" and r.json()["requester_phone"] == "137****5678"


def test_a_key_reads_its_towns_demands_and_nothing_else(hotline, outsider):
    mine = hotline.loop.recorded()
    _key_b, raw_b = api_key_create(town=outsider.town, name="other")
    other = CategoryFactory(town=outsider.town)
    c = hotline.client()
    listed = [d["code"] for d in c.get("/api/v1/demands/").json()["results"]]
    assert listed == [mine.code]
    assert c.get(f"/api/v1/demands/{mine.code}/").status_code == 200
    # the other town's key sees a 404 for it, and may not file into this town's category
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_b}")
    assert c.get(f"/api/v1/demands/{mine.code}/").status_code == 404
    r = c.post("/api/v1/demands/", {"category": hotline.loop.category.pk, "description": "x"}, format="json")
    assert r.status_code == 400 and "category" in r.json()
    assert (
        c.post("/api/v1/demands/", {"category": other.pk, "description": "x"}, format="json").status_code
        == 201
    )


def test_the_key_is_stored_hashed_and_revocation_is_immediate(hotline):
    row = ApiKey.objects.get(pk=hotline.key.pk)
    assert hotline.raw not in (row.key_hash, row.prefix) and row.key_hash == hash_key(hotline.raw)
    assert not row.account.has_usable_password()
    assert hotline.client().get("/api/v1/demands/").status_code == 200
    api_key_revoke(key=row)
    assert hotline.client().get("/api/v1/demands/").status_code == 401


def test_no_credentials_is_401_and_a_bad_key_too(client):
    assert client.get("/api/v1/demands/").status_code in (401, 403)
    r = client.get("/api/v1/demands/", HTTP_AUTHORIZATION="Bearer lx_nope")
    assert r.status_code == 401


def test_the_key_may_not_claim_assign_or_close(hotline):
    demand = hotline.loop.recorded()
    c = hotline.client()
    assert c.post(f"/api/v1/demands/{demand.code}/claim/").status_code == 403
    assert c.post(f"/api/v1/demands/{demand.code}/decline/", {"reason": "x"}).status_code == 403


def test_the_key_evaluates_its_own_demand_on_the_citizens_behalf(hotline):
    loop = hotline.loop
    code = _record(hotline).json()["code"]
    demand = Demand.objects.get(code=code)
    from lianxin.demands import services

    services.demand_claim(demand=demand, actor=loop.deputy)
    services.demand_assign(
        demand=Demand.objects.get(pk=demand.pk),
        actor=loop.deputy,
        department=loop.department,
        matter="修",
        standard="亮",
    )
    services.demand_accept(demand=Demand.objects.get(pk=demand.pk), actor=loop.staff)
    services.demand_complete(
        demand=Demand.objects.get(pk=demand.pk), actor=loop.staff, result="已修", outcome="resolved"
    )
    # a completed demand of another channel is not the key's to evaluate
    other = loop.completed()
    c = hotline.client()
    assert c.post(f"/api/v1/demands/{other.code}/evaluate/", {"verdict": "satisfied"}).status_code == 403
    r = c.post(f"/api/v1/demands/{code}/evaluate/", {"verdict": "satisfied", "comment": "回访满意"})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Status.EVALUATED


def test_moves_through_the_api_with_the_pages_sessions(hotline, as_user):
    loop = hotline.loop
    demand = loop.recorded()
    url = f"/api/v1/demands/{demand.code}"
    # a deputy of another cell does not see it at all
    assert as_user(loop.other_deputy).post(f"{url}/claim/").status_code == 404
    # department staff cannot see an unassigned demand
    assert as_user(loop.staff).post(f"{url}/accept/").status_code == 404
    deputy = as_user(loop.deputy)
    assert deputy.post(f"{url}/claim/").json()["status"] == "claimed"
    assert deputy.post(f"{url}/claim/").status_code == 409  # wrong state now
    r = deputy.post(
        f"{url}/assign/", {"department": loop.department.pk, "matter": "疏通", "standard": "无积水"}
    )
    assert r.status_code == 200 and r.json()["assignment"]["department"] == loop.department.pk
    assert deputy.post(f"{url}/assign/", {"department": 0, "matter": "a", "standard": "b"}).status_code == 400
    staff = as_user(loop.staff)
    assert staff.post(f"{url}/accept/").status_code == 200
    assert staff.post(f"{url}/complete/", {"result": "", "outcome": "resolved"}).status_code == 400
    assert staff.post(f"{url}/complete/", {"result": "已疏通", "outcome": "resolved"}).status_code == 200
    assert as_user(loop.citizen).post(f"{url}/evaluate/", {"verdict": "satisfied"}).status_code == 200
    r = as_user(loop.presidium).post(f"{url}/close/", {"note": "闭环"})
    assert r.json()["status"] == "closed" and r.json()["open311_status"] == "closed"
    # personal data is masked for every reader; the presidium reveals it with a reason (closed: only it may)
    assert as_user(loop.presidium).get(f"{url}/").json()["requester_phone"] == "139****1234"
    revealed = as_user(loop.presidium).post(f"{url}/reveal/", {"reason": "回访"}, format="json").json()
    assert revealed["requester_phone"] == "13900001234"
    assert deputy.get(f"{url}/").json()["requester_phone"] == "139****1234"
    actions = [e["action"] for e in deputy.get(f"{url}/events/").json()]
    assert actions == ["record", "claim", "assign", "accept", "complete", "evaluate", "close"]


def test_filters_and_pages(hotline, as_user):
    loop = hotline.loop
    first = loop.recorded()
    loop.claimed()
    c = as_user(loop.presidium)
    assert [d["code"] for d in c.get("/api/v1/demands/?status=recorded").json()["results"]] == [first.code]
    page = c.get("/api/v1/demands/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    assert c.get("/api/v1/cells/?page_size=50").json()["count"] == 2
    assert c.get("/api/v1/departments/").json()["count"] == 2


def test_reference_data_masks_deputies_phones_for_every_reader(hotline, as_user):
    rows = hotline.client().get("/api/v1/deputies/").json()["results"]
    assert rows and all("****" in d["phone"] for d in rows if d["phone"])
    rows = as_user(hotline.loop.presidium).get("/api/v1/deputies/").json()["results"]
    assert any(d["phone"] for d in rows) and all("****" in d["phone"] for d in rows if d["phone"])


def test_create_api_key_prints_the_key_once(loop):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_key", loop.town.code, "back office", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    key = ApiKey.objects.get(town=loop.town, name="back office")
    assert raw.startswith("lx_") and key.key_hash == hash_key(raw) and "shown once" in err.getvalue()


def test_the_demo_key_is_rotated_each_run(demo_town):
    out = io.StringIO()
    call_command("demo_api_key", stdout=out)
    first = out.getvalue().split()[-1]
    call_command("demo_api_key", stdout=out)
    second = out.getvalue().split()[-1]
    assert first != second
    keys = ApiKey.objects.filter(name__startswith="demo hotline")
    assert keys.filter(revoked_at__isnull=True).count() == 1
    assert keys.get(revoked_at__isnull=True).key_hash == hash_key(second)


def test_docs_and_schema_are_served(hotline, as_user):
    c = as_user(hotline.loop.presidium)
    assert c.get("/api/v1/schema/").status_code == 200
    page = c.get("/api/v1/docs/")
    assert page.status_code == 200 and b"swagger" in page.content.lower()
    assert c.get("/api/v1/redoc/").status_code == 200


def test_an_offset_postgresql_refuses_is_still_a_filter(hotline):
    """+19:51 is an offset PostgreSQL refuses: the filter still answers, and still filters (issue 26,
    point 26: the result read, not only the status)."""
    made = {hotline.loop.recorded(title=f"积水{i}").code for i in range(2)}
    client = hotline.client()

    def codes(**query: str) -> set[str]:
        r = client.get("/api/v1/demands/", query)
        assert r.status_code == 200, r.content
        body = r.json()
        return {row["code"] for row in (body["results"] if isinstance(body, dict) else body)}

    assert codes() == made
    assert codes(created_before="0591-05-24T09:08:14+19:51") == set()  # long before any demand
    assert codes(created_after="0591-05-24T09:08:14+19:51") == made
    assert codes(created_before="2999-05-24T09:08:14+19:51") == made
    assert codes(created_after="2999-05-24T09:08:14+19:51") == set()
