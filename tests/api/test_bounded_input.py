"""Unbounded and disguised input through the API and the recording page (security issue 23, item 7): an
over-long description is a 400 (never cut and stored), a right-to-left override in a requester's name is
refused, a full-width ID number is taken and stored in ASCII."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianxin.demands.models import Demand
from tests.demands.test_views import record_data

from .test_open311 import error_of, parse, post

pytestmark = pytest.mark.django_db
RLO = "\u202e"
HUGE = "井" * 200_000
NAME_REFUSED = "姓名中不能含有不可见的控制字符（发现 U+202E）"


def test_open311_refuses_a_200000_character_description_rather_than_cutting_it(client, hotline):
    r = post(client, hotline, "json", description=HUGE)
    assert r.status_code == 400 and error_of(r, "json") == 400
    assert "description 超过 5000 个字符" in parse(r, "json")[1][0]["description"]
    assert not Demand.objects.exists()


def test_open311_refuses_a_right_to_left_override_in_the_name(client, hotline):
    r = post(client, hotline, "json", first_name=f"大{RLO}爷")
    assert r.status_code == 400
    assert NAME_REFUSED in parse(r, "json")[1][0]["description"]
    assert not Demand.objects.exists()


def test_rest_refuses_a_right_to_left_override_in_the_requester_name(hotline):
    body = {"category": hotline.loop.category.pk, "description": "井盖丢失", "requester_name": f"王{RLO}大爷"}
    r = hotline.client().post("/api/v1/demands/", body, format="json")
    assert r.status_code == 400
    assert NAME_REFUSED in r.json()["requester_name"][0]
    assert not Demand.objects.exists()


def test_the_recording_page_refuses_it_and_keeps_what_was_typed(client, loop):
    client.force_login(loop.deputy)
    r = client.post(reverse("demands:record"), record_data(loop, requester_name=f"王{RLO}大爷"))
    assert r.status_code == 400
    page = r.content.decode()
    assert NAME_REFUSED in page and "村东桥头护栏松动" in page
    assert not Demand.objects.exists()


def test_the_recording_page_refuses_a_200000_character_description_and_keeps_it(client, loop):
    client.force_login(loop.deputy)
    r = client.post(reverse("demands:record"), record_data(loop, description=HUGE))
    assert r.status_code == 400 and HUGE in r.content.decode()
    assert not Demand.objects.exists()


def test_the_recording_page_takes_full_width_numbers_and_stores_them_in_ascii(client, loop):
    client.force_login(loop.deputy)
    data = record_data(
        loop,
        requester_id_number="４１０７２４１９８００１０１１２３ｘ",
        requester_phone="１３７００００１１１１",
    )
    assert client.post(reverse("demands:record"), data).status_code == 302
    demand = Demand.objects.get()
    demand.refresh_from_db()
    assert (demand.requester_id_number, demand.requester_phone) == ("41072419800101123X", "13700001111")
    assert Demand.objects.filter(requester_phone_hash=demand.requester_phone_hash).count() == 1
