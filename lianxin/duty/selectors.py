"""The duty app's reads: a deputy's year, rankings, the rota and its opening hours, missed shifts,
the coverage of visits. Staff reads start from ``restrict``; the public ones take a town or deputy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import formats, timezone

from lianxin.core import clock
from lianxin.demands.models import Demand
from lianxin.demands.states import DONE
from lianxin.people.models import Deputy
from lianxin.territory.models import GridCell, Station

from . import points
from .kinds import Activity, ActivityStatus, ShiftStatus, VisitStatus
from .models import DutyEntry, DutyReport, ManualActivity, Shift, Visit


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def this_year() -> int:
    return timezone.localdate(clock.now()).year


def entries_of_year(qs: QuerySet[DutyEntry], year: int) -> QuerySet[DutyEntry]:
    start, end = year_bounds(year)
    return qs.filter(at__gte=start, at__lt=end)


@dataclass
class Record:
    deputy: Deputy
    year: int
    counts: list[tuple[str, str, int]]  # (kind, label, n)
    points: points.Points
    entries: list[DutyEntry]
    shifts_done: int
    shifts_missed: int
    visits: int
    households: int
    demands: list[Demand]
    activities: list[ManualActivity]


def deputy_counts(deputy: Deputy, year: int) -> dict[str, int]:
    qs = entries_of_year(DutyEntry.objects.filter(deputy=deputy), year)
    return dict(qs.values_list("kind").annotate(n=Count("id")).order_by())


def deputy_record(*, user: Any, deputy: Deputy, year: int, entries: int = 200) -> Record:
    """The full record of the year, for the deputy and the presidium (the caller checks who may read)."""
    counts = deputy_counts(deputy, year)
    start, end = year_bounds(year)
    now = clock.now()
    shifts = Shift.objects.filter(deputy=deputy, starts_at__gte=start, starts_at__lt=end)
    visits = Visit.objects.filter(deputy=deputy, status=VisitStatus.DONE, done_at__gte=start, done_at__lt=end)
    return Record(
        deputy=deputy,
        year=year,
        counts=[(k, str(Activity(k).label), counts[k]) for k in Activity.values if counts.get(k)],
        points=points.calculate(counts, points.weights(deputy.town_id)),
        entries=list(
            entries_of_year(DutyEntry.objects.restrict(user).filter(deputy=deputy), year).select_related(
                "demand"
            )[:entries]
        ),
        shifts_done=shifts.filter(checked_in_at__isnull=False).count(),
        shifts_missed=shifts.filter(status=ShiftStatus.SCHEDULED, ends_at__lt=now).count(),
        visits=visits.count(),
        households=visits.aggregate(n=Sum("households"))["n"] or 0,
        demands=list(
            Demand.objects.filter(deputy=deputy, claimed_at__gte=start, claimed_at__lt=end)
            .select_related("category", "assignment__department")
            .order_by("-claimed_at")
        ),
        activities=list(ManualActivity.objects.filter(deputy=deputy, happened_on__year=year)),
    )


@dataclass
class PublicRecord:
    year: int
    counts: list[tuple[str, int]]  # (label, n)
    total_points: Any
    shifts_done: int
    visits: int


def public_record(*, deputy: Deputy, year: int) -> PublicRecord:
    """What the public deputy page shows: counts of the year per kind, the points, no detail."""
    counts = dict(
        entries_of_year(DutyEntry.objects.restrict(None, "public").filter(deputy=deputy), year)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return PublicRecord(
        year=year,
        counts=[(str(Activity(k).label), counts[k]) for k in Activity.values if counts.get(k)],
        total_points=points.calculate(counts, points.weights(deputy.town_id)).total,
        shifts_done=counts.get(Activity.STATION_DUTY, 0),
        visits=sum(
            counts.get(k, 0) for k in (Activity.VISIT, Activity.STAGGERED_VISIT, Activity.EVENING_VISIT)
        ),
    )


def rankings(*, user: Any, year: int) -> list[tuple[int, Deputy, Any, int]]:
    """(rank, deputy, points, activities) for every deputy of the user's towns, best first."""
    entries = entries_of_year(DutyEntry.objects.restrict(user), year)
    by_deputy = points.counts_by_deputy(entries)
    deputies = Deputy.objects.restrict(user).order_by("name")
    tables: dict[int, Any] = {}
    rows = []
    for deputy in deputies:
        table = tables.setdefault(deputy.town_id, points.weights(deputy.town_id))
        counts = by_deputy.get(deputy.pk, {})
        rows.append((deputy, points.calculate(counts, table).total, sum(counts.values())))
    rows.sort(key=lambda r: (-r[1], -r[2], r[0].name))
    return [(i + 1, d, p, n) for i, (d, p, n) in enumerate(rows)]


def missed_shifts(*, user: Any, days: int | None = None) -> QuerySet[Shift]:
    """Shifts that ended with nobody checked in: the presidium follows them up (``days``: of the last days)."""
    now = clock.now()
    since = Q(starts_at__gte=now - dt.timedelta(days=days)) if days else Q()
    return (
        Shift.objects.restrict(user)
        .filter(since, status=ShiftStatus.SCHEDULED, ends_at__lt=now)
        .select_related("station", "deputy")
        .order_by("-starts_at")
    )


def upcoming_shifts(*, user: Any, days: int = 14) -> QuerySet[Shift]:
    now = clock.now()
    return (
        Shift.objects.restrict(user)
        .filter(ends_at__gte=now, starts_at__lt=now + dt.timedelta(days=days))
        .exclude(status=ShiftStatus.CANCELLED)
        .select_related("station", "deputy")
        .order_by("starts_at")
    )


def my_shifts(*, deputy: Deputy) -> QuerySet[Shift]:
    now = clock.now()
    return (
        Shift.objects.filter(deputy=deputy, ends_at__gte=now - dt.timedelta(days=1))
        .exclude(status=ShiftStatus.CANCELLED)
        .select_related("station")
        .order_by("starts_at")[:10]
    )


def shift_at(*, deputy: Deputy, station: Station) -> Shift | None:
    """The deputy's shift at the station to show on the check-in page: on duty now, else the next one."""
    mine = Shift.objects.filter(deputy=deputy, station=station)
    on = mine.filter(status=ShiftStatus.ON_DUTY).order_by("-starts_at").first()
    if on is not None:
        return on
    return mine.filter(status=ShiftStatus.SCHEDULED, ends_at__gt=clock.now()).order_by("starts_at").first()


def opening_hours(*, station: Station, weeks: int = 4, limit: int = 6) -> list[str]:
    """When deputies sit in the station, as the rota has it for the coming weeks: "12-03 星期四 09:00–11:00"."""
    now = clock.now()
    shifts = (
        Shift.objects.filter(station=station, ends_at__gte=now, starts_at__lt=now + dt.timedelta(weeks=weeks))
        .exclude(status=ShiftStatus.CANCELLED)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )
    slots: list[str] = []
    for starts, ends in shifts:
        s, e = timezone.localtime(starts), timezone.localtime(ends)
        text = f"{s:%m-%d} {formats.date_format(s, 'l')} {s:%H:%M}–{e:%H:%M}"
        if text not in slots:
            slots.append(text)
    return slots[:limit]


@dataclass
class CellCoverage:
    cell: GridCell
    last_visit: dt.datetime | None
    visits: int
    households: int
    stale: bool


def coverage(*, user: Any, days: int) -> list[CellCoverage]:
    """Per cell: the last visit, and visits and households reached in the last ``days`` days; cells not
    visited within them first."""
    since = clock.now() - dt.timedelta(days=days)
    done = Visit.objects.restrict(user).filter(status=VisitStatus.DONE)
    last = dict(done.values_list("cell_id").annotate(m=Max("done_at")).order_by())
    recent = {
        c: (n, h or 0)
        for c, n, h in done.filter(done_at__gte=since)
        .values_list("cell_id")
        .annotate(n=Count("id"), h=Sum("households"))
        .order_by()
    }
    rows = []
    for cell in GridCell.objects.restrict(user).order_by("code"):
        n, h = recent.get(cell.pk, (0, 0))
        rows.append(CellCoverage(cell, last.get(cell.pk), n, h, stale=n == 0))
    rows.sort(key=lambda r: (not r.stale, r.last_visit or dt.datetime.min.replace(tzinfo=dt.UTC)))
    return rows


def visits_of(*, user: Any) -> QuerySet[Visit]:
    return Visit.objects.restrict(user).select_related("cell", "observer", "deputy").order_by("-planned_for")


def activities_waiting(*, user: Any) -> QuerySet[ManualActivity]:
    return (
        ManualActivity.objects.restrict(user)
        .filter(status=ActivityStatus.SUBMITTED)
        .select_related("deputy")
        .order_by("happened_on")
    )


def report_text(*, deputy: Deputy, year: int) -> str:
    row = DutyReport.objects.filter(deputy=deputy, year=year).first()
    return row.own_text if row else ""


def demands_done(record: Record) -> int:
    return sum(1 for d in record.demands if d.status in DONE)
