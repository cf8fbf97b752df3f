"""The supervision ladder: the clock on working days, the every-minute sweep, reminders and escalation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from lianxin.core.tasks import sweep_lights
from lianxin.demands import services
from lianxin.demands.deadlines import light_for
from lianxin.demands.models import Assignment, Reminder
from lianxin.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(dt.datetime(2025, 9, 29, 9, 0))


def test_assignment_deadline_counts_working_days_across_the_holiday(loop):
    with time_machine.travel(timezone.make_aware(dt.datetime(2025, 9, 30, 10, 0)), tick=False):
        demand = loop.assigned()
    assert timezone.localtime(demand.assignment.due_at) == timezone.make_aware(
        dt.datetime(2025, 10, 16, 17, 30)
    )


def test_emergency_limit_is_in_hours(loop):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.assigned(urgency="emergency")
    assert demand.assignment.due_at == MONDAY + dt.timedelta(hours=2)


def test_sweep_turns_yellow_then_red_writes_reminders_and_escalates_once(
    loop, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.accepted()
    due = demand.assignment.due_at
    with time_machine.travel(due - dt.timedelta(days=3), tick=False):
        assert services.deadlines_sweep() == {"yellow": 0, "red": 0}
    with time_machine.travel(due - dt.timedelta(hours=2), tick=False):
        assert services.deadlines_sweep() == {"yellow": 1, "red": 0}
        assert services.deadlines_sweep() == {"yellow": 0, "red": 0}, "a second sweep writes nothing new"
    assert Assignment.objects.get(pk=demand.assignment.pk).light == "yellow"
    with (
        time_machine.travel(due + dt.timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep_lights.call_local()  # the periodic task the worker runs every minute
    assignment = Assignment.objects.get(pk=demand.assignment.pk)
    assert assignment.light == "red" and assignment.escalated_at is not None
    levels = list(Reminder.objects.filter(assignment=assignment).values_list("level", flat=True))
    assert levels == ["yellow", "red", "escalated"]
    assert OutboxMessage.objects.filter(user=loop.presidium, subject__contains=demand.code).exists()
    assert list(demand.events.values_list("action", flat=True))[-2:] == ["sweep_yellow", "sweep_red"]
    with time_machine.travel(due + dt.timedelta(hours=5), tick=False):
        assert services.deadlines_sweep() == {"yellow": 0, "red": 0}


def test_sweep_leaves_finished_items_alone(loop):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.completed()
    with time_machine.travel(MONDAY + dt.timedelta(days=60), tick=False):
        assert services.deadlines_sweep() == {"yellow": 0, "red": 0}
    assert Assignment.objects.get(demand=demand).light == "green"


def test_approved_extension_turns_a_red_item_green(loop):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.accepted()
    due = demand.assignment.due_at
    with time_machine.travel(due + dt.timedelta(hours=1), tick=False):
        services.deadlines_sweep()
        ext = services.extension_request(
            demand=demand, actor=loop.staff, due_at=due + dt.timedelta(days=20), reason="招标"
        )
        services.extension_decide(extension=ext, actor=loop.presidium, approve=True)
    assert Assignment.objects.get(pk=demand.assignment.pk).light == "green"


@pytest.mark.parametrize(
    ("hours_left", "urgency", "light"),
    [
        (48, "general", "green"),
        (23, "general", "yellow"),
        (-1, "general", "red"),
        (1, "emergency", "green"),
        (0.25, "emergency", "yellow"),
    ],
)
def test_light_margins(hours_left, urgency, light):
    due = MONDAY + dt.timedelta(days=10)
    assert light_for(due_at=due, urgency=urgency, at=due - dt.timedelta(hours=hours_left)) == light


def test_manual_reminder_is_on_the_item(loop):
    demand = loop.accepted()
    services.assignment_remind(demand=demand, actor=loop.presidium, note="群众多次来电,请尽快")
    assert demand.assignment.reminders.get().note == "群众多次来电,请尽快"


def test_a_return_after_the_deadline_gives_the_rework_a_fresh_limit(loop):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.completed()
    late = demand.assignment.due_at + dt.timedelta(days=3)
    with time_machine.travel(late, tick=False):
        services.demand_return(demand=demand, actor=loop.presidium, reason="没有整改到位")
        assignment = Assignment.objects.get(demand=demand)
        assert assignment.due_at > late and assignment.light == "green" and assignment.result == ""
        assert services.deadlines_sweep() == {"yellow": 0, "red": 0}


def test_the_sweep_can_be_limited_to_one_town(loop):
    from ..loop import Loop

    elsewhere = Loop.build()
    with time_machine.travel(MONDAY, tick=False):
        here, there = loop.accepted(), elsewhere.accepted()
    with time_machine.travel(here.assignment.due_at + dt.timedelta(hours=1), tick=False):
        assert services.deadlines_sweep(town_id=loop.town.pk) == {"yellow": 0, "red": 1}
    assert Assignment.objects.get(demand=there).light == "green"
