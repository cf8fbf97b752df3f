"""Group robots (WeCom, DingTalk): a notice to a department, the presidium or a cell's deputies is posted to that
group's robot once, as markdown with a link; 20 a minute per robot, paced by the queue; refusals are failed
and shown to the administrator; the platforms' addresses are under the outbound rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.core import kit as kits
from lianxin.core import outbound
from lianxin.core.events import DomainEvent
from lianxin.core.notices import Group, Notice, NoticeTable
from lianxin.notify.engine import tell
from lianxin.notify.models import OutboxMessage, OutboxStatus, RobotGroup
from lianxin.notify.services import outbox_deliver
from lianxin.people.models import DepartmentStaff
from tests.factories import UserFactory

from .fake_robots import FakeRobots

pytestmark = pytest.mark.django_db

SITE = "https://lx.example.cn"


@pytest.fixture
def fake(settings):
    """The platforms on this machine's loopback, allowed as a town's own relay would be; links absolute."""
    robots = FakeRobots()
    settings.ROBOT_WECOM_URL, settings.ROBOT_DINGTALK_URL = robots.wecom_url, robots.dingtalk_url
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.PORTAL_PUBLIC_BASE_URL = SITE
    yield robots
    robots.stop()


def robot(town, kind="wecom", audience="department", key=None, *, token, **kw) -> RobotGroup:
    return RobotGroup.objects.create(
        town=town,
        kind=kind,
        name=f"{audience} {kind}",
        audience=audience,
        audience_key=key,
        token=token,
        **kw,
    )


def robot_rows(**kw):
    return OutboxMessage.objects.filter(robot__isnull=False, **kw)


def test_a_department_notice_reaches_its_wecom_group_once_and_its_people_their_channels(loop, fake):
    fake.add("wecom", "dept-key")
    robot(loop.town, key=loop.department.pk, token="dept-key")
    robot(loop.town, key=DepartmentStaff.objects.get(user=loop.other_staff).department_id, token="other-key")
    loop.staff.phone = "13700000001"
    loop.staff.save(update_fields=["phone"])

    demand = loop.assigned()

    # ASSIGN tells the lead department (in-app, SMS, e-mail): its robot gets the one message of the event
    assert robot_rows(channel="wecom").count() == 1
    staff_rows = OutboxMessage.objects.filter(user=loop.staff, subject__contains=demand.code)
    assert {"inapp", "sms"} <= set(staff_rows.values_list("channel", flat=True))
    outbox_deliver()
    (text,) = fake.texts("dept-key")
    assert text.startswith("**") and demand.code in text.split("\n")[0]  # the subject, in bold
    assert "疏通排水" in text  # the body: the office's wording of the matter
    assert f"]({SITE}/demands/{demand.code}/)" in text  # a link to the page, absolute
    assert fake.texts("other-key") == []  # another department's group hears nothing
    assert robot_rows(status=OutboxStatus.SENT).count() == 1


def test_the_group_robot_and_each_persons_chosen_channels_each_get_the_notice_once(loop, fake):
    """Issue 25's "done when": a department's notice reaches its robot group once and its people on the
    channels they chose (the lead's staff member turned SMS off and e-mail on for new assignments)."""
    from lianxin.notify.models import NoticePreference

    fake.add("wecom", "dept-key")
    robot(loop.town, key=loop.department.pk, token="dept-key")
    loop.staff.phone, loop.staff.email = "13700000001", "staff@example.org"
    loop.staff.save(update_fields=["phone", "email"])
    NoticePreference.objects.create(user=loop.staff, kind="demands.assign", channel="sms", enabled=False)
    NoticePreference.objects.create(user=loop.staff, kind="demands.assign", channel="email", enabled=True)

    demand = loop.assigned()
    outbox_deliver()

    assert len(fake.texts("dept-key")) == 1
    mine = OutboxMessage.objects.filter(subject__contains=demand.code, channel__in=["inapp", "sms", "email"])
    channels = sorted(
        ch
        for ch, user, group in mine.values_list("channel", "user_id", "group")
        if loop.staff.pk in [user, *group]
    )
    assert channels == ["email", "inapp"]


def test_a_dingtalk_robot_signs_each_call_and_carries_its_keyword(loop, fake):
    fake.add("dingtalk", "pres-token", secret="SECabc123", keyword="人大")
    robot(
        loop.town,
        kind="dingtalk",
        audience="presidium",
        token="pres-token",
        secret="SECabc123",
        keyword="人大",
    )

    demand = loop.completed()  # "… reports … completed: review the result" to the presidium
    outbox_deliver()

    (text,) = fake.texts("pres-token")
    assert demand.code in text and "人大" in text and f"{SITE}/demands/{demand.code}/" in text
    assert robot_rows(channel="dingtalk", status=OutboxStatus.SENT).count() == 1


def test_a_groups_message_masks_phone_numbers_and_names_no_requester(loop, fake):
    fake.add("wecom", "cell-key")
    robot(loop.town, audience="cell_deputies", key=loop.cell.pk, token="cell-key")

    loop.recorded(description="雨后积水，联系电话13912345678，身份证410724199001011234")
    outbox_deliver()

    (text,) = fake.texts("cell-key")
    assert "雨后积水" in text and "139****5678" in text
    assert "13912345678" not in text and "410724199001011234" not in text
    assert "李小花" not in text and "13900001234" not in text  # the requester's name and phone


def test_a_wrong_signature_fails_the_message_and_the_administrator_sees_it(loop, fake, client):
    fake.add("dingtalk", "pres-token", secret="SECright")
    group = robot(loop.town, kind="dingtalk", audience="presidium", token="pres-token", secret="SECwrong")

    loop.completed()
    outbox_deliver()

    row = robot_rows().get()
    assert row.status == OutboxStatus.FAILED and "310000" in row.last_error  # at once: a retry is refused too
    assert fake.answers == [310000] and fake.received == []
    client.force_login(UserFactory(role="system_admin", town=None, is_staff=True))
    page = client.get("/admin/notify/robotgroup/").content.decode()
    assert group.name in page and "310000" in page
    assert 'class="field-failed">1<' in page


def test_a_missing_keyword_fails_the_message(loop, fake):
    fake.add("dingtalk", "pres-token", keyword="值班提醒")
    robot(loop.town, kind="dingtalk", audience="presidium", token="pres-token")  # keyword not set here

    loop.completed()
    outbox_deliver()

    row = robot_rows().get()
    assert row.status == OutboxStatus.FAILED and "310000" in row.last_error
    assert fake.received == []


# --- the pace: 20 a minute --------------------------------------------------------------------------------------
def _burst_table(department):
    group = Group("department", department.pk, ())
    return NoticeTable(
        name="burst",
        notices={
            "burst": (
                Notice(("dept",), _("Reminder: %(code)s")),
                Notice(("dept", "again"), _("Overdue: %(code)s")),  # the same group again: still one message
            )
        },
        audiences={"dept": lambda e: [group], "again": lambda e: [group]},
        facts=lambda e: {"code": e.subject.code},
        link=lambda e: f"/demands/{e.subject.code}/",
    )


@pytest.fixture
def burst(loop):
    app = kits.kit("robot_burst")
    app.add("notices", _burst_table(loop.department))
    yield lambda code: _publish(loop.town, code)
    kits._KITS.pop("robot_burst")


def _publish(town, code):
    with transaction.atomic():
        tell(
            DomainEvent(
                kind="burst",
                subject=SimpleNamespace(town_id=town.pk, code=code),
                actor=None,
                at=timezone.now(),
            )
        )


def test_a_burst_of_25_notices_sends_20_now_and_the_rest_a_minute_later_none_lost_none_twice(
    loop, fake, burst
):
    fake.add("wecom", "dept-key")
    robot(loop.town, key=loop.department.pk, token="dept-key")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(25):
            burst(f"LX-{n:03d}")
        assert robot_rows().count() == 25  # one a notice, though two of its lines name the group
        assert outbox_deliver() == 20
        waiting = robot_rows(status=OutboxStatus.PENDING)
        assert waiting.count() == 5
        # rescheduled, not failed: no attempt counted, no error kept, and the platform was never refused
        assert set(waiting.values_list("attempts", "last_error")) == {(0, "")}
        assert 45009 not in fake.answers
        assert outbox_deliver() == 0  # still within the minute
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert outbox_deliver() == 5
    texts = fake.texts("dept-key")
    assert len(texts) == 25 and len(set(texts)) == 25
    assert all(f"LX-{n:03d}" in texts[n] for n in range(25))  # in the order they were queued
    assert not robot_rows(status=OutboxStatus.FAILED).exists()


def test_a_platform_that_says_too_fast_gets_the_message_again_after_a_back_off(loop, fake, burst):
    fake.rate = 3  # another system posts with the same robot: the platform's minute is fuller than ours
    fake.add("wecom", "dept-key")
    robot(loop.town, key=loop.department.pk, token="dept-key")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(5):
            burst(f"LX-{n:03d}")
        assert outbox_deliver() == 3
        assert fake.answers[-1] == 45009
        head = robot_rows(status=OutboxStatus.PENDING).order_by("pk").first()
        assert head.attempts == 0 and head.next_attempt_at == start + dt.timedelta(minutes=1)
        assert outbox_deliver() == 0  # the head waits, and the rest of the robot's stream behind it
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert outbox_deliver() == 2
    assert len(fake.texts("dept-key")) == 5
    assert not robot_rows(status=OutboxStatus.FAILED).exists()


# --- the outbound rule ---------------------------------------------------------------------------------------
def test_a_robot_address_on_a_private_network_is_refused_in_production_settings(loop, fake, settings):
    settings.OUTBOUND_ALLOW_HTTP = False
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    settings.ROBOT_WECOM_URL = f"https://127.0.0.1:{fake.port}/cgi-bin/webhook/send"
    fake.add("wecom", "dept-key")
    robot(loop.town, key=loop.department.pk, token="dept-key")

    loop.assigned()
    outbox_deliver()

    row = robot_rows().get()
    assert row.status == OutboxStatus.PENDING and row.last_error == outbound.REFUSED
    assert fake.answers == []  # never called


# --- the administrator's page --------------------------------------------------------------------------------
def test_the_administrator_sets_up_a_robot_whose_key_is_encrypted_and_never_shown_again(loop, client):
    client.force_login(UserFactory(role="system_admin", town=None, is_staff=True))
    answer = client.post(
        "/admin/notify/robotgroup/add/",
        {
            "town": loop.town.pk,
            "name": "办公室群",
            "kind": "dingtalk",
            "target": f"department:{loop.department.pk}",
            "token": "tok-secret-123",
            "secret": "SEC-very-secret",
            "keyword": "",
            "active": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    group = RobotGroup.objects.get()
    assert (group.audience, group.audience_key) == ("department", loop.department.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT token, secret FROM notify_robotgroup")
        stored = cursor.fetchone()
    assert "tok-secret-123" not in stored[0] and "SEC-very-secret" not in stored[1]
    page = client.get(f"/admin/notify/robotgroup/{group.pk}/change/").content.decode()
    assert "tok-secret-123" not in page and "SEC-very-secret" not in page
    # saved again without typing them: both kept
    client.post(
        f"/admin/notify/robotgroup/{group.pk}/change/",
        {
            "town": loop.town.pk,
            "name": "办公室群",
            "kind": "dingtalk",
            "target": "presidium",
            "keyword": "人大",
        },
    )
    group.refresh_from_db()
    assert (group.token, group.secret, group.audience, group.keyword) == (
        "tok-secret-123",
        "SEC-very-secret",
        "presidium",
        "人大",
    )
