"""The daily digest: one message a day per staff member with something waiting, overdue first, in their
language, on the channels they chose; none before DIGEST_HOUR, none when switched off (unless locked)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lianxin.demands import services
from lianxin.notify.digest import digests_send
from lianxin.notify.models import DigestSent, LockedKind, NoticePreference, Notification, OutboxMessage
from lianxin.notify.services import outbox_deliver

pytestmark = pytest.mark.django_db
TOWN = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TOWN)


def _digests(user):
    return OutboxMessage.objects.filter(kind="notify.digest", user=user).order_by("pk")


@pytest.fixture
def waiting(loop):
    """Two assignments for the loop's department: one due in a week, one due in an hour (overdue by the
    time the digest runs); made on Sunday evening."""
    with time_machine.travel(dt.datetime(2026, 3, 1, 18, 0, tzinfo=TOWN), tick=False):
        later = loop.assigned(title="路灯不亮")
        soon = loop.claimed(title="井盖缺失")
        services.demand_assign(
            demand=soon,
            actor=loop.deputy,
            department=loop.department,
            matter="补井盖",
            standard="当日补齐",
            due_at=dt.datetime(2026, 3, 1, 19, 0, tzinfo=TOWN),
        )
    OutboxMessage.objects.all().delete()
    loop.later, loop.soon = later, soon
    return loop


def test_one_digest_a_day_overdue_first_and_another_the_next_day(waiting, settings):
    settings.DIGEST_HOUR = 8
    staff = waiting.staff
    with time_machine.travel(MONDAY_9, tick=False):
        assert digests_send() >= 1
        assert digests_send() == 0  # the task ran twice: still one message
    [digest] = _digests(staff)
    assert digest.channel == "inapp" and digest.action
    lines = digest.body.splitlines()
    assert len(lines) == 2
    assert waiting.soon.code in lines[0] and "超期" in lines[0]  # overdue first
    assert waiting.later.code in lines[1] and "超期" not in lines[1]
    assert "2" in digest.subject
    assert DigestSent.objects.filter(user=staff).count() == 1

    with time_machine.travel(MONDAY_9 + dt.timedelta(days=1), tick=False):
        digests_send()
        digests_send()
    assert _digests(staff).count() == 2
    outbox_deliver()
    assert Notification.objects.filter(user=staff, kind="notify.digest", action=True).count() == 2


def test_nothing_before_the_hour_and_nothing_for_who_has_nothing_waiting(waiting, settings):
    settings.DIGEST_HOUR = 10
    with time_machine.travel(MONDAY_9, tick=False):
        assert digests_send() == 0
    assert not DigestSent.objects.exists()
    with time_machine.travel(MONDAY_9 + dt.timedelta(hours=1), tick=False):
        digests_send()
    assert _digests(waiting.staff).count() == 1
    assert not _digests(waiting.other_staff).exists()  # another department: nothing waits


def test_the_digest_follows_the_persons_channels_and_language(waiting, settings):
    settings.DIGEST_HOUR = 8
    staff = waiting.staff
    staff.language, staff.email = "en", "s@example.cn"
    staff.save()
    NoticePreference.objects.create(user=staff, kind="notify.digest", channel="inapp", enabled=False)
    NoticePreference.objects.create(user=staff, kind="notify.digest", channel="email", enabled=True)
    with time_machine.travel(MONDAY_9, tick=False):
        digests_send()
    [mail] = _digests(staff)
    assert mail.channel == "email" and mail.address == "s@example.cn"
    assert mail.subject == "Daily digest: 2 items wait for you, 1 overdue"
    assert mail.body.splitlines()[0].startswith("· [overdue] ")


def test_switched_off_unless_the_presidium_locked_it(waiting, settings):
    settings.DIGEST_HOUR = 8
    staff = waiting.staff
    NoticePreference.objects.create(user=staff, kind="notify.digest", channel="inapp", enabled=False)
    with time_machine.travel(MONDAY_9, tick=False):
        digests_send()
    assert not _digests(staff).exists()
    LockedKind.objects.create(town=waiting.town, kind="notify.digest")
    with time_machine.travel(MONDAY_9 + dt.timedelta(days=1), tick=False):
        digests_send()
    assert _digests(staff).count() == 1
