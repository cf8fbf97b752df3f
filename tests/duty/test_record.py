"""Each kind of event a deputy takes part in reaches the duty record exactly once, replays included."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from lianxin.core import events as core_events
from lianxin.core.events import DomainEvent, publish
from lianxin.demands import services as ds
from lianxin.demands.events import Event
from lianxin.duty import codes, record, services
from lianxin.duty.events import ActivityEvent, ShiftEvent, VisitEvent
from lianxin.duty.kinds import Activity as A
from lianxin.duty.models import DutyEntry
from lianxin.duty.sources import KINDS, SOURCES, Source, key

from .factories import local, presidium_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Every domain event published during the test, to publish again."""
    seen: list[DomainEvent] = []

    def capture(event: DomainEvent) -> None:
        seen.append(event)

    for kinds in (Event, ShiftEvent, VisitEvent, ActivityEvent):
        core_events.subscribe(kinds)(capture)
    yield seen
    core_events.unsubscribe(capture)


def _replay(seen: list[DomainEvent]) -> None:
    with transaction.atomic():
        for event in list(seen):
            publish(event)


# --- scenarios: each makes one event of a kind with the loop's deputy taking part ------------------------
def record_by_deputy(t):
    ds.demand_record(
        town=t.loop.town, recorded_by=t.loop.deputy, channel="deputy_visit", category=t.loop.category,
        title="路面坑洼", description="村口路面坑洼", cell=t.loop.cell,
    )  # fmt: skip


def claim(t):
    t.loop.claimed()


def assign(t):
    t.loop.assigned()


def check(t):
    ds.demand_check(demand=t.loop.completed(), actor=t.loop.deputy, passed=True, comment="现场看过")


def remind(t):
    ds.assignment_remind(demand=t.loop.assigned(), actor=t.loop.deputy, note="请加快")


def return_(t):
    ds.demand_return(demand=t.loop.completed(), actor=t.loop.deputy, reason="还没修好")


def transfer(t):
    ds.demand_transfer(demand=t.loop.recorded(), actor=t.loop.deputy, to_level="county", note="建议县里统筹")


def evaluate(t):
    t.loop.evaluated()


def close(t):
    t.loop.closed()


def check_in(t):
    t.shift(local(2026, 3, 10, 9))
    with time_machine.travel(local(2026, 3, 10, 9, 5), tick=False):
        services.shift_check_in(station=t.station, actor=t.loop.deputy, code=codes.current(t.station).code)


def reception(t):
    check_in(t)
    shift = t.deputy.shifts.get()
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        services.reception_log(shift=shift, actor=t.loop.deputy, matter="咨询低保政策")


def visit_door(t):
    services.visit_record(
        actor=t.loop.deputy, kind="door", cell=t.loop.cell, done_at=local(2026, 3, 10, 10), households=6,
        observer=t.observer,
    )  # fmt: skip


def visit_staggered(t):
    services.visit_record(
        actor=t.loop.deputy, kind="staggered", cell=t.loop.cell, done_at=local(2026, 3, 14, 10), households=4
    )


def visit_evening(t):
    services.visit_record(
        actor=t.loop.deputy,
        kind="evening",
        cell=t.loop.cell,
        done_at=local(2026, 3, 10, 19, 30),
        households=3,
    )


def activity(t):
    a = services.activity_submit(
        actor=t.loop.deputy, kind="policy_talk", title="宣讲惠农政策", happened_on=dt.date(2026, 3, 1),
        evidence_note="签到表一份",
    )  # fmt: skip
    services.activity_confirm(activity=a, actor=t.loop.presidium)


SCENARIOS = [
    (record_by_deputy, A.DEMAND_RECORDED),
    (claim, A.DEMAND_CLAIMED),
    (assign, A.DEMAND_ASSIGNED),
    (check, A.DEMAND_CHECKED),
    (remind, A.DEMAND_SUPERVISED),
    (return_, A.DEMAND_SUPERVISED),
    (transfer, A.SUGGESTION),
    (evaluate, A.DEMAND_EVALUATED),
    (close, A.DEMAND_CLOSED),
    (check_in, A.STATION_DUTY),
    (reception, A.RECEPTION),
    (visit_door, A.VISIT),
    (visit_staggered, A.STAGGERED_VISIT),
    (visit_evening, A.EVENING_VISIT),
    (activity, A.POLICY_TALK),
]


@pytest.mark.parametrize(("scenario", "kind"), SCENARIOS, ids=[s.__name__ for s, _k in SCENARIOS])
def test_each_kind_reaches_the_record_exactly_once_even_when_replayed(duty, published, scenario, kind):
    with time_machine.travel(local(2026, 3, 20, 10), tick=False):
        scenario(duty)
    mine = DutyEntry.objects.filter(deputy=duty.deputy)
    assert mine.filter(kind=kind).count() == 1
    entry = mine.get(kind=kind)
    assert entry.town_id == duty.loop.town.pk and entry.source and entry.source_id
    before = DutyEntry.objects.count()
    assert published, "the scenario published events"
    _replay(published)  # every event of the scenario, published again
    assert DutyEntry.objects.count() == before
    # nobody else got an entry from the deputy's own work
    assert not DutyEntry.objects.exclude(deputy=duty.deputy).exists()


def test_the_presidium_acting_alone_writes_no_entry(duty):
    demand = duty.loop.claimed()
    DutyEntry.objects.all().delete()
    ds.assignment_remind(demand=duty.loop.assigned(), actor=duty.loop.presidium, note="请加快")
    assert not DutyEntry.objects.filter(kind=A.DEMAND_SUPERVISED).exists()
    assert demand.pk


def test_rejected_activity_and_unsatisfied_evaluation_do_not_count(duty):
    a = services.activity_submit(
        actor=duty.loop.deputy,
        kind="training",
        title="培训",
        happened_on=dt.date(2026, 3, 1),
        evidence_note="证书",
    )
    services.activity_reject(activity=a, actor=duty.loop.presidium, reason="没有签到")
    duty.loop.returned()
    assert not DutyEntry.objects.filter(kind__in=[A.TRAINING, A.DEMAND_EVALUATED]).exists()


def test_another_workflows_kind_with_listed_deputies_is_one_line(duty, monkeypatch):
    """The convention for the dispute ledger and supervision: actor's deputy + data["deputies"]."""
    from django.db import models

    class Kinds(models.TextChoices):
        SESSION = "session", "mediation session"

    monkeypatch.setitem(SOURCES, key(Kinds.SESSION), Source(A.MEDIATION))
    row = duty.loop.recorded().events.get()  # any stored event row stands for the other app's
    third = presidium_of(duty.loop.town)  # acts, but is no deputy
    event = DomainEvent(
        kind=Kinds.SESSION, subject=duty.loop.recorded(), actor=duty.loop.deputy, at=row.at, row=row,
        data={"deputies": [duty.other.pk, duty.deputy.pk]},
    )  # fmt: skip
    with transaction.atomic():
        record.record_duty(event)
        record.record_duty(event)  # a retry
        record.record_duty(DomainEvent(**{**event.__dict__, "actor": third}))
    entries = DutyEntry.objects.filter(kind=A.MEDIATION)
    assert sorted(entries.values_list("deputy_id", flat=True)) == sorted([duty.deputy.pk, duty.other.pk])


def test_the_database_refuses_a_second_entry_for_the_same_event_and_deputy(duty):
    duty.loop.claimed()
    entry = DutyEntry.objects.get(kind=A.DEMAND_CLAIMED)
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyEntry.objects.create(
            town=entry.town, deputy=entry.deputy, kind=entry.kind, at=entry.at, source=entry.source,
            source_id=entry.source_id,
        )  # fmt: skip


def test_every_kind_in_the_table_is_a_real_kind_and_none_is_listed_twice():
    for kind in KINDS:
        assert str(kind) in type(kind).values
    assert len(SOURCES) == len(KINDS)  # kinds of two workflows with one value ("hold", "close") stay apart
