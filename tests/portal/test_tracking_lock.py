"""The tracking lock (security issue 23, item 3): a locked code or address refuses the right answer as it
refuses a wrong one, the owner hears of the lock once, and the counts hold under parallel requests."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import uuid
from collections import Counter
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from lianxin.core.clock import now
from lianxin.demands import services as demand_services
from lianxin.notify.models import ChannelName, OutboxMessage

from ..conftest import HANG

PHONE = "13912340001"
REFUSED = "输错次数过多"


@pytest.fixture(autouse=True)
def _early_in_a_window():
    """The counts live in fixed windows (``portal/limits.py``, aligned to the epoch): each test starts ten seconds
    into one, with the clock running on, so however slowly a busy machine runs it, its tries fall in one window."""
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, 10, tzinfo=dt.UTC), tick=True):
        yield


def raise_demand(pt, **kw):
    return pt.loop.completed(
        recorded_by=None, requester=None, requester_phone=PHONE, requester_name="王秀英", **kw
    )


def pin_demand(pt, **kw):
    """A demand recorded for a person with no phone: its slip carries a PIN (returned with it)."""
    demand = demand_services.demand_record(
        town=pt.town,
        recorded_by=pt.agent,
        channel="collection_point",
        category=pt.loop.category,
        title="台阶太高",
        description="家门口台阶太高,出门不方便",
        cell=pt.loop.cell,
        requester_name="刘奶奶",
        consent=True,
        **kw,
    )
    return demand, demand.tracking_pin


def guess(client, pt, code, digits, address="10.0.0.1"):
    return client.post(
        reverse("portal:track", args=[pt.town.code]), {"code": code, "last4": digits}, REMOTE_ADDR=address
    )


def lock_code(client, pt, code, times=3):
    """Wrong answers from as many addresses as tries, so only the code's count fills."""
    for i in range(times):
        assert guess(client, pt, code, "1111", address=f"10.0.1.{i}").status_code == 400


def page_text(response):
    """What the page says, without what differs on every response (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value|content)="[^"]*"', "", response.content.decode())


def lock_texts(phone):
    """Texts to ``phone`` about a lock (the demand's own notices, its receipt and its progress, left out)."""
    sms = OutboxMessage.objects.filter(channel=ChannelName.SMS, subject__contains="暂停").order_by("pk")
    return [m for m in sms if m.address == phone]


# --- one request at a time (the tests' own cache) ------------------------------------------------------
@pytest.mark.django_db
def test_a_locked_code_refuses_the_right_pin_as_it_refuses_a_wrong_one(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand, pin = pin_demand(portal_town)
    lock_code(client, portal_town, demand.code)
    wrong = guess(client, portal_town, demand.code, f"{(int(pin) + 1) % 10000:04d}", address="10.0.9.9")
    right = guess(client, portal_town, demand.code, pin, address="10.0.9.8")
    assert wrong.status_code == right.status_code == 429
    assert page_text(wrong) == page_text(right) and REFUSED in page_text(right)
    assert client.get(reverse("portal:tracked", args=[portal_town.town.code, demand.code])).status_code == 404
    # no phone, nobody to text
    assert not OutboxMessage.objects.filter(channel=ChannelName.SMS, subject__contains="暂停").exists()
    with time_machine.travel(now() + dt.timedelta(minutes=16)):
        assert guess(client, portal_town, demand.code, pin, address="10.0.9.8").status_code == 302


@pytest.mark.django_db
def test_a_locked_code_refuses_the_right_last_four_digits(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    lock_code(client, portal_town, demand.code)
    r = guess(client, portal_town, demand.code, "0001", address="10.0.9.9")
    assert r.status_code == 429 and REFUSED in r.content.decode()


@pytest.mark.django_db
def test_a_blocked_address_is_refused_the_right_answer_at_any_code(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    for _ in range(3):
        assert guess(client, portal_town, "NOSUCHCODE", "1111").status_code == 400
    assert guess(client, portal_town, demand.code, "0001").status_code == 429
    assert guess(client, portal_town, demand.code, "0001", address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_an_old_all_digit_code_locks_like_a_new_one(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town, code="10026000123")
    # however the digits are typed, they count at the same code
    for i, typed in enumerate(("10026000123", "100 2600 0123", "100-2600-0123")):
        assert guess(client, portal_town, typed, "1111", address=f"10.0.1.{i}").status_code == 400
    assert guess(client, portal_town, demand.code, "0001", address="10.0.9.9").status_code == 429
    assert len(lock_texts(PHONE)) == 1


@pytest.mark.django_db
def test_the_owner_is_texted_once_when_the_code_locks(client, portal_town, settings):
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demand = raise_demand(portal_town)
    lock_code(client, portal_town, demand.code)
    assert lock_texts(PHONE) == []  # full, not yet passed
    for i in range(4):  # the lock, and more tries while it holds
        assert guess(client, portal_town, demand.code, "1111", address=f"10.0.2.{i}").status_code == 429
    guess(client, portal_town, demand.code, "0001", address="10.0.2.9")
    (text,) = lock_texts(PHONE)
    assert demand.code in text.subject and "15" in text.body
    # a new window, a new lock, a new text
    with time_machine.travel(now() + dt.timedelta(minutes=16)):
        lock_code(client, portal_town, demand.code)
        guess(client, portal_town, demand.code, "1111", address="10.0.3.1")
    assert len(lock_texts(PHONE)) == 2


@pytest.mark.django_db
def test_right_answers_spend_no_tries(client, portal_town, settings):
    """An agent at a collection point tracks many demands from one address; a citizen who mistyped twice
    and then got it right has not used up the code for the next wrong try's count."""
    settings.PORTAL_TRACK_FAIL_RATE = "3/15m"
    demands = [raise_demand(portal_town) for _ in range(5)]
    for demand in demands:
        assert guess(Client(), portal_town, demand.code, "0001").status_code == 302
    for _ in range(2):
        assert guess(client, portal_town, demands[0].code, "1111").status_code == 400
    assert guess(client, portal_town, demands[0].code, "0001").status_code == 302
    assert guess(client, portal_town, demands[0].code, "1111").status_code == 400
    assert guess(client, portal_town, demands[0].code, "1111").status_code == 429


# --- the settings: a database cache counts atomically --------------------------------------------------
def test_a_database_cache_url_gets_the_atomic_database_cache():
    root = Path(__file__).resolve().parents[2]
    program = "from config.settings import base; print(base.CACHES['default']['BACKEND'])"
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run(
        [sys.executable, "-c", program],
        cwd=root,
        env=environ | {"CACHE_URL": "dbcache://lianxin_cache"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "lianxin.core.cache.DatabaseCache"


# --- in parallel, on a cache every thread shares (as gunicorn's workers share Redis or the database) -------
def _redis_or_skip():
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


@pytest.fixture(params=["redis", "database"])
def shared_cache(request, settings):
    if request.param == "redis":
        server = _redis_or_skip()
        prefix = f"lianxin-test-pin-{uuid.uuid4().hex}"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/0",
                "KEY_PREFIX": prefix,
            }
        }
        yield request.param
        for key in server.scan_iter(match=f"{prefix}:*"):  # only this test's keys: the server is shared
            server.delete(key)
    else:
        table = f"lianxin_test_cache_{uuid.uuid4().hex[:8]}"
        settings.CACHES = {"default": {"BACKEND": "lianxin.core.cache.DatabaseCache", "LOCATION": table}}
        call_command("createcachetable", verbosity=0)
        yield request.param
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")


def in_parallel(n, work):
    """Run ``work(i)`` in n threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=HANG)
            results[i] = work(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("spread", ["one address", "many addresses"])
@pytest.mark.django_db(transaction=True)
def test_forty_parallel_guesses_get_exactly_five_answers_checked(portal_town, shared_cache, settings, spread):
    settings.PORTAL_TRACK_FAIL_RATE = "5/15m"
    demand = raise_demand(portal_town)

    def one(i):
        address = "10.0.0.1" if spread == "one address" else f"10.0.{i // 200}.{i % 200 + 1}"
        return guess(Client(), portal_town, demand.code, f"{1000 + i:04d}", address=address).status_code

    statuses = in_parallel(40, one)
    assert sorted(statuses) == [400] * 5 + [429] * 35, Counter(statuses)
    # From many addresses the code locks (and its owner hears of it once); from one, the address does first.
    assert len(lock_texts(PHONE)) == (1 if spread == "many addresses" else 0)


@pytest.mark.parametrize(
    "spread", ["one address, one phone", "many addresses, one phone", "one address, many phones"]
)
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_sign_in_requests_send_exactly_five_texts(
    portal_town, sms, shared_cache, settings, spread
):
    settings.PORTAL_SMS_RATE = "5/h"
    url = reverse("portal:sign_in", args=[portal_town.town.code])

    def one(i):
        address = f"10.0.5.{i + 1}" if spread.startswith("many addresses") else "10.0.0.1"
        phone = f"1391234{i:04d}" if spread.endswith("many phones") else PHONE
        return Client().post(url, {"phone": phone}, REMOTE_ADDR=address).status_code

    statuses = in_parallel(20, one)
    assert sorted(statuses) == [302] * 5 + [429] * 15, Counter(statuses)
    assert len(sms.SENT) == 5
