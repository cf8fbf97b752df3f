"""Tracked items (督办): the move table, its refused roles, the sweep's lights, scopes, notices, pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.core.lights import Light
from lianxin.core.workflow import TransitionError, workflow_of
from lianxin.notify.models import OutboxMessage
from lianxin.tracking import services
from lianxin.tracking.events import TrackingEvent as E
from lianxin.tracking.models import TrackedItem, TrackedItemEvent, TrackingStatus
from lianxin.tracking.workflow import MOVES

from ..factories import DemandFactory, DepartmentStaffFactory, DeputyFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Chengguan


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def cast(town, persona):
    """Everyone a tracked item concerns, and some it does not."""
    staff = DepartmentStaffFactory(town=town)
    other_staff = DepartmentStaffFactory(town=town)
    deputy_user = persona(Role.DEPUTY)
    deputy = DeputyFactory(town=town, user=deputy_user)
    other_deputy_user = persona(Role.DEPUTY)
    DeputyFactory(town=town, user=other_deputy_user)
    return {
        "office": persona(Role.PRESIDIUM),
        "owner": staff.user,
        "department": staff.department,
        "other_department": other_staff.user,
        "supervisor": deputy_user,
        "deputy": deputy,
        "other_deputy": other_deputy_user,
        "citizen": persona(Role.CITIZEN),
        "mediator": persona(Role.MEDIATOR),
        "county": persona(Role.COUNTY_VIEWER),
    }


def _open(town, cast, **kw):
    fields = {
        "town": town,
        "origin": "hearing",
        "title": "修复东关村排水沟",
        "due_at": clock.now() + dt.timedelta(days=10),
        "department": cast["department"],
        "supervisor": cast["deputy"],
        "actor": cast["office"],
    }
    fields.update(kw)
    return services.tracked_item_open(**fields)


INPUT = {
    E.PROGRESS: {"note": "已清理一半"},
    E.REPORT: {"result": "排水沟已修复"},
    E.ACCEPT: {"note": ""},
    E.RETURN: {"reason": "北段仍堵", "due_at": NOW + dt.timedelta(days=5)},
    E.EXTEND: {"reason": "雨季施工", "due_at": NOW + dt.timedelta(days=20)},
    E.CANCEL: {"reason": "重复督办"},
}
# Each move: the state it starts from, who may make it, and who is refused.
CASES = {
    E.PROGRESS: (TrackingStatus.OPEN, ["owner", "office"], ["other_department", "supervisor", "citizen", "county"]),
    E.REPORT: (TrackingStatus.OPEN, ["owner", "office"], ["other_department", "other_deputy", "mediator", "county"]),
    E.ACCEPT: (TrackingStatus.REPORTED, ["office", "supervisor"], ["owner", "other_deputy", "citizen", "county"]),
    E.RETURN: (TrackingStatus.REPORTED, ["office", "supervisor"], ["owner", "other_deputy", "mediator"]),
    E.EXTEND: (TrackingStatus.OPEN, ["office"], ["owner", "supervisor", "county"]),
    E.CANCEL: (TrackingStatus.OPEN, ["office"], ["owner", "supervisor", "other_department"]),
}  # fmt: skip


def test_every_move_of_the_table_has_a_case():
    assert {m.kind for m in MOVES} == set(CASES)


def _at_state(town, cast, status):
    item = _open(town, cast)
    if status == TrackingStatus.REPORTED:
        services.tracked_item_report(item=item, actor=cast["owner"], result="已完成")
    return item


@pytest.mark.parametrize("kind", list(CASES))
def test_each_move_is_made_by_whoever_may_and_refused_to_the_rest(kind, town, cast, frozen):
    start, allowed, refused = CASES[kind]
    flow = workflow_of(TrackedItem)
    move = flow.moves[kind.value]
    for name in refused:
        item = _at_state(town, cast, start)
        with pytest.raises(PermissionDenied):
            move.service(item=item, actor=cast[name], **INPUT[kind])
        assert TrackedItem.objects.get(pk=item.pk).status == start
    for name in allowed:
        item = _at_state(town, cast, start)
        move.service(item=item, actor=cast[name], **INPUT[kind])
        item.refresh_from_db()
        assert item.status == (move.target or start)
        assert TrackedItemEvent.objects.filter(item=item, action=kind.value, actor=cast[name]).count() == 1


def test_a_move_from_the_wrong_state_is_a_conflict(town, cast, frozen):
    item = _open(town, cast)
    with pytest.raises(TransitionError):
        services.tracked_item_accept(item=item, actor=cast["office"])


def test_an_item_needs_an_owner_a_title_and_a_deadline_ahead(town, cast, frozen):
    with pytest.raises(ValidationError) as no_owner:
        _open(town, cast, department=None)
    assert "department" in no_owner.value.message_dict
    with pytest.raises(ValidationError) as past:
        _open(town, cast, due_at=NOW - dt.timedelta(hours=1))
    assert "due_at" in past.value.message_dict
    with pytest.raises(ValidationError):
        _open(town, cast, title="  ")
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        TrackedItem.objects.create(town=town, origin="x", title="t", due_at=NOW)


def test_returning_gives_a_new_deadline_and_restarts_the_light(town, cast, time_machine):
    time_machine.move_to(NOW, tick=False)
    item = _open(town, cast, due_at=NOW + dt.timedelta(days=1))
    time_machine.move_to(NOW + dt.timedelta(days=2), tick=False)
    services.tracking_sweep()
    item.refresh_from_db()
    assert item.light == Light.RED
    services.tracked_item_report(item=item, actor=cast["owner"], result="已完成")
    new_due = NOW + dt.timedelta(days=9)
    services.tracked_item_return(item=item, actor=cast["supervisor"], reason="北段仍堵", due_at=new_due)
    item.refresh_from_db()
    assert (item.status, item.light, item.due_at, item.returns) == (
        TrackingStatus.OPEN,
        Light.GREEN,
        new_due,
        1,
    )
    assert item.escalated_at is None


def test_the_sweep_turns_yellow_then_red_once_each(town, cast, time_machine, settings):
    settings.SUPERVISION_YELLOW_HOURS = 24
    time_machine.move_to(NOW, tick=False)
    item = _open(town, cast, due_at=NOW + dt.timedelta(days=3))
    assert services.tracking_sweep() == {"yellow": 0, "red": 0}
    time_machine.move_to(NOW + dt.timedelta(days=2, hours=1), tick=False)
    assert services.tracking_sweep() == {"yellow": 1, "red": 0}
    assert services.tracking_sweep() == {"yellow": 0, "red": 0}  # a second sweep writes nothing
    time_machine.move_to(NOW + dt.timedelta(days=3, minutes=1), tick=False)
    mark = OutboxMessage.objects.count()
    assert services.tracking_sweep() == {"yellow": 0, "red": 1}
    item.refresh_from_db()
    assert item.light == Light.RED and item.escalated_at is not None
    kinds = list(TrackedItemEvent.objects.filter(item=item).values_list("action", flat=True))
    assert kinds == [E.OPEN, E.YELLOW, E.RED]
    # the escalation reaches the office and the supervising deputy, as well as the department
    told = {pk for m in OutboxMessage.objects.order_by("pk")[mark:] for pk in m.recipient_ids}
    assert told == {cast["office"].pk, cast["supervisor"].pk, cast["owner"].pk}


def test_reporting_tells_the_office_and_the_supervisor_but_not_the_actor(town, cast, frozen):
    item = _open(town, cast)
    before = OutboxMessage.objects.count()
    services.tracked_item_report(item=item, actor=cast["owner"], result="排水沟已修复")
    told = {pk for m in OutboxMessage.objects.order_by("pk")[before:] for pk in m.recipient_ids}
    assert told == {cast["office"].pk, cast["supervisor"].pk}


def test_open_event_names_the_supervising_deputy_for_the_duty_record(town, cast, frozen):
    from lianxin.core import events

    seen = []
    sub = events.subscribe(E.OPEN)(lambda event: seen.append(event))
    try:
        _open(town, cast)
    finally:
        events.unsubscribe(sub)
    assert seen[0].data["deputies"] == [cast["deputy"].pk]


def test_who_reads_which_items(town, other_town, cast, frozen, outsider):
    mine = _open(town, cast)
    other_supervisor = _open(
        town, cast, supervisor=None, department=cast["other_department"].department_staff.department
    )
    readers = {
        "office": {mine.pk, other_supervisor.pk},
        "county": {mine.pk, other_supervisor.pk},
        "owner": {mine.pk},
        "supervisor": {mine.pk},
        "other_department": {other_supervisor.pk},
        "other_deputy": set(),
        "citizen": set(),
    }
    for name, expected in readers.items():
        assert set(TrackedItem.objects.restrict(cast[name]).values_list("pk", flat=True)) == expected, name
    assert not TrackedItem.objects.restrict(outsider).exists()


# --- pages -----------------------------------------------------------------------------------------
def test_the_department_reports_from_the_page_and_bad_input_is_kept(client, town, cast, frozen):
    item = _open(town, cast)
    client.force_login(cast["owner"])
    page = client.get(reverse("tracking:index"))
    assert page.status_code == 200 and item.title in page.content.decode()
    url = reverse("tracking:act", args=[item.pk, "report"])
    empty = client.post(url, {"report-result": "   "})
    assert empty.status_code == 400
    assert "该字段是必填项" in empty.content.decode()  # the page speaks Chinese first
    done = client.post(url, {"report-result": "排水沟已修复"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == TrackingStatus.REPORTED and item.result == "排水沟已修复"


def test_a_bad_deadline_on_return_is_a_400_with_the_reason_kept(client, town, cast, frozen):
    item = _at_state(town, cast, TrackingStatus.REPORTED)
    client.force_login(cast["office"])
    url = reverse("tracking:act", args=[item.pk, "return"])
    response = client.post(url, {"return-reason": "北段仍堵", "return-due_at": "2020-01-01T09:00"})
    assert response.status_code == 400
    assert "北段仍堵" in response.content.decode()
    assert TrackedItem.objects.get(pk=item.pk).status == TrackingStatus.REPORTED


def test_refused_and_out_of_scope_on_the_pages(client, town, cast, frozen, outsider):
    item = _open(town, cast)
    client.force_login(cast["owner"])
    assert client.post(reverse("tracking:act", args=[item.pk, "extend"]), {}).status_code == 403
    assert client.post(reverse("tracking:act", args=[item.pk, "report"]) + "x", {}).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("tracking:detail", args=[item.pk])).status_code == 404
    assert client.get(reverse("tracking:detail", args=["99999999999999999999"])).status_code == 404
    client.force_login(cast["citizen"])
    assert client.get(reverse("tracking:index")).status_code == 403


def test_the_office_raises_an_item_by_hand(client, town, cast, frozen):
    client.force_login(cast["office"])
    form = {"title": "", "department": cast["department"].pk, "due_at": "2026-06-20T17:00"}
    kept = client.post(reverse("tracking:new"), {**form, "details": "沿街垃圾"})
    assert kept.status_code == 400 and "沿街垃圾" in kept.content.decode()
    made = client.post(reverse("tracking:new"), {**form, "title": "清运沿街垃圾"})
    assert made.status_code == 302
    item = TrackedItem.objects.get(title="清运沿街垃圾")
    assert (item.origin, item.department, item.created_by) == ("office", cast["department"], cast["office"])
    client.force_login(cast["owner"])
    assert client.get(reverse("tracking:new")).status_code == 403


def test_an_item_raised_from_an_object_is_shown_with_it(town, cast, frozen, rf):
    from django.template import Context, Template

    demand = DemandFactory(town=town)
    _open(town, cast, source=demand, title="回访诉求人")
    request = rf.get("/")
    request.user = cast["owner"]
    html = Template("{% load tracking %}{% tracked_items_for d %}").render(
        Context({"d": demand, "request": request})
    )
    assert "回访诉求人" in html
    request.user = cast["other_deputy"]
    html = Template("{% load tracking %}{% tracked_items_for d %}").render(
        Context({"d": demand, "request": request})
    )
    assert "回访诉求人" not in html


def test_every_kind_and_move_speaks_chinese_and_english():
    from django.utils import translation

    flow = workflow_of(TrackedItem)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            labels = [flow.staff_label(k) for k in E] + [flow.citizen_label(k) for k in E]
            labels += [m.label for m in MOVES]
            for label in map(str, labels):
                assert label and "_" not in label, (language, label)
                assert language == "en" or not label.isascii(), (language, label)
