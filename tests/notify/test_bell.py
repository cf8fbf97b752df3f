"""The bell: notices filed by kind and tab as they are delivered, grouped by subject, paged, read per tab."""

from __future__ import annotations

import pytest

from lianxin.demands import services
from lianxin.notify.models import Notification
from lianxin.notify.services import outbox_deliver

pytestmark = pytest.mark.django_db


def test_a_delivered_notice_carries_its_kind_tab_and_subject(loop):
    demand = loop.assigned()
    services.assignment_remind(demand=demand, actor=loop.presidium, note="请抓紧")
    outbox_deliver()
    mine = Notification.objects.filter(user=loop.staff).order_by("pk")
    assert [(n.kind, n.action) for n in mine] == [("demands.assign", True), ("demands.remind", True)]
    assert {n.topic for n in mine} == {f"/demands/{demand.code}/"}  # one subject: the demand's page
    # the deputy hears the citizen's progress etc. as information; the claim told the citizen only
    told_citizen = Notification.objects.filter(user=loop.citizen)
    assert told_citizen.exists() and not told_citizen.filter(action=True).exists()


def _notes(user, town, topics, per_topic, action):
    Notification.objects.bulk_create(
        [
            Notification(
                town=town, user=user, subject=f"{t}-{i}", url=t, topic=t, action=action, kind="demands.remind"
            )
            for t in topics
            for i in range(per_topic)
        ]
    )


def test_subjects_are_paged_and_counted_per_tab(client, loop):
    user = loop.staff
    _notes(user, loop.town, [f"/demands/T{n:02d}/" for n in range(25)], 2, True)
    _notes(user, loop.town, ["/demands/INFO/"], 3, False)
    client.force_login(user)
    first = client.get("/notifications/").content.decode()
    assert first.count("data-topic=") == 20 and "1 / 2" in first
    second = client.get("/notifications/?tab=action&page=2").content.decode()
    assert second.count("data-topic=") == 5
    info = client.get("/notifications/?tab=info").content.decode()
    assert info.count("data-topic=") == 1 and "3 条通知" in info
    # the header: 50 unread that need me, 3 for information
    assert 'data-unread-action title="需要我处理">50<' in first and 'title="供参考">3<' in first

    # marking one tab read leaves the other
    client.post("/notifications/read/", {"tab": "info"})
    assert not Notification.objects.filter(user=user, action=False, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=user, action=True, read_at__isnull=True).count() == 50
    # one subject's notices
    client.post("/notifications/read/", {"tab": "action", "topic": "/demands/T03/"})
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 48


def test_nobody_reads_or_marks_anothers_notifications(client, loop):
    _notes(loop.staff, loop.town, ["/demands/X/"], 2, True)
    client.force_login(loop.other_staff)
    assert "data-topic=" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read/", {"tab": "action"})
    assert Notification.objects.filter(user=loop.staff, read_at__isnull=True).count() == 2
