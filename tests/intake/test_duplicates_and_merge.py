"""Duplicates on intake (text, place, time) and the merge: one loop, every citizen told, answered, heard."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lianxin.core import clock
from lianxin.demands import services as demands
from lianxin.demands.models import Demand, Evaluation
from lianxin.intake.duplicates import neighbours, similar
from lianxin.notify.models import OutboxMessage
from lianxin.people.models import DepartmentStaff

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

GARBAGE = "村口的垃圾堆了好几天没人清运，臭得很"


def _record(itown, cell, description, *, title="垃圾没人清运", requester=None, phone="", category="环境卫生"):
    return demands.demand_record(
        town=itown.town,
        recorded_by=itown.presidium,
        channel="hotline",
        category=itown.categories[category],
        title=title,
        description=description,
        cell=itown.cells[cell],
        requester=requester,
        requester_phone=phone,
    )


def test_neighbours_are_the_cells_that_touch(itown):
    assert neighbours(itown.town.pk, itown.cells["东关村"].pk) == {itown.cells["西关村"].pk}
    assert neighbours(itown.town.pk, itown.cells["大辛庄村"].pk) == frozenset()


def test_similar_open_demands_nearby_and_recent_are_listed(itown):
    first = _record(itown, "东关村", "东关村" + GARBAGE)
    far = _record(itown, "大辛庄村", GARBAGE)
    other_matter = _record(
        itown, "东关村", "东关村的路灯坏了一个礼拜", title="路灯不亮", category="路灯与公共设施"
    )
    closed = _record(itown, "东关村", GARBAGE)
    demands.demand_decline(demand=closed, actor=itown.presidium, reason="重复反映")
    with time_machine.travel(clock.now() - dt.timedelta(days=45)):
        old = _record(itown, "东关村", GARBAGE)
    found = similar(
        principal=itown.presidium,
        town_id=itown.town.pk,
        content="西关村这边村口垃圾没人拉，好几天了，味道很大",
        cell_id=itown.cells["西关村"].pk,
    )
    codes = [d.demand.code for d in found]
    assert codes == [first.code]
    assert found[0].place == "neighbour" and 0 < found[0].confidence <= 1
    assert far.code not in codes and other_matter.code not in codes and old.code not in codes


def test_duplicates_are_read_through_the_callers_scope(itown):
    _record(itown, "东关村", GARBAGE)
    stranger = UserFactory(role="deputy", town=itown.town)  # serves no cell
    assert similar(principal=stranger, town_id=itown.town.pk, content=GARBAGE, cell_id=None) == []


def test_merged_citizens_are_told_get_the_result_and_each_evaluates(itown, client):
    other = UserFactory(role="citizen", town=itown.town, phone="13900007777")
    loop = _record(itown, "东关村", "东关村" + GARBAGE, requester=itown.citizen, phone=itown.citizen.phone)
    twin = _record(itown, "西关村", "西关村口垃圾好几天没人拉，臭得很", requester=other, phone=other.phone)
    by_phone = _record(itown, "东关村", "垃圾没人清运，村口臭得很", phone="13900008888")

    # The deputy merges both into the first from the demand's page (the intake lists it as similar).
    client.force_login(itown.deputy)
    page = client.get(f"/demands/{twin.code}/")
    assert page.status_code == 200 and f'data-duplicate="{loop.code}"' in page.content.decode()
    for d in (twin, by_phone):
        r = client.post(f"/demands/{d.code}/merge/", {"merge-into": loop.code, "merge-note": ""})
        assert r.status_code == 302, r.content.decode()[:2000]
        assert Demand.objects.get(pk=d.pk).merged_into == loop

    staff = UserFactory(role="department", town=itown.town)
    DepartmentStaff.objects.create(town=itown.town, department=itown.departments["城管"], user=staff)
    demands.demand_claim(demand=Demand.objects.get(pk=loop.pk), actor=itown.deputy)
    demands.demand_assign(
        demand=Demand.objects.get(pk=loop.pk),
        actor=itown.deputy,
        department=itown.departments["城管"],
        matter="清运村口垃圾",
        standard="清运干净",
    )
    demands.demand_accept(demand=Demand.objects.get(pk=loop.pk), actor=staff)
    demands.demand_complete(
        demand=Demand.objects.get(pk=loop.pk), actor=staff, result="已清运垃圾并消杀", outcome="resolved"
    )

    # Every citizen is told of the assignment and the result: in the app, or by SMS to the phone given.
    for user, code in ((other, twin.code), (itown.citizen, loop.code)):
        subjects = list(OutboxMessage.objects.filter(user=user).values_list("subject", flat=True))
        assert any(code in s and "城管" in s for s in subjects), subjects
        assert sum(code in s for s in subjects) >= 3, subjects  # (merged,) claimed, assigned, completed
    sms = [
        m
        for m in OutboxMessage.objects.filter(channel="sms", user__isnull=True)
        if m.address == "13900008888"
    ]
    assert sum(by_phone.code in m.subject for m in sms) >= 3  # merged, assigned, completed

    # The merged demand's citizen reads the result on their own tracking page and evaluates the loop there.
    client.force_login(other)
    page = client.get(f"/m/{itown.town.code}/track/{twin.code}/")
    assert page.status_code == 200
    assert "已清运垃圾并消杀" in page.content.decode()
    r = client.post(
        f"/m/{itown.town.code}/track/{twin.code}/evaluate/", {"verdict": "satisfied", "comment": ""}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    loop = Demand.objects.get(pk=loop.pk)
    assert loop.status == "evaluated"
    assert Evaluation.objects.get(demand=loop, role="citizen").by == other

    # Each citizen evaluates the one loop once; a fourth voice is one too many.
    with pytest.raises(ValidationError):
        demands.demand_evaluate(demand=loop, actor=other, verdict="satisfied")
    demands.demand_evaluate(demand=loop, actor=itown.citizen, verdict="basically")
    demands.demand_evaluate(demand=loop, actor=itown.presidium, verdict="satisfied")  # by_phone, by phone
    assert Evaluation.objects.filter(demand=loop, role="citizen").count() == 3
    with pytest.raises(ValidationError):
        demands.demand_evaluate(demand=loop, actor=itown.presidium, verdict="satisfied")
    assert Demand.objects.get(pk=loop.pk).status == "evaluated"


def test_an_unsatisfied_merged_citizen_sends_the_loop_back(itown):
    other = UserFactory(role="citizen", town=itown.town, phone="13900007777")
    loop = _record(itown, "东关村", GARBAGE, requester=itown.citizen)
    twin = _record(itown, "东关村", GARBAGE, requester=other)
    demands.demand_merge(demand=twin, actor=itown.presidium, into=loop)
    staff = UserFactory(role="department", town=itown.town)
    DepartmentStaff.objects.create(town=itown.town, department=itown.departments["城管"], user=staff)
    demands.demand_claim(demand=Demand.objects.get(pk=loop.pk), actor=itown.deputy)
    demands.demand_assign(
        demand=Demand.objects.get(pk=loop.pk),
        actor=itown.deputy,
        department=itown.departments["城管"],
        matter="清运",
        standard="干净",
    )
    demands.demand_accept(demand=Demand.objects.get(pk=loop.pk), actor=staff)
    demands.demand_complete(
        demand=Demand.objects.get(pk=loop.pk), actor=staff, result="已清运", outcome="resolved"
    )
    loop = demands.demand_evaluate(
        demand=Demand.objects.get(pk=loop.pk), actor=itown.citizen, verdict="satisfied"
    )
    loop = demands.demand_evaluate(
        demand=loop, actor=other, verdict="unsatisfied", comment="西头还有一堆没拉走"
    )
    assert loop.status == "returned" and loop.assignment.returns == 1
