"""Pages of long lists whose cost is tied to the page, not to the table.

Django's ``Paginator`` counts every matching row (``SELECT COUNT(*)`` over a county's million demands) and
lets a reader ask for page 40,000 (an ``OFFSET`` that reads every row before it). ``CappedPaginator``
counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), or takes a total already known
(the kept counts of ``demands/counters.py``), and pages through the first ``cap`` rows only: past them, a
filter narrows the list (the page says so).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

CAP = 1000


def capped_count(qs: Any, cap: int = CAP) -> int:
    """How many rows, counting no further than ``cap + 1`` (more than ``cap``: ``cap + 1``)."""
    return int(qs[: cap + 1].count())


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, cap: int = CAP, total: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        self.known_total = total

    @cached_property
    def total(self) -> int:
        """Every matching row when known, else the capped count (``cap + 1`` meaning "more than cap")."""
        if self.known_total is not None:
            return self.known_total
        return capped_count(self.object_list, self.cap)

    @property
    def more(self) -> bool:
        """More rows match than are paged: the page invites a filter."""
        return self.total > self.cap

    @cached_property
    def count(self) -> int:  # the rows that can be paged
        return min(self.total, self.cap)

    @property
    def shown_total(self) -> str:
        """What the page prints as the number of matching rows."""
        if self.known_total is None and self.more:
            return f"{self.cap}+"
        return str(self.total)
