"""A deputy's visit log offline, server side: the queue's JSON answers, one visit per phone-made key (per
town), the time the deputy typed kept on a replay, the worker and the manifest of /duty/visits/."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianxin.core import clock
from lianxin.duty.models import Visit, VisitMatter

from .factories import DutyTown

pytestmark = pytest.mark.django_db
QUEUE = {"HTTP_X_LIANXIN_QUEUE": "1"}


def typed(hours_ago: int = 2) -> dt.datetime:
    return timezone.localtime(clock.now() - dt.timedelta(hours=hours_ago)).replace(second=0, microsecond=0)


def visit_data(t: DutyTown, key: str = "", **kw):
    return {
        "action": "record",
        "record-kind": "door",
        "record-cell": t.loop.cell.pk,
        "record-observer": t.observer.pk,
        "record-done_at": typed().strftime("%Y-%m-%dT%H:%M"),
        "record-households": 7,
        "record-places": "三组",
        "record-heard": "路灯坏了",
        "record-matters": "村口路灯不亮\n垃圾清运不及时",
        "record-intake_key": key or uuid.uuid4().hex,
        **kw,
    }


def test_a_visit_sent_twice_with_its_key_is_one_visit_with_its_matters_once(client, duty):
    client.force_login(duty.loop.deputy)
    data = visit_data(duty)
    first = client.post(reverse("duty:visits"), data, **QUEUE)
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    visit = Visit.objects.get()
    assert first.json() == {
        "code": str(visit.pk),
        "url": reverse("duty:visit", args=[visit.pk]),
        "replayed": False,
    }
    # the answer was lost on the way: the phone sends the same form again, from a fresh session even
    again = Client()
    again.force_login(duty.loop.deputy)
    second = again.post(reverse("duty:visits"), data, **QUEUE)
    assert second.status_code == 200
    assert second.json()["code"] == str(visit.pk) and second.json()["replayed"] is True
    assert Visit.objects.count() == 1 and VisitMatter.objects.count() == 2
    visit.refresh_from_db()
    assert visit.key == data["record-intake_key"] and visit.households == 7
    assert visit.done_at == typed()  # the time the deputy typed, not the time it arrived


def test_the_page_the_queue_opens_after_a_send_says_the_visit_is_logged_once(client, duty):
    """Sent while online, the queue opens the visit's page: it says 走访已登记, as the ordinary form's
    redirect does; a replay of the same key says nothing again."""
    client.force_login(duty.loop.deputy)
    data = visit_data(duty)
    url = client.post(reverse("duty:visits"), data, **QUEUE).json()["url"]
    assert "走访已登记" in client.get(url).content.decode()
    client.post(reverse("duty:visits"), data, **QUEUE)
    assert "走访已登记" not in client.get(url).content.decode()


def test_the_key_is_per_town(client, duty):
    there = DutyTown.build()
    key = uuid.uuid4().hex
    client.force_login(duty.loop.deputy)
    mine = client.post(reverse("duty:visits"), visit_data(duty, key), **QUEUE).json()
    client.force_login(there.loop.deputy)
    theirs = client.post(reverse("duty:visits"), visit_data(there, key), **QUEUE).json()
    assert mine["code"] != theirs["code"] and not theirs["replayed"]
    assert Visit.objects.filter(key=key).count() == 2
    assert set(Visit.objects.values_list("town_id", flat=True)) == {duty.loop.town.pk, there.loop.town.pk}


def test_another_deputys_key_gives_nothing_of_theirs(client, duty):
    key = uuid.uuid4().hex
    client.force_login(duty.loop.deputy)
    client.post(reverse("duty:visits"), visit_data(duty, key), **QUEUE)
    client.force_login(duty.loop.other_deputy)
    data = visit_data(duty, key, **{"record-observer": ""})
    r = client.post(reverse("duty:visits"), data, **QUEUE)
    assert r.status_code == 400 and "url" not in r.json()
    assert Visit.objects.count() == 1


def test_a_refused_queued_visit_says_what_to_fix_in_json(client, duty):
    client.force_login(duty.loop.deputy)
    data = visit_data(duty, **{"record-households": ""})
    r = client.post(reverse("duty:visits"), data, **QUEUE)
    assert r.status_code == 400 and r["Content-Type"] == "application/json"
    body = r.json()
    assert body["message"] and body["errors"] and len(body["errors"]) == 1
    future = visit_data(duty, **{"record-done_at": (typed(-3)).strftime("%Y-%m-%dT%H:%M")})
    r = client.post(reverse("duty:visits"), future, **QUEUE)
    assert r.status_code == 400 and r.json()["errors"]
    assert Visit.objects.count() == 0


def test_the_page_without_the_queue_works_as_before(client, duty):
    client.force_login(duty.loop.deputy)
    page = client.get(reverse("duty:visits")).content.decode()
    assert "data-offline" in page and 'name="record-intake_key"' in page
    assert reverse("duty:visits_worker") in page and reverse("duty:visits_manifest") in page
    data = visit_data(duty)
    r = client.post(reverse("duty:visits"), data)
    assert r.status_code == 302 and Visit.objects.count() == 1
    # a form without a key (an old page) is logged each time it is sent, as before
    del data["record-intake_key"]
    client.post(reverse("duty:visits"), data)
    client.post(reverse("duty:visits"), data)
    assert Visit.objects.count() == 3


def test_only_a_deputy_logs_a_visit_through_the_queue(client, duty):
    client.force_login(duty.loop.presidium)
    r = client.post(reverse("duty:visits"), visit_data(duty), **QUEUE)
    assert r.status_code == 403 and Visit.objects.count() == 0


def test_the_worker_keeps_the_visit_log_and_the_manifest_names_it(client):
    worker = client.get(reverse("duty:visits_worker"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    body = worker.content.decode().encode().decode("unicode_escape")  # as JavaScript reads its strings
    assert reverse("duty:visits_worker").rsplit("/", 1)[0] + "/" == reverse("duty:visits")
    assert 'new RegExp("^/duty/visits/$")' in body and '"lianxin-visits-"' in body
    assert "/static/js/offline.js" in body
    portal = client.get(reverse("portal:service_worker")).content.decode()
    assert "var PAGE = /^\\/m\\/" in portal and "RegExp" not in portal  # the phone pages' worker as it was
    manifest = client.get(reverse("duty:visits_manifest"))
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["name"] == "代表走访" and manifest.json()["scope"] == reverse("duty:visits")
