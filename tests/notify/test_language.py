"""Per-user language: staff read pages and notices in their own language, chosen on their settings page or
with the language switcher; citizens get the town's."""

from __future__ import annotations

import pytest

from lianxin.notify.models import OutboxMessage
from tests.factories import DepartmentStaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_staff(loop):
    loop.staff.language = "en"
    loop.staff.save()
    loop.chinese = DepartmentStaffFactory(
        town=loop.town,
        department=loop.department,
        user=UserFactory(role="department", town=loop.town, language="zh-hans", email="zh@example.cn"),
    ).user
    return loop


def _subject(user, channel="inapp"):
    [row] = [
        r
        for r in OutboxMessage.objects.filter(channel=channel, kind="demands.assign")
        if user.pk in r.recipient_ids
    ]
    return row.subject


def test_one_event_reaches_each_staff_member_in_their_language_and_the_citizen_in_the_towns(two_staff):
    demand = two_staff.assigned()
    assert _subject(two_staff.staff).startswith(f"New assignment {demand.code}, due ")
    assert _subject(two_staff.chinese).startswith(f"新交办 {demand.code}")
    assert _subject(two_staff.chinese, "email").startswith(f"新交办 {demand.code}")
    # the citizen (an account that chose nothing) reads the town's language
    [told] = OutboxMessage.objects.filter(user=two_staff.citizen, kind="demands.assign", channel="inapp")
    assert demand.code in told.subject and "assigned" not in told.subject


def test_pages_follow_the_accounts_language_whatever_the_cookie(client, two_staff):
    client.force_login(two_staff.staff)
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/notifications/").content.decode()
    assert '<html lang="en">' in page and "Needs me" in page
    client.force_login(two_staff.chinese)
    client.cookies["django_language"] = "en"
    page = client.get("/notifications/").content.decode()
    assert '<html lang="zh-hans">' in page and "需要我处理" in page


def test_the_switcher_and_the_settings_page_keep_a_staff_members_choice(client, two_staff):
    user = two_staff.chinese
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/notifications/"})
    user.refresh_from_db()
    assert user.language == "en"
    client.post("/notifications/settings/", {"language": "zh-hans"})
    user.refresh_from_db()
    assert user.language == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/notifications/").content.decode()


def test_a_citizens_choice_stays_a_cookie(client, two_staff):
    citizen = two_staff.citizen
    client.force_login(citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    citizen.refresh_from_db()
    assert citizen.language == ""
