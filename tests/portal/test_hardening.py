"""Input the public pages must survive: odd ids in query strings, full-width digits, a locked code,
a replayed intake key on a shared device, and the visitor's address behind a reverse proxy."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core.fields import lookup_hash
from lianxin.core.ids import query_id
from lianxin.demands.models import Demand
from tests.factories import AgentFactory, ObserverFactory, UserFactory

from .sms import last_code

pytestmark = pytest.mark.django_db
PHONE = "13912340001"
HUGE = "99999999999999999999999"
BAD_IDS = ["²", "٣", "３", HUGE, str(2**63), "-1", "0", " 1", "1e3", "0x10"]


def test_query_id_takes_ascii_digits_in_the_bigint_range_only():
    assert query_id("42") == 42
    assert query_id(str(2**63 - 1)) == 2**63 - 1
    assert query_id("007") == 7
    for bad in [*BAD_IDS, "", None, ["1"]]:
        assert query_id(bad) is None, bad


# --- 1. ids in query strings ----------------------------------------------------------------------
@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("key", ["station", "deputy"])
def test_the_mobile_page_ignores_a_bad_station_or_deputy(client, portal_town, key, value):
    url = reverse("portal:submit", args=[portal_town.town.code])
    assert client.get(url, {key: value}).status_code == 200
    data = {"description": "村口路灯坏了", key: value}  # a POST with the preset names it too
    assert client.post(url, data).status_code == 400


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("key", ["cell", "category"])
def test_the_board_ignores_a_bad_cell_or_category(client, portal_town, key, value):
    r = client.get(reverse("portal:board", args=[portal_town.town.code]), {key: value})
    assert r.status_code == 200


def test_a_good_station_id_still_presets_the_form(client, portal_town):
    url = reverse("portal:submit", args=[portal_town.town.code])
    r = client.get(url, {"station": str(portal_town.station.pk)})
    assert r.status_code == 200 and r.context["station"] == portal_town.station


# --- 2. full-width digits from a Chinese IME --------------------------------------------------------
def raise_demand(pt):
    return pt.loop.completed(recorded_by=None, requester=None, requester_phone=PHONE, requester_name="王秀英")


def test_full_width_last_four_digits_open_the_demand(client, portal_town):
    demand = raise_demand(portal_town)
    r = client.post(
        reverse("portal:track", args=[portal_town.town.code]), {"code": demand.code, "last4": "０００１"}
    )
    assert r.status_code == 302
    assert r.url == reverse("portal:tracked", args=[portal_town.town.code, demand.code])


def test_digits_no_keyboard_maps_to_ascii_are_refused_without_burning_a_try(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "1/15m"
    demand = raise_demand(portal_town)
    url = reverse("portal:track", args=[portal_town.town.code])
    r = client.post(url, {"code": demand.code, "last4": "٠٠٠١"})  # Arabic-Indic: \d, but not ASCII
    assert r.status_code == 400 and "请输入 4 位数字" in r.content.decode()
    assert client.post(url, {"code": demand.code, "last4": "0001"}).status_code == 302


def test_a_full_width_phone_is_stored_as_ascii(client, portal_town):
    r = client.post(
        reverse("portal:submit", args=[portal_town.town.code]),
        {
            "category": portal_town.loop.category.pk,
            "description": "村口路灯坏了一个月,晚上很黑",
            "cell": portal_town.loop.cell.pk,
            "name": "王秀英",
            "phone": "１３９ １２３４ ０００１",
            "intake_key": str(uuid.uuid4()),
        },
    )
    assert r.status_code == 302
    assert Demand.objects.get().requester_phone == PHONE


def test_a_phone_in_non_ascii_digits_is_refused(client, portal_town, sms):
    r = client.post(reverse("portal:sign_in", args=[portal_town.town.code]), {"phone": "١٣٩١٢٣٤٠٠٠١"})
    assert r.status_code == 400
    assert not sms.SENT


def test_sign_in_with_full_width_phone_and_code(client, portal_town, sms):
    town = portal_town.town.code
    r = client.post(reverse("portal:sign_in", args=[town]), {"phone": "＋８６１３９１２３４０００１"})
    assert r.status_code == 302
    code = last_code(PHONE)
    full_width = code.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    r = client.post(reverse("portal:verify", args=[town]), {"code": full_width})
    assert r.status_code == 302
    assert User.objects.get(phone_hash=lookup_hash(PHONE)).role == Role.CITIZEN


# --- 4. a replayed intake key on a shared device -------------------------------------------------
def agent_data(pt, key):
    return {
        "name": "刘奶奶",
        "phone": "",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "intake_key": key,
    }


def observer_data(pt, key):
    return {
        "category": pt.loop.category.pk,
        "description": "河道边护栏断了一截",
        "cell": pt.loop.cell.pk,
        "urgency": "general",
        "intake_key": key,
    }


def test_another_agents_key_does_not_open_their_demand(client, portal_town):
    key = str(uuid.uuid4())
    client.force_login(portal_town.agent)
    first = client.post(reverse("portal:agent"), agent_data(portal_town, key))
    assert client.post(reverse("portal:agent"), agent_data(portal_town, key)).url == first.url
    assert client.get(first.url).status_code == 200  # the same agent's double tap still opens it
    other = UserFactory(role=Role.AGENT, town=portal_town.town)
    AgentFactory(town=portal_town.town, station=portal_town.collection_point, user=other, name="代办员二")
    client.force_login(other)  # the same device, the same session
    r = client.post(reverse("portal:agent"), agent_data(portal_town, key))
    assert Demand.objects.count() == 1
    assert client.get(r.url).status_code == 404


def test_another_observers_key_does_not_open_their_report(client, portal_town):
    key = str(uuid.uuid4())
    client.force_login(portal_town.observer)
    first = client.post(reverse("portal:observer"), observer_data(portal_town, key))
    assert client.post(reverse("portal:observer"), observer_data(portal_town, key)).url == first.url
    assert client.get(first.url).status_code == 200
    other = UserFactory(role=Role.OBSERVER, town=portal_town.town)
    ObserverFactory(
        town=portal_town.town,
        cell=portal_town.loop.cell,
        deputy=portal_town.loop.deputy.deputy,
        user=other,
        name="观察员二",
        phone="13600006667",
    )
    client.force_login(other)
    r = client.post(reverse("portal:observer"), observer_data(portal_town, key))
    assert Demand.objects.count() == 1
    assert client.get(r.url).status_code == 404


# --- 5. behind a reverse proxy ----------------------------------------------------------------------
def test_the_address_header_is_read_from_the_environment():
    root = Path(__file__).resolve().parents[2]
    program = "from config.settings import base; print(repr(base.RATELIMIT_IP_META_KEY))"

    def read(**env):
        environ = {k: v for k, v in os.environ.items() if k != "RATELIMIT_IP_META_KEY"} | env
        out = subprocess.run(
            [sys.executable, "-c", program], cwd=root, env=environ, capture_output=True, text=True, check=True
        )
        return out.stdout.strip().splitlines()[-1]

    assert read() == "None"
    assert read(RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP") == "'HTTP_X_REAL_IP'"


def test_behind_a_proxy_each_visitor_is_counted_by_their_own_address(client, portal_town, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.PORTAL_TRACK_FAIL_RATE = "2/15m"
    demand = raise_demand(portal_town)
    url = reverse("portal:track", args=[portal_town.town.code])
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        client.post(url, {"code": "NOSUCHCODE", "last4": "1111"}, HTTP_X_REAL_IP="203.0.113.5", **proxy)
    blocked = client.post(url, {"code": demand.code, "last4": "0001"}, HTTP_X_REAL_IP="203.0.113.5", **proxy)
    assert blocked.status_code == 429
    other = client.post(url, {"code": demand.code, "last4": "0001"}, HTTP_X_REAL_IP="198.51.100.7", **proxy)
    assert other.status_code == 302
