"""The kept counts of demands per town and status (demands/counters.py) against a recount of the demands."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from lianxin.demands import counters, selectors, services
from lianxin.demands.models import Demand, StatusTally
from lianxin.demands.states import Status
from lianxin.insight import importer

from ..loop import Loop

pytestmark = pytest.mark.django_db


def kept_equals_recount(town) -> dict[str, int]:
    kept, live = counters.counts([town.pk]), counters.live([town.pk])
    assert kept == live
    return kept


def test_counts_follow_moves_merges_a_sweep_and_an_import(loop):
    other = Loop.build()  # another town's moves never reach this town's counts
    other.claimed()
    loop.closed()
    loop.returned()
    loop.accepted()
    target = loop.claimed(title="主诉求")
    services.demand_merge(demand=loop.recorded(), actor=loop.deputy, into=target)
    services.demand_decline(demand=loop.recorded(), actor=loop.deputy, reason="不属于人大职责")
    assigned = loop.assigned()
    with time_machine.travel(assigned.assignment.due_at + dt.timedelta(hours=1)):
        assert services.deadlines_sweep()["red"] >= 1  # lights change, statuses do not
    rows = [
        {"编号": "A-1", "收到时间": "2023-03-05 09:30", "内容": "村口路灯不亮", "类别": loop.category.name},
        {"编号": "A-2", "收到时间": "2023-03-06 09:30", "内容": "垃圾清运不及时", "类别": loop.category.name,
         "网格": loop.cell.name, "状态": "已办结", "办结时间": "2023-03-08 17:00", "办理结果": "已解决"},
    ]  # fmt: skip
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    report = importer.import_rows(
        town=loop.town, rows=importer.read_rows(data, "jsonl"), actor=loop.presidium
    )
    assert report.created == 2
    importer.import_rows(  # a dry run keeps nothing, counts included
        town=loop.town,
        rows=importer.read_rows(data.replace(b"A-", b"B-"), "jsonl"),
        actor=loop.presidium,
        dry_run=True,
    )

    kept = kept_equals_recount(loop.town)
    assert kept[Status.MERGED] == 1 and kept[Status.DECLINED] == 1 and kept[Status.CLOSED] == 2
    assert sum(kept.values()) == Demand.objects.filter(town=loop.town).count() == 9
    assert kept_equals_recount(other.town)[Status.CLAIMED] == 1

    # The presidium's overview reads them; a deputy's scope is still counted live and agrees.
    assert selectors.status_counts(user=loop.presidium) == kept
    assert selectors.status_counts(user=loop.deputy)[Status.MERGED] == 1

    # Folding leaves one row per status and the same counts.
    assert counters.fold() > 0
    assert StatusTally.objects.filter(town=loop.town).count() == sum(1 for n in kept.values() if n)
    assert kept_equals_recount(loop.town) == kept
    assert counters.fold() == 0


def test_recount_command_rebuilds_counts_that_went_wrong(loop):
    loop.claimed()
    loop.recorded()
    StatusTally.objects.filter(town=loop.town).delete()
    Demand.objects.filter(town=loop.town, status=Status.RECORDED).update(status=Status.DECLINED)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("recount_demands", "--check", stdout=out)
    assert "1 towns differ" in out.getvalue()
    call_command("recount_demands", "--town", loop.town.code, stdout=io.StringIO())
    assert kept_equals_recount(loop.town)[Status.DECLINED] == 1
    call_command("recount_demands", "--check", stdout=out)


def test_each_move_keeps_the_row_s_last_update_time(loop):
    demand = loop.recorded()
    recorded_at = demand.updated_at
    assert recorded_at == demand.events.get().at
    with time_machine.travel(recorded_at + dt.timedelta(minutes=5)):
        claimed = services.demand_claim(demand=demand, actor=loop.deputy)
    assert claimed.updated_at == claimed.events.latest("at", "pk").at > recorded_at
    with time_machine.travel(recorded_at + dt.timedelta(minutes=10)):
        services.demand_note(demand=claimed, actor=loop.deputy, note="已电话联系")  # a step, no move
    claimed.refresh_from_db()
    assert claimed.updated_at == claimed.events.latest("at", "pk").at
