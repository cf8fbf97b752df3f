import datetime as dt

import pytest
from django.utils import timezone

from lianxin.core.models import CalendarDay
from lianxin.core.workdays import add_working_days, is_workday, working_days_between

pytestmark = pytest.mark.django_db


def at(y, m, d, h=10, mi=0):
    return timezone.make_aware(dt.datetime(y, m, d, h, mi))


def test_seven_working_days_across_national_day_and_its_make_up_saturday():
    # 2025: 1–8 October off; Saturday 11 October is a make-up working day.
    due = add_working_days(at(2025, 9, 30), 7)
    assert timezone.localtime(due) == at(2025, 10, 16, 17, 30)
    assert is_workday(dt.date(2025, 10, 11)) and not is_workday(dt.date(2025, 10, 3))


def test_spring_festival_is_skipped_and_its_make_up_saturday_counts():
    # 2026: Saturday 14 February is worked; 15–23 February are off.
    assert timezone.localtime(add_working_days(at(2026, 2, 13), 1)).date() == dt.date(2026, 2, 14)
    assert timezone.localtime(add_working_days(at(2026, 2, 14), 1)).date() == dt.date(2026, 2, 24)


def test_the_editable_table_overrides_the_library():
    plain = add_working_days(at(2027, 3, 1), 2)  # beyond the library's data: weekdays only
    assert timezone.localtime(plain).date() == dt.date(2027, 3, 3)
    CalendarDay.objects.create(date=dt.date(2027, 3, 2), is_workday=False, name="地方假日")
    assert timezone.localtime(add_working_days(at(2027, 3, 1), 2)).date() == dt.date(2027, 3, 4)
    CalendarDay.objects.create(date=dt.date(2027, 3, 6), is_workday=True, name="调休上班")
    assert is_workday(dt.date(2027, 3, 6))


def test_working_days_between_counts_both_ways():
    assert working_days_between(at(2025, 9, 30), at(2025, 10, 16)) == 7
    assert working_days_between(at(2025, 10, 16), at(2025, 9, 30)) == -7
