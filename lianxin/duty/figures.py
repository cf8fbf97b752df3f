"""The duty record's figures for the office's reports (the monthly report, the annual work report, the dashboard's
headline): counted from the duty entries of the towns in the period, registered in the kit (``figures``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from .kinds import Activity
from .models import DutyEntry


def report_figures(towns: list[int], start: dt.datetime | None, end: dt.datetime | None) -> dict[str, Any]:
    """Entries and the deputies who made them, policy talks apart, and the entries by kind (most first);
    ``start`` None: since the records begin."""
    qs = DutyEntry.objects.filter(town_id__in=towns)
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lt=end)
    by_kind: dict[str, int] = {}
    deputies: set[int] = set()
    # one query: a row per kind and deputy (a town's deputies × the kinds, never per entry)
    for row in qs.values("kind", "deputy_id").annotate(n=Count("pk")).order_by():
        by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
        deputies.add(row["deputy_id"])
    labels = dict(Activity.choices)
    return {
        "duty_entries": sum(by_kind.values()),
        "duty_deputies": len(deputies),
        "policy_talks": by_kind.get(Activity.POLICY_TALK, 0),
        "duty_by_kind": sorted(
            ((str(labels.get(k, k)), n) for k, n in by_kind.items()), key=lambda kv: (-kv[1], kv[0])
        ),
    }
