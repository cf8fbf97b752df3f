"""A year of duty for every deputy of a demo town, through the real duty services (see lianxin/duty).

Runs after the demand year (``demo/demands.py``), over the same year (1 December 2025 – 27 November 2026),
each step inside ``clock.at(moment)`` so shifts, check-ins, visits and confirmations carry their moment and
the duty record fills itself from the events they publish (nothing is written to the record directly).

1. Every deputy gets their account (the same deterministic usernames as the demand year).
2. The rota, from each station duty's schedule (centre windows on two days a month, the industry station on
   Tuesday afternoons, collection points on Thursday mornings): a sample of it within the year, the whole
   of it for five weeks after, so the stations' opening hours come from it. About one shift in 25 is missed.
3. Check-in and check-out of each past shift; a reception on every third one.
4. Visits by each deputy with a paired observer: door to door and a staggered visit or an evening talk
   (twice as many for deputies without a station); some raise matters, and a few raised in the last weeks
   become demands that the deputy takes.
5. Policy talks, trainings and help to enterprises entered by hand and confirmed by the presidium.

Idempotent: a town that already has shifts is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.workdays import is_workday
from lianxin.demands.models import Category
from lianxin.demands.services import demand_claim
from lianxin.duty import services
from lianxin.duty.models import Shift
from lianxin.people.models import Deputy, DeputyCell, Observer, StationDuty
from lianxin.territory.models import StationKind

from .demands import LAST_DAY, START, Actors
from .generator import NameMaker, Stats, _phone

AFTER = dt.timedelta(weeks=5)
FRESH = dt.timedelta(
    days=40
)  # matters raised this close to the year's end are still open in the demo  # the rota goes on after the demo year: opening hours come from it
TALKS = ["宣讲惠农补贴政策", "宣讲医保参保政策", "宣讲养老保险政策", "宣讲安全生产知识", "宣讲防范电信诈骗"]
TRAININGS = ["县人大代表履职培训", "镇人大代表专题学习"]
HELP = ["走访企业解决用工难题", "协调企业用电增容", "促成校企合作协议"]
MATTERS = ["路灯不亮", "下水道堵塞", "垃圾清运不及时", "道路坑洼", "老人办理医保有困难", "小区停车难"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _days(schedule: str, kind: str, rng: random.Random) -> list[tuple[dt.date, int, int]]:
    """(day, from hour, to hour) of the shifts of one station duty. Within the demo year a sample (one of the
    schedule's days a quarter, every eighth week), which keeps the demo to a few seconds; in the weeks after
    it the whole schedule, planned ahead, so the stations' opening hours come from the rota."""
    out = []
    if kind in (StationKind.PARTY_SERVICE_CENTRE, StationKind.COMMUNITY_SERVICE_CENTRE):
        days_of_month = (5, 20) if "20" in schedule else (10, 25)
        y, m, offset = START.year, START.month, rng.randrange(3)
        while (first := dt.date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)) <= LAST_DAY + AFTER:
            for d in days_of_month:
                day = first.replace(day=d)
                if day > LAST_DAY or ((m - START.month) % 3 == offset and d == days_of_month[0]):
                    out.append((day, 9, 12))
            m += 1
        return [(d, a, b) for d, a, b in out if START <= d <= LAST_DAY + AFTER]
    if kind not in (StationKind.INDUSTRY, StationKind.COLLECTION_POINT):
        return []  # mediation micro-stations: when a major dispute is mediated, not on a rota
    weekday, hours = (1, (14, 17)) if kind == StationKind.INDUSTRY else (3, (9, 11))
    day = START + dt.timedelta(days=(weekday - START.weekday()) % 7)
    skip = rng.randrange(8)
    week = 0
    while day <= LAST_DAY + AFTER:
        if day > LAST_DAY or week % 8 == skip:
            out.append((day, *hours))
        day += dt.timedelta(weeks=1)
        week += 1
    return out


def build_duty(*, town: Town, index: int, deputies: list[Deputy], observers: list[Observer]) -> Stats:
    stats = Stats()
    if Shift.objects.filter(town=town).exists():
        return stats  # built on an earlier run
    rng = random.Random(f"lianxin-duty-{index}")
    names = NameMaker(rng)
    actors = Actors(town, index, stats)
    users = {
        d.pk: actors.link(d, f"deputy-{i + 1:02d}", Role.DEPUTY, f"{d.name}代表")
        for i, d in enumerate(deputies)
    }
    presidium = User.objects.get(town=town, role=Role.PRESIDIUM, username=actors.username("presidium"))
    # Shifts are kept until the demo's year ends, or until the town is built when that is later: the rota
    # runs on past the year's last day, and a shift between that day and the build left unchecked would read
    # as missed (every one of the last days' shifts, the Saturdays' included). The last 12 hours stay open.
    end = max(_at(LAST_DAY, 18), timezone.now() - dt.timedelta(hours=12))
    steps: list[tuple[dt.datetime, Any]] = []

    # 2–3. The rota and what happened on each shift.
    duties = StationDuty.objects.filter(town=town).select_related("station", "deputy").order_by("pk")
    on_rota = {sd.deputy_id for sd in duties}
    with clock.at(_at(START, 8) - dt.timedelta(days=1)):
        for sd in duties:
            user = users[sd.deputy_id]
            for day, start, stop in _days(sd.schedule, sd.station.kind, rng):
                shift = services.shift_plan(
                    station=sd.station,
                    deputy=sd.deputy,
                    starts_at=_at(day, start),
                    ends_at=_at(day, stop),
                    actor=presidium,
                )
                stats.created += 1
                if shift.ends_at < end and rng.random() > 0.04:
                    steps.append(
                        (shift.starts_at + dt.timedelta(minutes=rng.randrange(-20, 15)), ("in", shift, user))
                    )

    # 4. Visits: door to door, staggered (a Saturday morning), an evening talk; observers go along.
    paired: dict[int, list[Observer]] = {}
    for obs in observers:
        paired.setdefault(obs.deputy_id, []).append(obs)
    cells = {
        lk.deputy_id: lk.cell
        for lk in DeputyCell.objects.filter(town=town, is_primary=True).select_related("cell")
    }
    for dep in deputies:
        cell = cells.get(dep.pk)
        if cell is None:
            continue
        # deputies without a station go out more: the grid is where they serve
        kinds = ["door", rng.choice(["staggered", "evening"])]
        if dep.pk not in on_rota:
            kinds += ["door", "evening" if kinds[1] == "staggered" else "staggered"]
        for kind in kinds:
            day = START + dt.timedelta(days=rng.randrange(0, (LAST_DAY - START).days - 7))
            if kind == "staggered":  # a Saturday morning, or after work when that Saturday is a workday
                day += dt.timedelta(days=(5 - day.weekday()) % 7)
                moment = _at(day, 18, 30) if is_workday(day) else _at(day, 9, 30)
            elif kind == "evening":
                moment = _at(day, 19, 30)
            else:
                moment = _at(day, rng.choice([9, 10, 15]))
            observer = rng.choice(paired[dep.pk]) if paired.get(dep.pk) else None
            matters = rng.sample(MATTERS, rng.choice([0, 0, 0, 1, 2]))
            steps.append((moment, ("visit", kind, users[dep.pk], cell, observer, matters)))

    # 5. Activities entered by hand.
    for i, dep in enumerate(deputies):
        if i % 3 == 0:
            title = TALKS[i % len(TALKS)]
            kind = "policy_talk"
        elif i % 3 == 1 and i % 2:
            title, kind = TRAININGS[i % len(TRAININGS)], "training"
        elif dep.is_entrepreneur:
            title, kind = HELP[i % len(HELP)], "enterprise_help"
        else:
            continue
        day = START + dt.timedelta(days=rng.randrange(0, (LAST_DAY - START).days - 10))
        steps.append((_at(day, 16), ("activity", users[dep.pk], kind, title, day)))
    # The case's 30+ policy talks: a second talk in the villages for the first deputies, on fixed days (no draw
    # from ``rng``, so the rest of the town is as before).
    for n, dep in enumerate(deputies[1:13:4]):
        day = START + dt.timedelta(days=40 + 90 * n)
        steps.append(
            (_at(day, 16), ("activity", users[dep.pk], "policy_talk", TALKS[(n + 1) % len(TALKS)], day))
        )

    # The replay, in time order.
    category = Category.objects.filter(town=town, active=True).order_by("pk").first()
    steps.sort(key=lambda s: (s[0], str(s[1][0])))
    turned = 0
    for moment, (what, *args) in steps:
        with clock.at(moment):
            if what == "in":
                shift, user = args
                shift = services.shift_check_in_move(shift=shift, actor=user)
                if rng.random() < 0.34:
                    with clock.at(moment + dt.timedelta(hours=1)):
                        services.reception_log(shift=shift, actor=user, matter=rng.choice(MATTERS))
                with clock.at(shift.ends_at):
                    services.shift_check_out(shift=shift, actor=user)
            elif what == "visit":
                kind, user, cell, observer, matters = args
                visit = services.visit_record(
                    actor=user, kind=kind, cell=cell, done_at=moment, households=rng.randrange(3, 15),
                    observer=observer, matters=matters, heard="群众反映总体满意" if not matters else "",
                )  # fmt: skip
                # in the last weeks of the year a few matters go on the problem list and the deputy takes them
                if matters and category is not None and turned < 6 and moment.date() >= LAST_DAY - FRESH:
                    gender = rng.choice(["F", "M"])
                    demand = services.matter_to_demand(
                        matter=visit.matters.all()[0], actor=user, category=category,
                        requester_name=names(gender), requester_phone=_phone(rng),
                    )  # fmt: skip
                    demand_claim(demand=demand, actor=user)
                    turned += 1
            else:
                user, kind, title, day = args
                activity = services.activity_submit(
                    actor=user, kind=kind, title=title, happened_on=day, evidence_note="签到表与现场照片"
                )
                with clock.at(moment + dt.timedelta(days=2)):
                    services.activity_confirm(activity=activity, actor=presidium, note="属实")
            stats.created += 1
    return stats
