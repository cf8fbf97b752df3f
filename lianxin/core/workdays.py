"""Working days in China: the chinese-calendar library, overridden by the editable ``CalendarDay`` table.

The library's data stops at the end of its last published year; the table both corrects it and carries
the years after. Deadlines are counted in working days from the next working day's start, as the 12345
practice counts them; emergency limits are in plain hours.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
from django.utils import timezone

WORKDAY_START = dt.time(8, 30)
WORKDAY_END = dt.time(17, 30)


def _overrides() -> dict[dt.date, bool]:
    from .models import CalendarDay

    return dict(CalendarDay.objects.values_list("date", "is_workday"))


@lru_cache(maxsize=4096)
def _library_is_workday(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # beyond the library's data: plain weekdays until the table says otherwise
        return day.weekday() < 5


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    table = _overrides() if overrides is None else overrides
    return table[day] if day in table else _library_is_workday(day)


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end (17:30, local time) of the ``days``-th working day after ``start``'s day."""
    overrides = _overrides()
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            counted += 1
    return timezone.make_aware(dt.datetime.combine(day, WORKDAY_END))


def working_days_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole working days after ``start``'s day up to and including ``end``'s day (negative if end < start)."""
    overrides = _overrides()
    a, b = timezone.localtime(start).date(), timezone.localtime(end).date()
    sign = 1
    if b < a:
        a, b, sign = b, a, -1
    n = 0
    day = a
    while day < b:
        day += dt.timedelta(days=1)
        if is_workday(day, overrides):
            n += 1
    return sign * n
