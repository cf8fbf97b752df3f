"""Agent entry at a collection point and the observer's report."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.demands.models import Demand
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


def test_the_agent_records_for_an_elderly_person_with_consent(client, portal_town):
    client.force_login(portal_town.agent)
    page = client.get(reverse("portal:agent"))
    assert page.status_code == 200 and portal_town.collection_point.name in page.content.decode()
    r = client.post(reverse("portal:agent"), agent_data(portal_town))
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert demand.channel == "collection_point"
    assert demand.station == portal_town.collection_point
    assert demand.recorded_by == portal_town.agent
    assert demand.requester_name == "刘奶奶"
    assert demand.consent_at is not None
    # the agent sees the code and can follow what they recorded
    assert demand.code in client.get(r.url).content.decode()


def test_without_consent_nothing_is_recorded(client, portal_town):
    client.force_login(portal_town.agent)
    data = agent_data(portal_town)
    del data["consent"]
    r = client.post(reverse("portal:agent"), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "请先征得本人同意" in html
    assert "家门口台阶太高" in html and 'value="刘奶奶"' in html
    assert Demand.objects.count() == 0


def test_the_agent_page_is_for_agents(client, portal_town):
    assert client.get(reverse("portal:agent")).status_code == 302  # to sign in
    client.force_login(portal_town.loop.citizen)
    assert client.get(reverse("portal:agent")).status_code == 403
    client.force_login(portal_town.loop.deputy)  # may record for others, but is no agent
    assert client.get(reverse("portal:agent")).status_code == 403


def test_an_agent_without_a_collection_point_is_refused(client, portal_town):
    client.force_login(UserFactory(role=Role.AGENT, town=portal_town.town))
    assert client.get(reverse("portal:agent")).status_code == 403


def observer_data(pt, **kw):
    return {
        "category": pt.loop.category.pk,
        "description": "河道边堆了很多建筑垃圾",
        "cell": pt.loop.cell.pk,
        "urgency": "general",
        "intake_key": str(uuid.uuid4()),
        **kw,
    }


def test_the_observer_reports_in_their_cell_by_default(client, portal_town):
    client.force_login(portal_town.observer)
    page = client.get(reverse("portal:observer")).content.decode()
    assert f'<option value="{portal_town.loop.cell.pk}" selected>' in page
    r = client.post(reverse("portal:observer"), observer_data(portal_town, urgency="emergency"))
    assert r.status_code == 302
    demand = Demand.objects.get()
    assert demand.channel == "observer"
    assert demand.cell == portal_town.loop.cell
    assert demand.urgency == "emergency"
    assert demand.recorded_by == portal_town.observer
    assert demand.requester == portal_town.observer


def test_the_observers_location_decides_the_cell(client, portal_town):
    from tests.factories import GridCellFactory, square

    far = GridCellFactory(town=portal_town.town, boundary=square(35.30, 113.70))
    client.force_login(portal_town.observer)
    client.post(reverse("portal:observer"), observer_data(portal_town, cell="", lat="35.305", lng="113.705"))
    assert Demand.objects.get().cell == far


def test_the_observer_page_is_for_observers(client, portal_town):
    client.force_login(portal_town.agent)
    assert client.get(reverse("portal:observer")).status_code == 403


def test_a_double_tap_by_the_observer_makes_one(client, portal_town):
    client.force_login(portal_town.observer)
    data = observer_data(portal_town)
    client.post(reverse("portal:observer"), data)
    client.post(reverse("portal:observer"), data)
    assert Demand.objects.count() == 1
