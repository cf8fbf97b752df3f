"""Open311 and the REST API take a requester's phone as the citizen page does: a mainland mobile number,
folded to 11 ASCII digits, or nothing; ``<script>…`` and other strings are refused."""

from __future__ import annotations

import pytest

from lianxin.demands.models import Demand

from .test_open311 import error_of, post

pytestmark = pytest.mark.django_db
HOSTILE = [
    "<script>alert(1)</script>",
    "137",
    "1371234567890",
    "٣٧١٢٣٤٥٦٧٨١",
    "12345678901",
    "tel:13712345678",
]
FOLDED = [
    ("13712345678", "13712345678"),
    ("+86 137-1234-5678", "13712345678"),
    ("１３７１２３４５６７８", "13712345678"),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("phone", HOSTILE)
def test_open311_refuses_what_is_not_a_mobile_number(client, hotline, fmt, phone):
    r = post(client, hotline, fmt, phone=phone)
    assert r.status_code == 400
    assert error_of(r, fmt) == 400
    assert not Demand.objects.exists()


@pytest.mark.parametrize(("phone", "stored"), [*FOLDED, ("", "")])
def test_open311_stores_the_number_as_the_portal_does(client, hotline, phone, stored):
    assert post(client, hotline, "json", phone=phone).status_code == 201
    assert Demand.objects.get().requester_phone == stored


def rest(hotline, phone):
    body = {"category": hotline.loop.category.pk, "description": "井盖丢失", "requester_phone": phone}
    return hotline.client().post("/api/v1/demands/", body, format="json")


@pytest.mark.parametrize("phone", HOSTILE)
def test_rest_refuses_what_is_not_a_mobile_number(hotline, phone):
    r = rest(hotline, phone)
    assert r.status_code == 400
    assert "requester_phone" in r.json()
    assert not Demand.objects.exists()


@pytest.mark.parametrize(("phone", "stored"), [*FOLDED, ("", "")])
def test_rest_stores_the_number_as_the_portal_does(hotline, phone, stored):
    assert rest(hotline, phone).status_code == 201
    assert Demand.objects.get().requester_phone == stored
