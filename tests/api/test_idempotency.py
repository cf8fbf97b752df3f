"""A retried POST returns the first answer; two retries at the same moment make one demand."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from lianxin.api.models import IdempotencyRecord
from lianxin.demands.models import Demand

from .conftest import Hotline


def _body(hotline: Hotline) -> dict:
    return {
        "category": hotline.loop.category.pk,
        "description": "桥栏杆松动",
        "cell_code": hotline.loop.cell.code,
    }


@pytest.mark.django_db
def test_a_retry_gets_the_first_answer(hotline):
    c = hotline.client()
    first = c.post("/api/v1/demands/", _body(hotline), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = c.post("/api/v1/demands/", _body(hotline), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Demand.objects.count() == 1
    # the same key for another request is refused; another key is another demand
    other = c.post(
        "/api/v1/demands/",
        _body(hotline) | {"description": "别的"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert other.status_code == 422
    assert (
        c.post("/api/v1/demands/", _body(hotline), format="json", HTTP_IDEMPOTENCY_KEY="k-2").status_code
        == 201
    )
    assert Demand.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_first_attempt_frees_the_key(hotline):
    c = hotline.client()
    bad = c.post(
        "/api/v1/demands/", {"category": 0, "description": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert bad.status_code == 400 and not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_a_retried_move_is_replayed_not_refused(hotline, as_user):
    demand = hotline.loop.recorded()
    deputy = as_user(hotline.loop.deputy)
    url = f"/api/v1/demands/{demand.code}/claim/"
    first = deputy.post(url, HTTP_IDEMPOTENCY_KEY="claim-1")
    again = deputy.post(url, HTTP_IDEMPOTENCY_KEY="claim-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert deputy.post(url).status_code == 409  # without the key, a second claim is a conflict


def _race(n: int, send) -> list:
    """Run ``send`` in ``n`` threads released together; each thread closes its own connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = send()
        except Exception as exc:  # the test reports it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_demand(loop):
    from lianxin.api.services import api_key_create

    key, raw = api_key_create(town=loop.town, name="hotline")
    hotline = Hotline(loop=loop, key=key, raw=raw)

    def send():
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return c.post("/api/v1/demands/", _body(hotline), format="json", HTTP_IDEMPOTENCY_KEY="same-call")

    results = _race(6, send)
    assert all(not isinstance(r, Exception) for r in results), results
    assert {r.status_code for r in results} == {201}, [r.content for r in results]
    assert len({r.json()["code"] for r in results}) == 1
    assert Demand.objects.filter(town=loop.town).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_open311_retries_make_one_request(loop):
    from lianxin.api.services import api_key_create

    _key, raw = api_key_create(town=loop.town, name="hotline")

    def send():
        return APIClient().post(
            "/open311/v2/requests.json",
            {
                "api_key": raw,
                "service_code": loop.category.pk,
                "address_string": "东街",
                "description": "噪音",
            },
            HTTP_IDEMPOTENCY_KEY="call-42",
        )

    results = _race(6, send)
    assert all(not isinstance(r, Exception) for r in results), results
    assert {r.status_code for r in results} == {201}, [r.content for r in results]
    assert len({r.json()[0]["service_request_id"] for r in results}) == 1
    assert Demand.objects.filter(town=loop.town).count() == 1
