"""Preferences per kind and channel, honoured when the engine queues; kinds the presidium locks stay on."""

from __future__ import annotations

import pytest

from lianxin.core import kit as kits
from lianxin.notify.models import LockedKind, NoticePreference, OutboxMessage
from tests.factories import DepartmentStaffFactory, UserFactory

pytestmark = pytest.mark.django_db
ASSIGN = "demands.assign"


@pytest.fixture
def office(loop):
    """The loop's department with two staff who have a phone and an e-mail address."""
    loop.staff.phone, loop.staff.email = "13900000011", "a@example.cn"
    loop.staff.save()
    loop.colleague = DepartmentStaffFactory(
        town=loop.town,
        department=loop.department,
        user=UserFactory(role="department", town=loop.town, phone="13900000012", email="b@example.cn"),
    ).user
    return loop


def _rows(demand, user, channel):
    return [
        r
        for r in OutboxMessage.objects.filter(channel=channel, kind=ASSIGN)
        if user.pk in r.recipient_ids and demand.code in r.subject
    ]


def test_switching_sms_off_for_a_kind_queues_no_text_but_still_the_bell(client, office):
    client.force_login(office.staff)
    response = client.post(
        "/notifications/settings/",
        {"language": "", "shown": [f"{ASSIGN}|sms", f"{ASSIGN}|inapp"], f"p|{ASSIGN}|inapp": "on"},
    )
    assert response.status_code == 302
    demand = office.assigned()
    assert _rows(demand, office.staff, "sms") == []
    assert len(_rows(demand, office.staff, "inapp")) == 1
    assert len(_rows(demand, office.staff, "email")) == 1  # only what was switched off is off
    assert [r.address for r in _rows(demand, office.colleague, "sms")] == ["13900000012"]


def test_a_channel_added_to_a_kind_reaches_that_person_only(client, office):
    # The reminder's table names SMS and e-mail; the record of a demand names none: a deputy adds e-mail.
    office.deputy.email = "dep@example.cn"
    office.deputy.save()
    client.force_login(office.deputy)
    client.post(
        "/notifications/settings/",
        {"language": "", "shown": ["demands.record|email"], "p|demands.record|email": "on"},
    )
    demand = office.recorded()
    mails = OutboxMessage.objects.filter(channel="email", kind="demands.record")
    assert [(m.user_id, m.address) for m in mails] == [(office.deputy.pk, "dep@example.cn")]
    assert demand.code  # recorded


def test_the_presidium_locks_a_kind_and_nobody_can_switch_it_off(client, office):
    # an earlier choice to switch SMS off…
    NoticePreference.objects.create(user=office.staff, kind=ASSIGN, channel="sms", enabled=False)
    client.force_login(office.presidium)
    assert client.post("/notifications/locked/", {f"lock|{ASSIGN}": "on"}).status_code == 302
    assert list(LockedKind.objects.values_list("town_id", "kind")) == [(office.town.pk, ASSIGN)]
    # …is overruled by the lock
    demand = office.assigned()
    assert [r.address for r in _rows(demand, office.staff, "sms")] == ["13900000011"]

    # the page shows it checked and disabled; a request turning it off is refused with a message
    client.force_login(office.staff)
    page = client.get("/notifications/settings/").content.decode()
    row = page.split(f'data-kind="{ASSIGN}"')[1].split("</fieldset>")[0]
    assert 'data-channel="sms" checked disabled' in row
    refused = client.post(
        "/notifications/settings/", {"language": "", "shown": [f"{ASSIGN}|sms", "demands.record|email"]}
    )
    assert refused.status_code == 400
    assert "主席团规定以下通知不可关闭" in refused.content.decode()
    assert not NoticePreference.objects.filter(user=office.staff, kind="demands.record").exists()


def test_only_the_presidium_edits_the_locks(client, office):
    client.force_login(office.staff)
    assert client.get("/notifications/locked/").status_code == 404
    assert client.post("/notifications/locked/", {f"lock|{ASSIGN}": "on"}).status_code == 404
    assert not LockedKind.objects.exists()


def test_the_page_offers_the_registered_peoples_channels_and_no_others(client, office):
    class Robot:  # a channel that reaches people (the group robots reach groups: not offered)
        name, retry = "toy_robot", None

        def address(self, user):
            return ""

    robot = Robot()
    kits.kit("toy_robot").add("channels", robot)
    try:
        client.force_login(office.staff)
        page = client.get("/notifications/settings/").content.decode()
    finally:
        kits._KITS.pop("toy_robot")
    row = page.split(f'data-kind="{ASSIGN}"')[1].split("</fieldset>")[0]
    channels = [c.split('"')[0] for c in row.split('data-channel="')[1:]]
    assert channels == ["inapp", "sms", "email", "toy_robot"]  # the webhook and group robots reach no person
    assert "webhook" not in page


def test_citizens_have_no_settings_page_and_their_texts_are_not_preferences(client, office):
    client.force_login(office.citizen)
    assert client.get("/notifications/settings/").status_code == 404
    NoticePreference.objects.create(
        user=office.citizen, kind="demands.record", channel="inapp", enabled=False
    )
    demand = office.claimed()  # the citizen hears that a deputy took it
    assert OutboxMessage.objects.filter(user=office.citizen, subject__contains=demand.code).exists()
