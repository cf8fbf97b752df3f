"""Counts of demands per town and status, kept in the change's transaction instead of counted on each page.

A page of the three lists and the overview show how many demands are in each status. Counting them over
every visible row (a county's million) took most of those pages' time, so the counts are kept:

* ``moved`` (a subscriber of every demand event) writes one row of changes per move, in the move's own
  transaction: ``-1`` for the status left, ``+1`` for the status reached (a recording: ``+1`` only). Rows are
  only ever inserted, so two writers of one town never wait for each other on a counter.
* the importer, which writes demands without events, calls ``add`` with its own batch.
* ``fold`` (run by the every-minute sweep) replaces a town's rows by one per status, so a read sums a few
  rows per status; ``recount`` rebuilds them from the demands themselves (``lianxin manage
  recount_demands``).
* ``counts`` reads them for a set of towns.

Only the roles that read every case of their towns read these (presidium, county viewer, the worker and
system keys): their scope is the whole town. Everyone else's scope (a deputy's cells, a department's
assignments) depends on them, is small and indexed, and is still counted live (``selectors.status_counts``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from lianxin.core.events import DomainEvent, subscribe

from .events import Event
from .models import Demand, StatusTally
from .states import Status


def add(town_id: int, changes: Counter[str] | dict[str, int]) -> None:
    """Record changes of a town's counts (status → +n or -n), in the caller's transaction: one INSERT."""
    rows = [StatusTally(town_id=town_id, status=s, n=n) for s, n in sorted(changes.items()) if n and s]
    if rows:
        StatusTally.objects.bulk_create(rows)


@subscribe(Event)
def moved(event: DomainEvent) -> None:
    """A demand reached another status (or was recorded): count it where it left and where it went."""
    if event.before == event.after:
        return
    changes: dict[str, int] = {event.after: 1}
    if event.before:
        changes[event.before] = -1
    add(event.town_id, changes)


def counts(towns: Iterable[int] | object) -> dict[str, int]:
    """Demands per status in these towns (a list of ids or a queryset of towns), every status present."""
    rows = (
        StatusTally.objects.filter(town__in=towns)  # type: ignore[misc]
        .values("status")
        .annotate(total=Sum("n"))
        .order_by()
    )
    found = {row["status"]: int(row["total"] or 0) for row in rows}
    return {s: found.get(s, 0) for s in Status.values}


def fold(town_id: int | None = None) -> int:
    """Replace each town's rows by one row per status; returns how many rows were folded away.

    Only the rows read are deleted (by id), so a change written meanwhile by another transaction stays
    for the next fold."""
    folded = 0
    towns = (
        [town_id]
        if town_id is not None
        else list(StatusTally.objects.values_list("town_id", flat=True).distinct().order_by())
    )
    for town in towns:
        with transaction.atomic():
            rows = list(StatusTally.objects.filter(town_id=town).values_list("pk", "status", "n"))
            by_status = Counter[str]()
            for _pk, status, n in rows:
                by_status[status] += n
            if len(rows) <= len(by_status):
                continue  # one row per status already
            pks = [pk for pk, _status, _n in rows]
            for i in range(0, len(pks), 500):
                StatusTally.objects.filter(pk__in=pks[i : i + 500]).delete()
            StatusTally.objects.bulk_create(
                [StatusTally(town_id=town, status=s, n=n) for s, n in sorted(by_status.items()) if n]
            )
            folded += len(rows) - len(by_status)
    return folded


def recount(town_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Rebuild the counts from the demands (all towns, or these), with writers of demands held off while it
    runs; returns the counts per town."""
    with transaction.atomic():
        if (
            connection.vendor == "postgresql"
        ):  # writers and a fold wait (in the writers' order); readers go on
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Demand._meta.db_table} IN SHARE MODE")
                cursor.execute(f"LOCK TABLE {StatusTally._meta.db_table} IN EXCLUSIVE MODE")
        demands = Demand.objects.all()
        tallies = StatusTally.objects.all()
        if town_ids is not None:
            ids = list(town_ids)
            demands, tallies = demands.filter(town_id__in=ids), tallies.filter(town_id__in=ids)
        rows = demands.values("town_id", "status").annotate(n=Count("pk")).order_by()
        found: dict[int, dict[str, int]] = {}
        for row in rows:
            found.setdefault(row["town_id"], {})[row["status"]] = row["n"]
        tallies.delete()
        StatusTally.objects.bulk_create(
            [
                StatusTally(town_id=town, status=status, n=n)
                for town, by_status in sorted(found.items())
                for status, n in sorted(by_status.items())
            ]
        )
    return found


def live(towns: Iterable[int]) -> dict[str, int]:
    """The same counts, counted from the demands now (what ``recount`` would write): for the tests."""
    qs = Demand.objects.filter(town_id__in=list(towns))
    return qs.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in Status.values})
