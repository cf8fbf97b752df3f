"""The one deadline-light sweep (core.sweep): every app's registration, one task, one compare-and-swap."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from lianxin.core import sweep as core_sweep
from lianxin.core.lights import Light, light_for, yellow_window
from lianxin.core.tasks import sweep_lights
from lianxin.demands.models import Assignment, Reminder
from lianxin.demands.services import ASSIGNMENT_DEADLINES
from lianxin.tracking import services as tracking
from lianxin.tracking.models import TrackedItem, TrackedItemEvent

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(dt.datetime(2025, 9, 29, 9, 0))


def _item(loop, *, due_at, title="清理河道"):
    return tracking.tracked_item_open(
        town=loop.town, origin="office", title=title, due_at=due_at, department=loop.department
    )


def test_both_apps_register_their_deadlines_in_the_kit():
    names = [d.name for d in core_sweep.registered()]
    assert "demands.assignment" in names and "tracking.item" in names
    assert len(names) == len(set(names)), "an app's ready() running twice must not register it twice"


def test_the_rule_is_red_past_the_deadline_yellow_inside_the_window():
    due = MONDAY + dt.timedelta(days=5)
    inside = due - yellow_window() + dt.timedelta(minutes=1)
    assert light_for(due_at=due, at=inside - dt.timedelta(hours=1)) == Light.GREEN
    assert light_for(due_at=due, at=inside) == Light.YELLOW
    assert light_for(due_at=due, at=due + dt.timedelta(seconds=1)) == Light.RED
    short = dt.timedelta(minutes=30)
    assert light_for(due_at=due, at=due - dt.timedelta(hours=1), window=short) == Light.GREEN


def test_one_task_recolours_assignments_and_tracked_items_together(loop, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.accepted()
        item = _item(loop, due_at=demand.assignment.due_at)
    with (
        time_machine.travel(demand.assignment.due_at + dt.timedelta(minutes=5), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = sweep_lights.call_local()
    assert counts["demands.assignment"] == {"yellow": 0, "red": 1}
    assert counts["tracking.item"] == {"yellow": 0, "red": 1}
    assignment = Assignment.objects.get(pk=demand.assignment.pk)
    assert assignment.light == Light.RED and assignment.escalated_at is not None
    assert list(assignment.reminders.values_list("level", flat=True)) == ["red", "escalated"]
    item.refresh_from_db()
    assert item.light == Light.RED and item.escalated_at is not None
    assert TrackedItemEvent.objects.filter(item=item, action="red").count() == 1


def test_the_town_limit_applies_to_every_registration(loop):
    from ..loop import Loop

    elsewhere = Loop.build()
    with time_machine.travel(MONDAY, tick=False):
        here, there = (
            _item(loop, due_at=MONDAY + dt.timedelta(days=3)),
            _item(elsewhere, due_at=MONDAY + dt.timedelta(days=3)),
        )
    counts = core_sweep.sweep_all(at=MONDAY + dt.timedelta(days=4), town_id=loop.town.pk)
    assert counts["tracking.item"] == {"yellow": 0, "red": 1}
    assert TrackedItem.objects.get(pk=here.pk).light == Light.RED
    assert TrackedItem.objects.get(pk=there.pk).light == Light.GREEN


def test_a_sweep_that_read_a_light_another_sweep_has_changed_says_nothing(loop):
    """Two sweeps overlap: the first has read both rows when, while it handles the first row, a second
    sweep recolours the second row. The first then finds the stored light moved on and writes nothing."""
    with time_machine.travel(MONDAY, tick=False):
        first = _item(loop, due_at=MONDAY + dt.timedelta(days=1), title="甲")
        second = _item(loop, due_at=MONDAY + dt.timedelta(days=1), title="乙")
    at = MONDAY + dt.timedelta(days=2)
    calls: list[tuple[int, str]] = []

    def rows():
        return TrackedItem.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")

    def changed(row, light, when):
        calls.append((row.pk, light))
        if row.pk == first.pk:  # the overlapping sweep, on the second row only
            core_sweep.sweep(overlapping, at=when)

    watched = core_sweep.Deadlines(name="test.items", rows=rows, changed=changed)
    overlapping = core_sweep.Deadlines(
        name="test.overlap", rows=lambda: TrackedItem.objects.filter(pk=second.pk), changed=changed
    )
    assert core_sweep.sweep(watched, at=at) == {"yellow": 0, "red": 1}
    assert calls == [(first.pk, "red"), (second.pk, "red")], "the second row's change is told once, not twice"
    assert set(TrackedItem.objects.values_list("light", flat=True)) == {Light.RED}


def test_back_to_green_after_a_new_deadline_writes_no_reminder(loop):
    with time_machine.travel(MONDAY, tick=False):
        demand = loop.accepted()
    due = demand.assignment.due_at
    core_sweep.sweep(ASSIGNMENT_DEADLINES, at=due - dt.timedelta(hours=1))
    assert Reminder.objects.filter(assignment=demand.assignment).count() == 1
    Assignment.objects.filter(pk=demand.assignment.pk).update(due_at=due + dt.timedelta(days=10))
    assert core_sweep.sweep(ASSIGNMENT_DEADLINES, at=due - dt.timedelta(hours=1)) == {"yellow": 0, "red": 0}
    assert Assignment.objects.get(pk=demand.assignment.pk).light == Light.GREEN
    assert Reminder.objects.filter(assignment=demand.assignment).count() == 1
