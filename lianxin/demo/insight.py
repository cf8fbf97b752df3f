"""The demo town's early warnings: a few street-light reports in two neighbouring cells at the end of the
demo year (what a scan should catch), then the warnings scan as the worker would run it that evening.

Deterministic and idempotent: the reports carry fixed codes and intake keys (a second run finds them), and
the scan updates its own warnings instead of adding new ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .generator import Stats

# (days before the year's end, which of the two cells, text, caller's name, caller's phone)
REPORTS = [
    (9, 0, "村口路灯不亮，晚上出行看不见路", "王秀兰", "13937201481"),
    (6, 1, "路灯坏了不亮，晚上走路看不见", "刘建国", "13837205526"),
    (4, 0, "路灯不亮好几天了，晚上看不见路很危险", "陈桂英", "15837209913"),
    (2, 1, "家门口路灯不亮，晚上出门看不见", "赵志强", "18837203307"),
]


def build_insight(*, town: Any) -> Stats:
    from lianxin.core import clock
    from lianxin.demands.models import Category, Demand
    from lianxin.demands.services import demand_record
    from lianxin.insight.detect import neighbours
    from lianxin.insight.services import warnings_scan
    from lianxin.territory.models import GridCell

    from .demands import year_end

    stats = Stats()
    category = Category.objects.filter(town=town, name="路灯与公共设施").first()
    cells = list(GridCell.objects.filter(town=town).order_by("code"))
    if category is None or len(cells) < 2:
        return stats
    near = neighbours({c.pk: c.boundary for c in cells})
    first = cells[0]
    second = next((c for c in cells[1:] if c.pk in near[first.pk]), cells[1])
    end = year_end()
    for n, (days, which, text, name, phone) in enumerate(REPORTS):
        key = f"demo-insight-{n}"
        if Demand.objects.filter(town=town, intake_key=key).exists():
            continue
        with clock.at(end - dt.timedelta(days=days, hours=3)):
            demand_record(
                town=town,
                recorded_by=None,
                channel="hotline",
                category=category,
                title=text[:20],
                description=text,
                requester_name=name,
                requester_phone=phone,
                cell=first if which == 0 else second,
                code=f"{town.code[-3:]}26{990000 + n}",
                intake_key=key,
            )
        stats.created += 1
    with clock.at(end):
        result = warnings_scan(at=end, town_id=town.pk)
    stats.created += result["created"]
    return stats
