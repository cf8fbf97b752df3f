"""Datasets for the insight tests, built with the real services at chosen moments (``clock.at``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from lianxin.core import clock
from lianxin.demands import services

from ..loop import Loop


def local(month: int, day: int, hour: int = 9, year: int = 2026) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


NOW = local(11, 20, 12)


def rates_dataset() -> tuple[Loop, dict[str, Any]]:
    """Seven demands whose rates for 1–20 November 2026, read on the 20th at noon, are computed by hand in
    the docstring of each step (and in ``expected``)."""
    loop = Loop.build()
    ids: dict[str, Any] = {}

    def at(moment: dt.datetime, fn: Any, **kw: Any) -> Any:
        with clock.at(moment):
            return fn(**kw)

    def assign(d: Any, moment: dt.datetime, due: dt.datetime) -> None:
        at(
            moment,
            services.demand_assign,
            demand=d,
            actor=loop.deputy,
            department=loop.department,
            matter="处理",
            standard="办结",
            due_at=due,
        )
        at(moment, services.demand_accept, demand=d, actor=loop.staff)

    def record(moment: dt.datetime, title: str) -> Any:
        return at(moment, loop.recorded, title=title)

    # d0: October, outside the period; still on the problem list.
    ids["d0"] = record(local(10, 15), "十月旧件")
    # d1: claimed in 1 h, completed resolved before its deadline, satisfied, closed.
    d1 = record(local(11, 2), "路灯不亮")
    at(local(11, 2, 10), services.demand_claim, demand=d1, actor=loop.deputy)
    assign(d1, local(11, 2, 11), local(11, 9, 18))
    at(local(11, 3), services.demand_complete, demand=d1, actor=loop.staff, result="已修", outcome="resolved")
    at(local(11, 3, 12), services.demand_evaluate, demand=d1, actor=loop.citizen, verdict="satisfied")
    at(local(11, 4), services.demand_close, demand=d1, actor=loop.presidium)
    # d2: claimed after 48 h (no response in 24 h), completed after its deadline, only explained, basically.
    d2 = record(local(11, 4), "噪音扰民")
    at(local(11, 6), services.demand_claim, demand=d2, actor=loop.deputy)
    assign(d2, local(11, 6, 10), local(11, 10, 18))
    at(
        local(11, 18),
        services.demand_complete,
        demand=d2,
        actor=loop.staff,
        result="已解释",
        outcome="explained",
    )
    at(local(11, 18, 12), services.demand_evaluate, demand=d2, actor=loop.citizen, verdict="basically")
    # d3: claimed in 1 h, assigned, open past its deadline: overdue and late.
    d3 = record(local(11, 5), "道路破损")
    at(local(11, 5, 10), services.demand_claim, demand=d3, actor=loop.deputy)
    assign(d3, local(11, 5, 11), local(11, 12, 18))
    # d4: declined: out of the loop.
    d4 = record(local(11, 10), "不属实")
    at(local(11, 10, 10), services.demand_decline, demand=d4, actor=loop.deputy, reason="不属实")
    # d5: claimed in 1 h, completed, unsatisfied: returned with a new deadline in the future.
    d5 = record(local(11, 12), "垃圾清运")
    at(local(11, 12, 10), services.demand_claim, demand=d5, actor=loop.deputy)
    assign(d5, local(11, 12, 11), local(11, 19, 18))
    at(
        local(11, 13),
        services.demand_complete,
        demand=d5,
        actor=loop.staff,
        result="已清",
        outcome="resolved",
    )
    at(
        local(11, 13, 12),
        services.demand_evaluate,
        demand=d5,
        actor=loop.citizen,
        verdict="unsatisfied",
        comment="还有垃圾",
    )
    # d6: recorded yesterday, nobody has claimed it yet.
    ids["d6"] = record(local(11, 19), "井盖松动")
    ids.update(d1=d1, d2=d2, d3=d3, d4=d4, d5=d5)
    expected = {
        "received": 6,
        "in_loop": 5,
        "responded": 3,  # d1, d3, d5
        "response": 60.0,
        "completed": 2,  # d1, d2
        "resolved": 1,  # d1
        "resolution": 50.0,
        "evaluations": 3,  # d1 satisfied, d2 basically, d5 unsatisfied
        "satisfied": 2,
        "satisfaction": 66.7,
        "on_time": 1,  # d1
        "late": 2,  # d2 completed late, d3 open past due
        "on_time_rate": 33.3,
        "lists": {"problem": 2, "assignment": 2, "completion": 2, "overdue": 1},
        "ids": ids,
    }
    return loop, expected
