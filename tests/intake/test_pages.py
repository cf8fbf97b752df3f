"""The suggestion on the recording page and on a demand's page, as a suggestion a person keeps or changes."""

from __future__ import annotations

import re

import pytest

from lianxin.demands import services as demands
from lianxin.demands.models import Demand

pytestmark = pytest.mark.django_db

TEXT = "俺家宅基地被邻居多占了半米，地界说不清，在大辛庄村"


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="(\d+)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def test_recording_page_suggests_and_keeps_the_input(itown, trained, client):
    client.force_login(itown.presidium)
    r = client.post(
        "/demands/new/",
        {
            "suggest": "1",
            "intake_key": "k1",
            "channel": "station",
            "title": "宅基地纠纷",
            "description": TEXT,
        },
    )
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-intake-method="model"' in html and "宅基地与土地" in html
    assert _selected(html, "category") == str(itown.categories["宅基地与土地"].pk)
    assert _selected(html, "cell") == str(itown.cells["大辛庄村"].pk)
    assert TEXT in html and 'value="k1"' in html  # the input is kept, and so is the submission key
    assert not Demand.objects.filter(town=itown.town).exists()  # nothing recorded yet


def test_recording_page_keeps_what_the_person_chose(itown, client):
    client.force_login(itown.presidium)
    r = client.post(
        "/demands/new/",
        {
            "suggest": "1",
            "channel": "station",
            "title": "垃圾",
            "description": "东关村村口垃圾没人清运",
            "category": str(itown.categories["生态环境"].pk),
        },
    )
    html = r.content.decode()
    assert "data-intake-rules" in html  # no model: the page says the rules answered
    assert _selected(html, "category") == str(itown.categories["生态环境"].pk)
    assert _selected(html, "cell") == str(itown.cells["东关村"].pk)


def test_demand_page_suggests_the_department_and_the_assign_form_starts_from_it(itown, trained, client):
    demand = demands.demand_record(
        town=itown.town,
        recorded_by=itown.presidium,
        channel="hotline",
        category=itown.categories["邻里纠纷"],  # recorded under another category
        title="宅基地边界",
        description=TEXT,
        cell=itown.cells["东关村"],
    )
    demands.demand_claim(demand=demand, actor=itown.deputy)
    client.force_login(itown.deputy)
    html = client.get(f"/demands/{demand.code}/").content.decode()
    assert 'data-intake="department"' in html and "自然资源" in html
    assert _selected(html, "assign-department") == str(itown.departments["自然资源"].pk)


def test_no_suggestion_once_the_demand_is_routed_or_for_who_may_not_route(itown, trained, client):
    demand = demands.demand_record(
        town=itown.town,
        recorded_by=itown.presidium,
        channel="hotline",
        category=itown.categories["宅基地与土地"],
        title="宅基地边界",
        description=TEXT,
        requester=itown.citizen,
    )
    client.force_login(itown.citizen)
    html = client.get(f"/demands/{demand.code}/").content.decode()
    assert "data-intake-method" not in html
