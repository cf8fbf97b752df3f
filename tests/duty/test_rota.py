"""The station rota: check-in with the station's code only inside one's own shift; receptions during it;
missed shifts for the presidium; opening hours published from the rota."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lianxin.core.workflow import TransitionError
from lianxin.duty import codes, selectors, services
from lianxin.duty.kinds import Activity, ShiftStatus
from lianxin.duty.models import DutyEntry, Shift

from ..factories import CategoryFactory, StationFactory
from .factories import local

pytestmark = pytest.mark.django_db


def _check_in(duty, at, station=None, user=None, code=None):
    station = station or duty.station
    with time_machine.travel(at, tick=False):
        return services.shift_check_in(
            station=station, actor=user or duty.loop.deputy, code=code or codes.current(station).code
        )


def test_check_in_inside_the_shift_moves_it_on_duty_and_records_the_day(duty):
    shift = duty.shift(local(2026, 3, 10, 9))
    _check_in(duty, local(2026, 3, 10, 8, 40))  # a little early is fine: they open the station
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.ON_DUTY and shift.checked_in_at is not None
    assert DutyEntry.objects.filter(deputy=duty.deputy, kind=Activity.STATION_DUTY).count() == 1


@pytest.mark.parametrize("at", [local(2026, 3, 10, 7), local(2026, 3, 10, 12, 1), local(2026, 3, 11, 9)])
def test_check_in_outside_a_shift_is_refused_with_a_clear_message(duty, at):
    duty.shift(local(2026, 3, 10, 9))
    later = duty.shift(local(2026, 3, 17, 9))
    with pytest.raises(ValidationError) as refused:
        _check_in(duty, at)
    text = " ".join(refused.value.messages)
    if at < later.starts_at:
        assert "2026-03-1" in text  # says when the next shift here is
    assert not Shift.objects.exclude(status=ShiftStatus.SCHEDULED).exists()
    assert not DutyEntry.objects.exists()


def test_check_in_at_another_station_or_with_a_wrong_code_or_not_a_deputy_is_refused(duty):
    duty.shift(local(2026, 3, 10, 9))
    elsewhere = StationFactory(town=duty.loop.town)
    with pytest.raises(ValidationError):
        _check_in(duty, local(2026, 3, 10, 9, 30), station=elsewhere)
    with pytest.raises(ValidationError):
        _check_in(duty, local(2026, 3, 10, 9, 30), code="forged")
    with pytest.raises(PermissionDenied):
        _check_in(duty, local(2026, 3, 10, 9, 30), user=duty.loop.presidium)
    with pytest.raises(ValidationError):  # the other deputy has no shift here
        _check_in(duty, local(2026, 3, 10, 9, 30), user=duty.loop.other_deputy)


def test_receptions_are_logged_during_the_shift_and_may_become_demands(duty):
    shift = duty.shift(local(2026, 3, 10, 9))
    with pytest.raises(TransitionError):
        services.reception_log(shift=shift, actor=duty.loop.deputy, matter="咨询")
    _check_in(duty, local(2026, 3, 10, 9))
    shift.refresh_from_db()
    category = CategoryFactory(town=duty.loop.town)
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        r = services.reception_log(
            shift=shift,
            actor=duty.loop.deputy,
            matter="楼道灯坏了",
            category=category,
            requester_phone="13900005555",
        )
        services.shift_check_out(shift=shift, actor=duty.loop.deputy)
    assert r.demand is not None and r.demand.station_id == duty.station.pk and r.demand.channel == "station"
    assert DutyEntry.objects.filter(kind=Activity.RECEPTION).count() == 1
    shift.refresh_from_db()
    assert shift.status == ShiftStatus.DONE


def test_missed_shifts_are_visible_to_the_presidium(duty, client):
    missed = duty.shift(local(2026, 3, 10, 9))
    duty.shift(local(2026, 3, 30, 9))  # still to come
    client.force_login(duty.loop.presidium)
    with time_machine.travel(local(2026, 3, 20, 9), tick=False):
        assert list(selectors.missed_shifts(user=duty.loop.presidium)) == [missed]
        page = client.get(reverse("duty:rota"))
    assert page.status_code == 200
    assert f'data-missed="{missed.pk}"' in page.content.decode()


def test_opening_hours_on_the_public_stations_page_come_from_the_rota(duty, client):
    for week in range(3):
        duty.shift(local(2026, 3, 10, 9) + dt.timedelta(weeks=week))  # Tuesdays 09:00–12:00
    with time_machine.travel(local(2026, 3, 9, 9), tick=False):
        hours = selectors.opening_hours(station=duty.station)
        page = client.get(reverse("portal:stations", args=[duty.loop.town.code]))
    assert [h.replace("Tuesday", "星期二") for h in hours] == [
        "03-10 星期二 09:00–12:00",
        "03-17 星期二 09:00–12:00",
        "03-24 星期二 09:00–12:00",
    ]
    assert "09:00–12:00" in page.content.decode()


def test_the_check_in_page_on_the_phone(duty, client):
    duty.shift(local(2026, 3, 10, 9))
    url = reverse("duty:check_in", args=[duty.station.pk])
    client.force_login(duty.loop.deputy)
    with time_machine.travel(local(2026, 3, 10, 7), tick=False):
        code = codes.current(duty.station).code
        refused = client.post(url, {"action": "check_in", "code": code})
    assert refused.status_code == 400
    assert "没有" in refused.content.decode() or "no shift" in refused.content.decode()
    with time_machine.travel(local(2026, 3, 10, 9, 10), tick=False):
        client.logout()  # two hours on, the idle staff session has ended (issue 16): a new sign-in
        client.force_login(duty.loop.deputy)
        done = client.post(f"{url}?code={code}", {"action": "check_in", "code": code})
    assert done.status_code == 302, done
    assert Shift.objects.get().status == ShiftStatus.ON_DUTY, done["Location"]


def test_planning_a_weekly_series_and_refusing_overlaps(duty):
    p = duty.loop.presidium
    made = services.rota_plan_weekly(
        station=duty.station, deputy=duty.deputy, weekday=1, start=dt.time(9), end=dt.time(12),
        first_day=dt.date(2026, 3, 1), weeks=4, actor=p,
    )  # fmt: skip
    assert len(made) == 4 and all(s.starts_at.astimezone().weekday() == 1 for s in made)
    with pytest.raises(ValidationError):
        services.shift_plan(
            station=duty.station, deputy=duty.deputy, starts_at=made[0].starts_at + dt.timedelta(hours=1),
            ends_at=made[0].ends_at + dt.timedelta(hours=1), actor=p,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.rota_plan_weekly(
            station=duty.station, deputy=duty.deputy, weekday=2, start=dt.time(9), end=dt.time(12),
            first_day=dt.date(2026, 3, 1), weeks=1, actor=duty.loop.deputy,
        )  # fmt: skip
