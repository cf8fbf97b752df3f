"""The phone pages' offline queue, server side: JSON answers, one demand per phone-made key, the time the
person filled the form, the service worker, the manifests, the reference data and the CSRF refresh."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianxin.core import clock
from lianxin.demands.models import Attachment, Demand
from lianxin.territory.models import GridCell
from tests.factories import CategoryFactory, TownFactory

from .fixtures import png_bytes

pytestmark = pytest.mark.django_db
QUEUE = {"HTTP_X_LIANXIN_QUEUE": "1"}


def citizen_data(pt, **kw):
    return {
        "category": pt.loop.category.pk,
        "description": "村口的路灯坏了一个月",
        "cell": pt.loop.cell.pk,
        "name": "王大爷",
        "phone": "13900001111",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def agent_data(pt, **kw):
    return {
        "name": "刘奶奶",
        "phone": "",
        "category": pt.loop.category.pk,
        "description": "家门口台阶太高,出门不方便",
        "cell": pt.loop.cell.pk,
        "consent": "on",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def observer_data(pt, **kw):
    return {
        "category": pt.loop.category.pk,
        "description": "河边护栏松动,小孩容易掉下去",
        "urgency": "emergency",
        "cell": pt.loop.cell.pk,
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def test_a_queued_form_is_answered_with_its_code_and_a_second_send_with_the_key_makes_none(
    client, portal_town
):
    url = reverse("portal:submit", args=[portal_town.town.code])
    data = citizen_data(portal_town)
    first = client.post(
        url, {**data, "photos": SimpleUploadedFile("a.png", png_bytes(), "image/png")}, **QUEUE
    )
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    answer = first.json()
    demand = Demand.objects.get()
    assert answer["code"] == demand.code and answer["replayed"] is False
    assert answer["url"] == reverse("portal:done", args=[portal_town.town.code, demand.code])
    assert Attachment.objects.filter(demand=demand).count() == 1
    # the answer was lost on the way: the phone sends the same form again, from a fresh browser even
    again = Client().post(
        url, {**data, "photos": SimpleUploadedFile("a.png", png_bytes(), "image/png")}, **QUEUE
    )
    assert (
        again.status_code == 200 and again.json()["code"] == demand.code and again.json()["replayed"] is True
    )
    assert Demand.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_agent_and_the_observer_queues_are_idempotent_too(client, portal_town):
    client.force_login(portal_town.agent)
    data = agent_data(portal_town)
    codes = {client.post(reverse("portal:agent"), data, **QUEUE).json()["code"] for _ in range(2)}
    assert len(codes) == 1 and Demand.objects.count() == 1
    client.force_login(portal_town.observer)
    data = observer_data(portal_town)
    codes = {client.post(reverse("portal:observer"), data, **QUEUE).json()["code"] for _ in range(2)}
    assert len(codes) == 1 and Demand.objects.count() == 2


def test_a_refused_queued_form_says_what_to_fix_in_json(client, portal_town):
    client.force_login(portal_town.agent)
    data = agent_data(portal_town)
    del data["consent"]
    r = client.post(reverse("portal:agent"), data, **QUEUE)
    assert r.status_code == 400
    body = r.json()
    assert body["message"] and any("同意" in " ".join(m) for m in body["errors"].values())
    assert Demand.objects.count() == 0


def test_the_time_filled_on_the_phone_is_kept_beside_the_arrival(client, portal_town):
    url = reverse("portal:submit", args=[portal_town.town.code])
    filled = (clock.now() - dt.timedelta(hours=5)).replace(microsecond=0)
    code = client.post(url, citizen_data(portal_town, filed_at=filled.isoformat()), **QUEUE).json()["code"]
    demand = Demand.objects.get(code=code)
    assert demand.filed_at == filled
    assert demand.created_at - demand.filed_at >= dt.timedelta(hours=5)
    # the office sees both times on the demand's page
    client.force_login(portal_town.loop.presidium)
    page = client.get(reverse("demands:detail", args=[code])).content.decode()
    assert "data-filed-at" in page and timezone.localtime(filled).strftime("%Y-%m-%d %H:%M") in page
    client.logout()
    # an ordinary form (sent at once) also works, with the browser's own format
    r = client.post(url, citizen_data(portal_town, filed_at="2026-12-08T01:02:03.456Z"))
    assert r.status_code == 302


@pytest.mark.parametrize(
    "value",
    [
        lambda: (clock.now() + dt.timedelta(hours=2)).isoformat(),  # a phone clock ahead
        lambda: (clock.now() - dt.timedelta(days=40)).isoformat(),  # older than a phone keeps a form
        lambda: "yesterday-ish",
    ],
)
def test_a_time_that_makes_no_sense_is_ignored_and_the_arrival_counts(client, portal_town, value):
    url = reverse("portal:submit", args=[portal_town.town.code])
    r = client.post(url, citizen_data(portal_town, filed_at=value()), **QUEUE)
    assert r.status_code == 200, r.content
    assert Demand.objects.get().filed_at is None


def test_a_rate_limit_keeps_the_queued_form_for_later(client, portal_town, settings):
    settings.PORTAL_SUBMIT_RATE_PHONE = "1/h"
    url = reverse("portal:submit", args=[portal_town.town.code])
    first = citizen_data(portal_town)
    assert client.post(url, first, **QUEUE).status_code == 200
    r = client.post(url, citizen_data(portal_town), **QUEUE)
    assert r.status_code == 429 and r.json()["retry"] is True and r.json()["message"]
    # the one that got through, sent again, is answered (a replay is not counted)
    assert client.post(url, first, **QUEUE).status_code == 200
    assert Demand.objects.count() == 1


def test_the_csrf_endpoint_gives_a_token_the_intake_accepts(portal_town):
    browser = Client(enforce_csrf_checks=True)
    url = reverse("portal:submit", args=[portal_town.town.code])
    stale = browser.post(url, {**citizen_data(portal_town), "csrfmiddlewaretoken": "x" * 32}, **QUEUE)
    assert stale.status_code == 403
    token = browser.get(reverse("portal:csrf")).json()["token"]
    r = browser.post(url, {**citizen_data(portal_town), "csrfmiddlewaretoken": token}, **QUEUE)
    assert r.status_code == 200 and Demand.objects.count() == 1


def test_the_service_worker_is_served_in_its_scope_with_a_versioned_cache(client):
    r = client.get(reverse("portal:service_worker"))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert reverse("portal:service_worker") == "/m/sw.js" and r["Service-Worker-Allowed"] == "/m/"
    body = r.content.decode()
    assert '"/static/js/offline.js"' in body and '"/static/css/lianxin.css"' in body
    version = body.split('var VERSION = "')[1].split('"')[0]
    assert len(version) == 12 and "{{" not in body
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]


def test_each_page_has_a_manifest_with_a_chinese_name_and_real_icons(client, portal_town):
    town = portal_town.town
    for name, args, start in [
        ("portal:manifest", [town.code], f"/m/{town.code}/"),
        ("portal:agent_manifest", [], "/m/agent/"),
        ("portal:observer_manifest", [], "/m/observer/"),
    ]:
        r = client.get(reverse(name, args=args))
        assert r.status_code == 200 and r["Content-Type"] == "application/manifest+json"
        data = json.loads(r.content)
        assert data["start_url"] == start and data["display"] == "standalone"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in data["name"]), data["name"]
        for icon in data["icons"]:
            path = Path(settings.BASE_DIR) / icon["src"].lstrip("/")  # /static/icons/… is static/icons/…
            assert path.read_bytes().startswith(b"\x89PNG"), path
    page = client.get(reverse("portal:submit", args=[town.code])).content.decode()
    assert f'<link rel="manifest" href="/m/{town.code}/manifest.webmanifest">' in page
    assert "data-offline" in page and "js/offline.js" in page


def test_the_reference_data_is_the_pages_town_only(client, portal_town):
    other = TownFactory()
    CategoryFactory(town=other, name="别镇的分类")
    r = client.get(reverse("portal:reference", args=[portal_town.town.code]))
    names = {c["name"] for c in r.json()["categories"]}
    assert portal_town.second_category.name in names and "别镇的分类" not in names
    cells = {c["id"] for c in r.json()["cells"]}
    assert portal_town.loop.cell.pk in cells
    assert cells == set(GridCell.objects.filter(town=portal_town.town).values_list("pk", flat=True))
    # the agent's and the observer's are for them only
    assert client.get(reverse("portal:agent_reference")).status_code == 302
    client.force_login(portal_town.observer)
    assert client.get(reverse("portal:agent_reference")).status_code == 403
    assert client.get(reverse("portal:observer_reference")).json()["town"] == portal_town.town.code
