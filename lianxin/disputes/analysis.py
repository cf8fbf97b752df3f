"""Monthly high-frequency analysis (高频分析) of both ledgers, for the presidium; the county sees its towns.

For a month and the months before it, the database counts, per ledger, town, grid cell and subject (a
dispute's type, a demand's category), the items registered each month and how many of them are resolved
now. A row carries this month's count, last month's, the average of the earlier months, and the share of
this month's items resolved. The rows read through ``restrict``, so each reader counts only their scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianxin.demands.models import Demand
from lianxin.demands.states import DONE

from .models import RESOLVED, Dispute, Kind

LEDGERS = {"demands": _("demands"), "disputes": _("disputes")}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, n: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _month_of(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


@dataclass
class Row:
    ledger: str
    town: str
    cell: str
    subject: str
    counts: list[int] = field(default_factory=list)  # oldest month first, the month itself last
    resolved: int = 0  # of this month's items, resolved now

    @property
    def count(self) -> int:
        return self.counts[-1]

    @property
    def previous(self) -> int:
        return self.counts[-2] if len(self.counts) > 1 else 0

    @property
    def earlier_average(self) -> float:
        earlier = self.counts[:-1]
        return round(sum(earlier) / len(earlier), 1) if earlier else 0.0

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def share_resolved(self) -> float | None:
        return round(self.resolved / self.count, 3) if self.count else None

    @property
    def ledger_label(self) -> str:
        return str(LEDGERS[self.ledger])


def _grouped(qs: QuerySet[Any], subject: str, resolved: Q) -> list[dict[str, Any]]:
    return list(
        qs.annotate(month=TruncMonth("created_at"))
        .values("month", "town__name", "cell__name", subject)
        .annotate(n=Count("pk"), done=Count("pk", filter=resolved))
        .order_by()
    )


def monthly(*, user: Any, month: dt.date, earlier: int = 3) -> list[Row]:
    """The rows of ``month`` (and the ``earlier`` months before it) that have at least one item in the month
    itself, most frequent first."""
    first = add_months(month_start(month), -earlier)
    end = add_months(month_start(month), 1)
    months = [add_months(first, i) for i in range(earlier + 1)]
    window = {"created_at__gte": _aware(first), "created_at__lt": _aware(end)}
    sources = [
        (
            "disputes",
            _grouped(Dispute.objects.restrict(user).filter(**window), "kind", Q(status__in=RESOLVED)),
            "kind",
        ),
        (
            "demands",
            _grouped(Demand.objects.restrict(user).filter(**window), "category__name", Q(status__in=DONE)),
            "category__name",
        ),
    ]
    rows: dict[tuple[str, str, str, str], Row] = {}
    for ledger, groups, subject in sources:
        for g in groups:
            label = str(Kind(g[subject]).label) if ledger == "disputes" else g[subject]
            key = (ledger, g["town__name"], g["cell__name"] or "", label)
            row = rows.setdefault(key, Row(ledger, key[1], key[2], key[3], counts=[0] * len(months)))
            index = months.index(_month_of(g["month"]))
            row.counts[index] += g["n"]
            if index == len(months) - 1:
                row.resolved += g["done"]
    found = [r for r in rows.values() if r.count]
    return sorted(found, key=lambda r: (-r.count, r.ledger, r.town, r.cell, r.subject))
