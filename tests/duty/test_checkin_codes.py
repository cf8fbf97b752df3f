"""The station's check-in code (security issue 23, item 6): bound to the station and to a period of local
days, so a code someone wrote down or photographed stops working; the period before stays good (a shift
across midnight); another station's code and a made-up one are refused."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from lianxin.duty import codes, services
from lianxin.duty.kinds import ShiftStatus
from lianxin.duty.models import DutyEntry, Shift

from ..factories import StationFactory
from .factories import local

pytestmark = pytest.mark.django_db


def code_at(station, moment: dt.datetime) -> str:
    """The code the station's screen showed at ``moment``."""
    with time_machine.travel(moment, tick=False):
        return codes.current(station).code


def check_in(duty, at: dt.datetime, code: str, station=None) -> Shift:
    with time_machine.travel(at, tick=False):
        return services.shift_check_in(station=station or duty.station, actor=duty.loop.deputy, code=code)


def still_scheduled() -> bool:
    return not Shift.objects.exclude(status=ShiftStatus.SCHEDULED).exists() and not DutyEntry.objects.exists()


def test_yesterdays_code_works_today_for_a_shift_across_midnight(duty):
    duty.shift(local(2026, 3, 10, 22), hours=4)  # 22:00 – 02:00
    shown_last_evening = code_at(duty.station, local(2026, 3, 10, 21, 45))
    check_in(duty, local(2026, 3, 11, 0, 20), shown_last_evening)
    assert Shift.objects.get().status == ShiftStatus.ON_DUTY


def test_the_code_changes_every_day_and_one_from_three_days_ago_is_refused(duty):
    duty.shift(local(2026, 3, 10, 9))
    old = code_at(duty.station, local(2026, 3, 7, 10))
    assert old != code_at(duty.station, local(2026, 3, 10, 9))
    with pytest.raises(ValidationError) as refused:
        check_in(duty, local(2026, 3, 10, 9, 30), old)
    assert refused.value.code == "expired"
    with pytest.raises(ValidationError):  # two days ago is past the grace too
        check_in(duty, local(2026, 3, 10, 9, 30), code_at(duty.station, local(2026, 3, 8, 23, 59)))
    assert still_scheduled()


def test_the_day_turns_at_midnight_in_the_towns_time(duty):
    # 16:30 UTC is 00:30 the next day in Asia/Shanghai: already the next day's code
    before = code_at(duty.station, local(2026, 3, 10, 23, 50))
    after = code_at(duty.station, local(2026, 3, 11, 0, 10))
    assert before != after
    assert after == code_at(duty.station, dt.datetime(2026, 3, 10, 16, 30, tzinfo=dt.UTC))


def test_another_stations_code_and_a_forged_one_are_refused(duty):
    duty.shift(local(2026, 3, 10, 9))
    elsewhere = StationFactory(town=duty.loop.town)
    now = local(2026, 3, 10, 9, 30)
    today = code_at(duty.station, now)
    theirs = code_at(elsewhere, now)
    assert theirs != today
    altered = today[:-1] + ("A" if today[-1] != "A" else "B")
    for code in (theirs, altered, "AAAAAAAAAA", "forged", ""):
        with pytest.raises(ValidationError) as refused:
            check_in(duty, now, code)
        assert refused.value.code == "wrong", code
    assert still_scheduled()
    # typed by hand as the screen shows it (lower case, with the dash) it is the same code
    check_in(duty, now, codes.shown(today).lower())
    assert Shift.objects.get().status == ShiftStatus.ON_DUTY


def test_a_weekly_code_for_printing_holds_from_monday_to_sunday(duty, settings):
    settings.DUTY_CHECKIN_PERIOD_DAYS = 7
    monday, sunday = local(2026, 3, 9, 8), local(2026, 3, 15, 20)
    assert code_at(duty.station, monday) == code_at(duty.station, sunday)
    assert code_at(duty.station, sunday) != code_at(duty.station, local(2026, 3, 16, 8))
    with time_machine.travel(monday, tick=False):
        shown = codes.current(duty.station)
    assert (shown.first_day, shown.last_day) == (dt.date(2026, 3, 9), dt.date(2026, 3, 15))
    duty.shift(local(2026, 3, 17, 9))
    check_in(duty, local(2026, 3, 17, 9, 30), code_at(duty.station, monday))  # last week's sheet: grace
    duty.shift(local(2026, 3, 24, 9))
    with pytest.raises(ValidationError):  # the sheet of two weeks ago
        check_in(duty, local(2026, 3, 24, 9, 30), code_at(duty.station, monday))


def test_the_page_refuses_an_old_code_with_a_message_and_keeps_what_was_typed(duty, client):
    duty.shift(local(2026, 3, 10, 9))
    typed = codes.shown(code_at(duty.station, local(2026, 3, 6, 9)))
    client.force_login(duty.loop.deputy)
    with time_machine.travel(local(2026, 3, 10, 9, 5), tick=False):
        page = client.post(
            reverse("duty:check_in", args=[duty.station.pk]), {"action": "check_in", "code": typed}
        )
    assert page.status_code == 400
    html = page.content.decode()
    assert "data-problem" in html and ("过期" in html or "expired" in html)
    assert f'value="{typed}"' in html
    assert still_scheduled()


def test_the_station_screen_shows_todays_code_and_no_page_address_carries_a_code(duty, client):
    screens = {}
    for day in (10, 11):
        with time_machine.travel(local(2026, 3, day, 8), tick=False):
            client.logout()  # a day on, the idle staff session has ended: a new sign-in
            client.force_login(duty.loop.presidium)
            rota = client.get(reverse("duty:rota")).content.decode()
            screen = client.get(reverse("duty:station_screen", args=[duty.station.pk]))
            qr = client.get(reverse("duty:station_qr", args=[duty.station.pk]))
            today = codes.current(duty.station)
        assert screen.status_code == 200 and qr.status_code == 200
        assert screen["Cache-Control"] == "no-store" and qr["Cache-Control"] == "no-store"
        assert today.shown in screen.content.decode()
        assert reverse("duty:station_screen", args=[duty.station.pk]) in rota
        assert today.code not in rota and today.code not in reverse("duty:station_qr", args=[duty.station.pk])
        screens[day] = qr.content
    assert screens[10] != screens[11]  # the QR itself changes with the day
    client.force_login(duty.loop.deputy)  # a deputy would check in from anywhere with it
    assert client.get(reverse("duty:station_screen", args=[duty.station.pk])).status_code == 403
    assert client.get(reverse("duty:station_qr", args=[duty.station.pk])).status_code == 403
