"""The industry station: enterprises (contact masked), their demands on the industry channel, events and
their outcomes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lianxin.core.workflow import TransitionError
from lianxin.demands.models import Demand
from lianxin.supervision import services
from lianxin.supervision.models import StationEvent

from ..factories import StationFactory
from .test_workflows import PERSONAS, _who

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(loop):
    station = StationFactory(town=loop.town, kind="industry", cell=None)
    company = services.enterprise_register(
        town=loop.town, actor=loop.presidium, name="获嘉县恒达机械有限公司", sector="装备制造", cell=loop.cell,
        contact_name="王建国", contact_phone="13912340001",
    )  # fmt: skip
    return station, company


def test_an_enterprise_demand_goes_on_the_industry_channel(loop, park, client):
    station, company = park
    demand = services.enterprise_demand_record(
        enterprise=company,
        actor=loop.deputy,
        category=loop.category,
        title="用电负荷不足",
        description="扩产需增容",
    )
    assert (demand.channel, demand.station, demand.cell) == ("enterprise", station, loop.cell)
    assert demand.requester_phone == "13912340001"
    with pytest.raises(PermissionDenied):
        services.enterprise_demand_record(
            enterprise=company, actor=loop.staff, category=loop.category, title="t", description="d"
        )
    client.force_login(loop.deputy)  # the deputy reads the contact masked
    page = client.get(f"/supervision/industry/enterprises/{company.pk}/").content.decode()
    assert demand.code in page and "13912340001" not in page and "王建国" not in page
    assert (
        client.post(f"/supervision/industry/enterprises/{company.pk}/reveal/", {"reason": "x"}).status_code
        == 403
    )
    client.force_login(loop.presidium)  # masked for the presidium too, until it gives a reason
    assert (
        "13912340001" not in client.get(f"/supervision/industry/enterprises/{company.pk}/").content.decode()
    )
    shown = client.post(f"/supervision/industry/enterprises/{company.pk}/reveal/", {"reason": "联系企业"})
    assert shown.status_code == 200 and "13912340001" in shown.content.decode()
    from lianxin.audit.models import AuditEntry

    (entry,) = AuditEntry.objects.filter(kind="reveal", object_id=str(company.pk))
    assert (entry.user_id, entry.reason) == (loop.presidium.pk, "联系企业")


def test_the_enterprise_page_records_a_demand_and_keeps_bad_input(loop, park, client):
    _station, company = park
    client.force_login(loop.deputy)
    url = f"/supervision/industry/enterprises/{company.pk}/"
    bad = client.post(url, {"category": loop.category.pk, "title": "", "description": "招工难"})
    assert bad.status_code == 400 and "招工难" in bad.content.decode()
    ok = client.post(url, {"category": loop.category.pk, "title": "招工难", "description": "缺技术工人"})
    assert ok.status_code == 302
    assert Demand.objects.filter(channel="enterprise", title="招工难").exists()


def test_an_event_and_its_outcome(sup, loop, park, outsider):
    _station, company = park
    event = services.station_event_record(
        town=loop.town, actor=loop.presidium, kind="donation", title="企业家代表捐资助学", held_on=dt.date(2026, 9, 1),
        enterprises=[company], deputies=[loop.deputy.deputy, loop.other_deputy.deputy],
    )  # fmt: skip
    step = event.events.get()
    assert step.action == "record_event"
    for persona in sorted(set(PERSONAS) - {"presidium"}):
        with pytest.raises(PermissionDenied):
            services.station_event_outcome(event=event, actor=_who(sup, persona, outsider), outcome="捐资")
    services.station_event_outcome(
        event=event,
        actor=loop.presidium,
        outcome="捐资20万元，新增就业岗位120个",
        jobs_added=120,
        donation_yuan=200000,
    )
    event = StationEvent.objects.get(pk=event.pk)
    assert (event.status, event.jobs_added, event.donation_yuan) == ("counted", 120, 200000)
    with pytest.raises(TransitionError):
        services.station_event_outcome(event=event, actor=loop.presidium, outcome="再次")
    with pytest.raises(PermissionDenied):
        services.station_event_record(
            town=loop.town,
            actor=loop.deputy,
            kind="exchange_trip",
            title="外出考察",
            held_on=dt.date(2026, 9, 1),
        )
