"""A station's check-in code: a keyed hash (HMAC) of the station and the current period, so the code on the
station's screen (or the one printed for the week) works only there and only for a short while.

A period is ``DUTY_CHECKIN_PERIOD_DAYS`` local days (Asia/Shanghai, the town's time); periods of 7 days
start on Mondays. A code of the current period or of the one just before it is accepted: a shift across
midnight (or a sheet printed on Sunday evening) keeps working until the next period ends.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.territory.models import Station

TOWN_TIME = ZoneInfo("Asia/Shanghai")
LENGTH = 10  # base32 characters: 50 bits, shown as two groups of five
LOOK_BACK = 30  # periods searched to tell an expired code from a wrong one (only for the message)
_SALT = "lianxin.duty.checkin.period"


def period_days() -> int:
    return max(1, int(getattr(settings, "DUTY_CHECKIN_PERIOD_DAYS", 1)))


def period_at(moment: dt.datetime | None = None) -> int:
    """The number of the period ``moment`` (default: now) falls in, counted from 0001-01-01 (a Monday)."""
    day = (moment or clock.now()).astimezone(TOWN_TIME).date()
    return (day.toordinal() - 1) // period_days()


def period_bounds(period: int) -> tuple[dt.date, dt.date]:
    """The first and the last local day of a period."""
    first = dt.date.fromordinal(period * period_days() + 1)
    return first, first + dt.timedelta(days=period_days() - 1)


def code_for(station: Station, period: int) -> str:
    digest = salted_hmac(_SALT, f"{station.pk}:{period_days()}:{period}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:LENGTH]


def normalise(typed: str) -> str:
    """What a person typed or a QR carried, as the code compares: upper case, no spaces or dashes."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def shown(code: str) -> str:
    """The code as the screen shows it: ABCDE-FGHJK."""
    return f"{code[:5]}-{code[5:]}"


@dataclass(frozen=True)
class StationCode:
    code: str
    period: int
    first_day: dt.date
    last_day: dt.date

    @property
    def shown(self) -> str:
        return shown(self.code)


def current(station: Station) -> StationCode:
    """The code for the station's screen now (or for the sheet printed for this period)."""
    period = period_at()
    first, last = period_bounds(period)
    return StationCode(code_for(station, period), period, first, last)


def _matches(station: Station, typed: str, period: int) -> bool:
    return hmac.compare_digest(typed.encode(), code_for(station, period).encode())


def check(station: Station, typed: str) -> None:
    """Accept this station's code of the current period or the one before; refuse anything else, saying
    whether the code has run out or was never this station's."""
    code = normalise(typed)
    now = period_at()
    if len(code) == LENGTH and any(_matches(station, code, p) for p in (now, now - 1)):
        return
    if len(code) == LENGTH and any(_matches(station, code, p) for p in range(now - LOOK_BACK, now - 1)):
        raise ValidationError(
            _(
                "This check-in code has expired. Scan the code on the station's screen today, "
                "or the sheet printed for this week."
            ),
            code="expired",
        )
    raise ValidationError(
        _(
            "This is not this station's check-in code. Scan the code at the station, or type the one shown under it."
        ),
        code="wrong",
    )
