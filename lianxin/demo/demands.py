"""A year of demands through the closed loop, replayed with the real services.

The year is fixed (1 December 2025 to 27 November 2026) so the demo is the same whenever it is built.
Each demand is a short script of steps (record, claim, assign, accept, complete, evaluate, close, or one
of the side roads: merge, decline, transfer, bounce, extension, return). The scripts of all demands run
interleaved in time order; each step runs inside ``clock.at(moment)`` so events, assignments, reminders,
evaluations and the outbox carry the moment they happened. The deadline sweep runs at the minute each
assignment turns yellow or red, as the worker would have, so late items write their reminders on the way.

1. Categories of the three domains (upsert, like the rest of the town).
2. Accounts for everyone who acts: deputies of each cell, department staff, agents, observers, citizens.
3. The plan: ~100 demand slots, each with a fate, channel, category, cell and a start moment (seeded).
4. The replay, skipping every demand whose deterministic code already exists; then a last sweep.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.board.models import Publication
from lianxin.board.services import publication_draft, publication_save
from lianxin.core import clock
from lianxin.core.models import CalendarDay, Town
from lianxin.core.workdays import WORKDAY_END, WORKDAY_START, add_working_days, is_workday
from lianxin.demands import services
from lianxin.demands.deadlines import yellow_margin
from lianxin.demands.models import Assignment, Category, Channel, Demand, Verdict
from lianxin.demands.states import Status
from lianxin.people.models import (
    Agent,
    Department,
    DepartmentStaff,
    Deputy,
    DeputyCell,
    Observer,
    StationDuty,
)
from lianxin.territory.models import CellKind, GridCell, Station

from . import data
from . import demand_texts as texts
from .generator import NameMaker, Stats, _phone, upsert
from .voice import voice_note

# The demo year, in the town's local time (Asia/Shanghai, settings.TIME_ZONE).
START = dt.date(2025, 12, 1)
LAST_DAY = dt.date(2026, 11, 27)


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def year_end() -> dt.datetime:
    """The moment the demo year stops: the evening of its last day. Open items are as they stand then."""
    return _local(LAST_DAY, 18)


# Usernames of the department staff accounts (ASCII, from the departments' short names).
DEPARTMENT_LOGINS = {
    "城管": "chengguan",
    "住建": "zhujian",
    "人社": "renshe",
    "自然资源": "ziran",
    "农业农村": "nongye",
    "水利": "shuili",
    "教育": "jiaoyu",
    "卫健": "weijian",
    "民政": "minzheng",
    "公安": "gongan",
    "生态环境": "shengtai",
    "市场监管": "shichang",
    "应急": "yingji",
    "镇政府": "zhengfu",
    "监察": "jiancha",
    "法庭": "fating",
    "检察": "jianchashi",
}
# A co-handling department for some categories, and the department a deputy may first pick by mistake.
CO_DEPARTMENT = {"物业与问题楼盘": "自然资源", "安全隐患": "住建", "教育入学": "城管", "企业服务": "住建"}
WRONG_DEPARTMENT = {
    "供水排水": "水利",
    "道路交通": "农业农村",
    "环境卫生": "生态环境",
    "路灯与公共设施": "住建",
}

# Fates: how far a demand gets by the end of the year, and by which road.
CLOSED = "closed"
CLOSED_LATE = "closed_late"  # completed after its deadline: red, reminded, then done
RETURNED_CLOSED = "returned_closed"  # unsatisfied or rejected, reworked, then closed
EXTENDED_CLOSED = "extended_closed"  # extension approved, done within it
BOUNCED_CLOSED = "bounced_closed"  # first department sent it back, the deputy assigned again
REFUSED_OVERDUE = "refused_overdue"  # extension refused, still not done: red
OVERDUE = "overdue"  # past its deadline and open: red
UNACCEPTED_OVERDUE = "unaccepted_overdue"  # assigned, never accepted, past its deadline: red
MERGED = "merged"
DECLINED = "declined"
DECLINED_UNCLAIMED = "declined_unclaimed"  # the presidium declines it straight from the problem list
TRANSFERRED = "transferred"
OPEN_RECORDED = "open_recorded"
OPEN_CLAIMED = "open_claimed"
OPEN_ASSIGNED = "open_assigned"
OPEN_ACCEPTED = "open_accepted"
OPEN_RETURNED = "open_returned"
OPEN_COMPLETED = "open_completed"
OPEN_EVALUATED = "open_evaluated"

CLOSING = (CLOSED, CLOSED_LATE, RETURNED_CLOSED, EXTENDED_CLOSED, BOUNCED_CLOSED)
# Fates whose assignment is still on the clock at the end without being overdue: keep them general and
# recent, so they are green at the end (a yellow one would flip back and forth under other towns' replays).
OPEN_ON_CLOCK = (OPEN_ASSIGNED, OPEN_ACCEPTED, OPEN_RETURNED)
RECENT = (*OPEN_ON_CLOCK, OPEN_COMPLETED, OPEN_EVALUATED)
# Fates whose deadline matters to the plan: general urgency, never an emergency or a complex matter.
ORDINARY = (*RECENT, OVERDUE, UNACCEPTED_OVERDUE, REFUSED_OVERDUE, EXTENDED_CLOSED, CLOSED_LATE)

# (fate, count, channels or None for the shared pool); the pool below is spread over the None rows.
PLAN: list[tuple[str, int, tuple[str, ...] | None]] = [
    (CLOSED, 10, (Channel.ENTERPRISE,) * 10),  # the industry station's 10 problems solved
    (OPEN_ACCEPTED, 1, (Channel.ENTERPRISE,)),
    (DECLINED, 2, (Channel.WALK_IN, Channel.STATION)),
    (DECLINED_UNCLAIMED, 1, (Channel.HOTLINE,)),
    (TRANSFERRED, 2, (Channel.EVENING_TALK, Channel.DEPUTY_VISIT)),
    (MERGED, 3, (Channel.HOTLINE, Channel.MOBILE, Channel.OBSERVER)),
    (CLOSED, 55, None),
    (CLOSED_LATE, 3, None),
    (RETURNED_CLOSED, 4, None),
    (EXTENDED_CLOSED, 3, None),
    (BOUNCED_CLOSED, 2, None),
    (REFUSED_OVERDUE, 1, None),
    (OVERDUE, 2, None),
    (UNACCEPTED_OVERDUE, 1, None),
    (OPEN_RECORDED, 2, None),
    (OPEN_CLAIMED, 2, None),
    (OPEN_ASSIGNED, 2, None),
    (OPEN_ACCEPTED, 2, None),
    (OPEN_RETURNED, 1, None),
    (OPEN_COMPLETED, 2, None),
    (OPEN_EVALUATED, 2, None),
]
POOL = (
    [Channel.STATION] * 21
    + [Channel.COLLECTION_POINT] * 12
    + [Channel.OBSERVER] * 9
    + [Channel.DEPUTY_VISIT] * 9
    + [Channel.OFF_HOURS_VISIT] * 6
    + [Channel.EVENING_TALK] * 7
    + [Channel.HOTLINE] * 12
    + [Channel.MOBILE] * 5
    + [Channel.WALK_IN] * 3
)
# The demo ``citizen`` login raises three demands from the mobile page: closed, awaiting their
# evaluation, and being handled.
DEMO_CITIZEN_FATES = (CLOSED, OPEN_COMPLETED, OPEN_ACCEPTED)

# When each fate's demand is raised (first and last day), so it can reach its end within the year.
WINDOWS = {
    CLOSED: (START, dt.date(2026, 11, 5)),
    CLOSED_LATE: (START, dt.date(2026, 10, 10)),
    RETURNED_CLOSED: (START, dt.date(2026, 10, 20)),
    EXTENDED_CLOSED: (START, dt.date(2026, 10, 10)),
    BOUNCED_CLOSED: (START, dt.date(2026, 10, 31)),
    REFUSED_OVERDUE: (dt.date(2026, 10, 19), dt.date(2026, 10, 28)),
    OVERDUE: (dt.date(2026, 10, 12), dt.date(2026, 11, 5)),
    UNACCEPTED_OVERDUE: (dt.date(2026, 10, 26), dt.date(2026, 11, 5)),
    MERGED: (START, dt.date(2026, 10, 31)),  # the duplicate follows its original
    DECLINED: (START, dt.date(2026, 11, 20)),
    DECLINED_UNCLAIMED: (START, dt.date(2026, 11, 20)),
    TRANSFERRED: (START, dt.date(2026, 11, 20)),
    OPEN_RECORDED: (dt.date(2026, 11, 26), dt.date(2026, 11, 27)),
    OPEN_CLAIMED: (dt.date(2026, 11, 24), dt.date(2026, 11, 26)),
    OPEN_ASSIGNED: (dt.date(2026, 11, 20), dt.date(2026, 11, 25)),
    OPEN_ACCEPTED: (dt.date(2026, 11, 19), dt.date(2026, 11, 24)),
    OPEN_RETURNED: (dt.date(2026, 11, 9), dt.date(2026, 11, 12)),
    OPEN_COMPLETED: (dt.date(2026, 11, 10), dt.date(2026, 11, 20)),
    OPEN_EVALUATED: (dt.date(2026, 11, 5), dt.date(2026, 11, 16)),
}
COMPLEX_LAST_DAY = dt.date(2026, 9, 30)
LATE_START = dt.date(2026, 11, 23)  # open items of 5-day categories start here (Monday of the last week)
# The demo logins' inboxes: the deputy's own cell has one of each; the urban-management login (城管) gets
# an assignment to accept and one in hand.
DEPUTY_INBOX = (OPEN_RECORDED, OPEN_CLAIMED, OPEN_ACCEPTED, OVERDUE, CLOSED)
PREFERRED = {
    OPEN_ASSIGNED: "环境卫生",
    OPEN_ACCEPTED: "路灯与公共设施",
}  # a complex item raised later might not be closed within the year


@dataclass
class Slot:
    """One planned demand."""

    n: int
    fate: str
    channel: str
    category: str
    story: Any  # texts.Story, texts.Refusal or texts.Suggestion
    urgency: str
    cell: GridCell
    day: dt.date
    pooled: bool = False  # its channel came from the shared pool
    lead: bool = False  # taken by the first deputy of the cell (the demo ``deputy`` login in Chengguan)
    demo_citizen: bool = False
    merge_into: int | None = None  # the n of the original, for a duplicate
    created: dt.datetime | None = None

    @property
    def code_suffix(self) -> str:
        return f"{self.n:06d}"


class Actors:
    """Everyone who acts in the replay, with an account each (made here when the town has none)."""

    def __init__(self, town: Town, index: int, stats: Stats) -> None:
        self.town, self.index, self.stats = town, index, stats

    def username(self, base: str) -> str:
        return base if self.index == 0 else f"t{self.index + 1:03d}-{base}"

    def account(self, base: str, role: str, display: str, *, phone: str = "") -> User:
        """Find or make the account; an unusable password, set only when it is first made."""
        username = self.username(base)
        values: dict[str, Any] = {"role": role, "town": self.town, "display_name": display}
        if phone:
            values["phone"] = phone
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username, password=make_password(None), **values)
            self.stats.created += 1
            return user
        return upsert(self.stats, User, {"username": username}, values)

    def link(self, person: Deputy | Observer | Agent, base: str, role: str, display: str) -> User:
        """The person's account: the one they have (a demo login), else a deterministic one."""
        if person.user_id is not None:
            return person.user  # type: ignore[return-value]
        user = self.account(base, role, display)
        type(person)._default_manager.filter(pk=person.pk).update(user=user)
        person.user = user
        self.stats.updated += 1
        return user


def build_categories(town: Town, departments: dict[str, Department], stats: Stats) -> dict[str, Category]:
    return {
        spec.name: upsert(
            stats,
            Category,
            {"town": town, "name": spec.name},
            {
                "domain": spec.domain,
                "keywords": spec.keywords,
                "name_en": data.CATEGORY_NAMES_EN.get(spec.name, ""),
                "default_department": departments[spec.department],
                "emergency_hours": spec.emergency_hours,
                "general_days": spec.general_days,
                "complex_days": spec.complex_days,
                "active": True,
            },
        )
        for spec in texts.CATEGORIES
    }


class Year:
    """Plans and replays the demo year of one town."""

    def __init__(
        self,
        *,
        town: Town,
        index: int,
        stats: Stats,
        cells: dict[str, GridCell],
        centres: list[Station],
        industry: Station,
        points: list[Station],
        departments: dict[str, Department],
        deputies: list[Deputy],
        observers: list[Observer],
        agents: list[Agent],
    ) -> None:
        self.town, self.index, self.stats = town, index, stats
        self.rng = random.Random(f"lianxin-demands-{index}")
        self.names = NameMaker(self.rng)
        self.cells = cells
        self.cell_list = list(cells.values())
        self.centre_of = {st.cell_id: st for st in centres}
        self.industry, self.points = industry, points
        self.departments = departments
        self.deputies, self.observers, self.agents = deputies, observers, agents
        self.categories = build_categories(town, departments, stats)
        self.actors = Actors(town, index, stats)
        self.overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self.end = year_end()
        self.sweeps = 0
        self._accounts()

    # --- 2. accounts ------------------------------------------------------------------------------
    def _accounts(self) -> None:
        a = self.actors
        order = {d.pk: i for i, d in enumerate(self.deputies)}
        self.presidium = (
            User.objects.get(username="presidium")
            if self.index == 0
            else a.account("presidium", Role.PRESIDIUM, f"{self.town.name}人大办")
        )
        self.staff: dict[str, User] = {}
        for short, dept in self.departments.items():
            user = a.account(f"dept-{DEPARTMENT_LOGINS[short]}", Role.DEPARTMENT, f"{short} 经办人")
            upsert(self.stats, DepartmentStaff, {"user": user}, {"town": self.town, "department": dept})
            self.staff[short] = user

        def deputy_user(dep: Deputy) -> User:
            return a.link(dep, f"deputy-{order[dep.pk] + 1:02d}", Role.DEPUTY, f"{dep.name}代表")

        # The two township deputies on duty in each cell's centre are the ones who take its demands.
        primary: dict[int, list[Deputy]] = {}
        links = DeputyCell.objects.filter(town=self.town, is_primary=True).select_related("deputy")
        for link in sorted(links, key=lambda lk: order.get(lk.deputy_id, 10**6)):
            primary.setdefault(link.cell_id, []).append(link.deputy)
        self.cell_deputies = {
            cell.pk: [deputy_user(d) for d in primary[cell.pk][:2]] for cell in self.cell_list
        }
        duty = StationDuty.objects.filter(station=self.industry).select_related("deputy")
        self.industry_deputies = [
            deputy_user(sd.deputy) for sd in sorted(duty, key=lambda sd: order[sd.deputy_id])
        ]
        self.agent_users = [
            a.link(ag, f"agent-{i + 1:02d}", Role.AGENT, f"代办员 {ag.name}")
            for i, ag in enumerate(self.agents)
        ]
        self.demo_citizen = User.objects.get(username="citizen") if self.index == 0 else None

    # --- 3. the plan ------------------------------------------------------------------------------
    def plan(self) -> list[Slot]:
        rng = self.rng
        pool = list(POOL)
        rng.shuffle(pool)
        general = [c.name for c in texts.CATEGORIES if c.name not in texts.ENTERPRISE_CATEGORIES]
        cycle = general * 8
        rng.shuffle(cycle)
        story_turn: dict[str, int] = {}
        slots: list[Slot] = []
        demo_fates = list(DEMO_CITIZEN_FATES) if self.demo_citizen is not None else []

        def story_for(category: str, fate: str) -> texts.Story:
            stories = texts.STORIES[category]
            if fate not in CLOSING:  # open and overdue items are ordinary, not emergencies
                stories = [s for s in stories if s.urgency != "emergency"] or stories
            k = story_turn.get(category, rng.randrange(len(stories)))
            story_turn[category] = k + 1
            return stories[k % len(stories)]

        def pick_category(fate: str) -> str:
            for i, name in enumerate(cycle):
                spec = next(c for c in texts.CATEGORIES if c.name == name)
                if fate == BOUNCED_CLOSED and name not in WRONG_DEPARTMENT:
                    continue
                if fate in RECENT and spec.general_days < 5:
                    continue
                return cycle.pop(i)
            return rng.choice(general)

        n = 0
        for fate, count, channels in PLAN:
            for k in range(count):
                n += 1
                channel = channels[k] if channels else pool.pop()
                if fate in (DECLINED, DECLINED_UNCLAIMED):
                    story: Any = texts.DECLINES[k if fate == DECLINED else 2]
                    category = story.category
                elif fate == TRANSFERRED:
                    story = texts.TRANSFERS[k]
                    category = story.category
                elif channel == Channel.ENTERPRISE:
                    category = texts.ENTERPRISE_CATEGORIES[k % 2] if fate == CLOSED else "企业服务"
                    story = story_for(category, fate)
                elif fate == MERGED:
                    category, story = "", None  # copied from the original below
                elif channels is None and k == 0 and fate in PREFERRED:
                    category = PREFERRED[fate]
                    story = story_for(category, fate)
                else:
                    category = pick_category(fate)
                    story = story_for(category, fate)
                urgency = getattr(story, "urgency", "general")
                if fate in ORDINARY:
                    urgency = "general"
                if fate == OPEN_RETURNED:
                    urgency = "complex"
                first, last = WINDOWS[fate]
                if urgency == "complex" and fate in CLOSING:
                    last = min(last, COMPLEX_LAST_DAY)
                day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
                if fate in RECENT and self.categories[category].general_days < 7:
                    day = max(day, LATE_START)  # a shorter limit must still run past the end of the year
                if channel == Channel.ENTERPRISE:  # enterprises sit in the industrial park
                    cell = self.cells[data.INDUSTRY_STATION[1]]
                else:
                    cell = rng.choice(self.cell_list)
                slots.append(
                    Slot(n, fate, channel, category, story, urgency, cell, day, pooled=channels is None)
                )

        # The demo deputy (the first deputy of the first cell) holds one of each of these in their own cell.
        for fate in DEPUTY_INBOX:
            slot = next(s for s in slots if s.fate == fate and s.pooled)
            slot.cell, slot.lead = self.cell_list[0], True

        # The demo citizen's demands: a pooled row of each of their fates, a mobile one if the shuffle made one.
        for fate in demo_fates:
            rows = [s for s in slots if s.fate == fate and s.pooled and not s.demo_citizen]
            slot = next((s for s in rows if s.channel == Channel.MOBILE), rows[0])
            slot.channel, slot.demo_citizen = Channel.MOBILE, True

        # A duplicate repeats an earlier closed demand of the same cell, a day or so later.
        originals = [
            s
            for s in slots
            if s.fate == CLOSED
            and s.channel != Channel.ENTERPRISE
            and not s.demo_citizen
            and s.day <= WINDOWS[MERGED][1]
            and s.urgency != "emergency"
        ]
        for dup, original in zip(
            [s for s in slots if s.fate == MERGED], rng.sample(originals, 3), strict=True
        ):
            dup.category, dup.story, dup.urgency = original.category, original.story, original.urgency
            dup.cell, dup.merge_into = original.cell, original.n
            dup.day = original.day + dt.timedelta(days=rng.choice((0, 1, 1, 2)))

        for s in slots:
            s.created = self.raised_at(s)
        for dup in (s for s in slots if s.merge_into):
            original = slots[dup.merge_into - 1]  # type: ignore[operator]
            assert original.created is not None and dup.created is not None
            if dup.created <= original.created:
                dup.created = original.created + dt.timedelta(hours=rng.randrange(3, 9))
        return slots

    def raised_at(self, s: Slot) -> dt.datetime:
        """The moment a demand is raised, by channel: office hours, evenings, weekends, any time."""
        rng, day = self.rng, s.day
        if s.channel == Channel.EVENING_TALK:
            return _local(day, 19, 30) + dt.timedelta(minutes=rng.randrange(0, 90))
        if s.channel == Channel.OFF_HOURS_VISIT:
            if day.weekday() >= 5:
                return _local(day, rng.randrange(9, 17), rng.randrange(60))
            return _local(day, rng.choice((18, 19, 20)), rng.randrange(60))
        if s.channel == Channel.HOTLINE:
            return _local(day, rng.randrange(8, 21), rng.randrange(60))
        if s.channel == Channel.MOBILE:
            return _local(day, rng.randrange(7, 23), rng.randrange(60))
        while not self.workday(day):
            day += dt.timedelta(days=1)
        return _local(day, rng.randrange(9, 17), rng.randrange(60))

    # --- time -------------------------------------------------------------------------------------
    def workday(self, day: dt.date) -> bool:
        return is_workday(day, self.overrides)

    def office(self, t: dt.datetime) -> dt.datetime:
        """``t`` if it falls in office hours, else the next opening."""
        local = timezone.localtime(t)
        day = local.date()
        if self.workday(day) and WORKDAY_START <= local.time() < WORKDAY_END:
            return t
        if not (self.workday(day) and local.time() < WORKDAY_START):
            day += dt.timedelta(days=1)
            while not self.workday(day):
                day += dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, WORKDAY_START))

    def after(self, t: dt.datetime, low: float, high: float) -> dt.datetime:
        """Between ``low`` and ``high`` office hours after ``t``, to the minute."""
        remaining = dt.timedelta(minutes=self.rng.randrange(int(low * 60), int(high * 60) + 1))
        t = self.office(t)
        while True:
            close = timezone.make_aware(dt.datetime.combine(timezone.localtime(t).date(), WORKDAY_END))
            if t + remaining < close:
                return t + remaining
            remaining -= close - t
            t = self.office(close)

    def soon(self, t: dt.datetime, low: int, high: int) -> dt.datetime:
        """Between ``low`` and ``high`` minutes after ``t``, at any hour (emergencies)."""
        return t + dt.timedelta(minutes=self.rng.randrange(low, high + 1))

    def within(self, start: dt.datetime, due: dt.datetime, low: float, high: float) -> dt.datetime:
        """A moment at a fraction of the way from ``start`` to ``due``, in office hours when that fits."""
        raw = start + (due - start) * self.rng.uniform(low, high)
        raw = raw.replace(second=0, microsecond=0)
        moved = self.office(raw)
        return moved if moved < due - dt.timedelta(minutes=10) else raw

    # --- 4. the replay ----------------------------------------------------------------------------
    def code(self, n: int, created: dt.datetime) -> str:
        return f"{self.town.code[-3:]}{created.year % 100:02d}{n:06d}"

    def run(self) -> None:
        slots = self.plan()
        self.codes = {s.n: self.code(s.n, s.created) for s in slots}  # type: ignore[arg-type]
        done = set(Demand.objects.filter(code__in=self.codes.values()).values_list("code", flat=True))
        todo = [s for s in slots if self.codes[s.n] not in done]
        if not todo:
            return
        # (moment, 0 for a sweep and 1 for a step so a sweep at the same minute goes first, tie-breaker, script)
        self.heap: list[tuple[dt.datetime, int, int, Iterator[dt.datetime] | None]] = []
        for s in todo:
            steps = self.script(s)
            heapq.heappush(self.heap, (next(steps), 1, s.n, steps))
        self.now = min(t for t, *_ in self.heap)
        while self.heap:
            moment, _kind, _n, script = heapq.heappop(self.heap)
            assert moment >= self.now
            self.now = moment
            with clock.at(moment):
                if script is None:
                    services.deadlines_sweep(at=moment, town_id=self.town.pk)
                    continue
                nxt = next(script, None)
            if nxt is not None:
                heapq.heappush(self.heap, (self.clamp(nxt, moment), 1, _n, script))
        with clock.at(self.end):
            services.deadlines_sweep(at=self.end, town_id=self.town.pk)

    def watch(self, demand: Demand) -> None:
        """Wake the sweep the minute this assignment turns yellow and the minute it turns red, as the worker
        would notice; a sweep that finds the item done (or nothing to change) writes nothing."""
        assignment = Assignment.objects.get(demand=demand)
        minute = dt.timedelta(minutes=1)
        for moment in (
            assignment.due_at - yellow_margin(demand.urgency) + minute,
            assignment.due_at + minute,
        ):
            moment = max(moment, self.now + minute)
            if moment < self.end:
                self.sweeps += 1
                heapq.heappush(self.heap, (moment, 0, self.sweeps, None))

    def clamp(self, t: dt.datetime, previous: dt.datetime) -> dt.datetime:
        """Keep a step after the one before and inside the year."""
        t = max(t, previous + dt.timedelta(minutes=1))
        return (
            min(t, self.end - dt.timedelta(minutes=1)) if previous < self.end - dt.timedelta(minutes=1) else t
        )

    def requester(self, s: Slot) -> tuple[str, str, User | None]:
        rng = self.rng
        if s.demo_citizen and self.demo_citizen is not None:
            return "陈建华", "13937300518", self.demo_citizen
        gender = rng.choice(["male", "female"])
        name = self.names(gender)
        phone = _phone(rng)
        if s.channel == Channel.MOBILE:
            user = self.actors.account(
                f"citizen-{s.n:03d}",
                Role.CITIZEN,
                f"居民 {name[0]}{'先生' if gender == 'male' else '女士'}",
                phone=phone,
            )
            return name, phone, user
        return name, phone, None

    def recorder(self, s: Slot, claimer: User) -> tuple[User | None, Station | None, str, str, str]:
        """Who records it, at which station, a prefix for the description and, maybe, the requester."""
        rng, cell = self.rng, s.cell
        if s.channel == Channel.STATION:
            st = self.centre_of[cell.pk]
            return claimer, st, f"群众到{st.name}反映：", "", ""
        if s.channel == Channel.COLLECTION_POINT:
            i = rng.randrange(len(self.points))
            return self.agent_users[i], self.points[i], f"在{self.points[i].name}由代办员代为登记：", "", ""
        if s.channel == Channel.OBSERVER:
            candidates = [o for o in self.observers if o.cell_id == cell.pk] or self.observers
            obs = rng.choice(candidates)
            k = self.observers.index(obs)
            user = self.actors.link(obs, f"observer-{k + 1:02d}", Role.OBSERVER, f"观察员 {obs.name}")
            return (
                user,
                None,
                f"民情观察员{obs.name}（{obs.get_kind_display()}）巡查发现：",
                obs.name,
                obs.phone,
            )
        if s.channel == Channel.DEPUTY_VISIT:
            return claimer, None, "代表入户走访时群众反映：", "", ""
        if s.channel == Channel.OFF_HOURS_VISIT:
            when = "周末" if timezone.localtime(s.created).weekday() >= 5 else "晚间"
            return claimer, None, f"代表{when}错时走访时群众反映：", "", ""
        if s.channel == Channel.EVENING_TALK:
            return claimer, self.centre_of[cell.pk], f"{cell.name}夜访恳谈会上群众提出：", "", ""
        if s.channel == Channel.HOTLINE:
            return (
                self.presidium,
                None,
                f"12345政务服务热线转办（工单 {rng.randrange(10**7, 10**8)}）：",
                "",
                "",
            )
        if s.channel == Channel.ENTERPRISE:
            company = texts.COMPANIES[s.n % len(texts.COMPANIES)]
            return (
                rng.choice(self.industry_deputies),
                self.industry,
                f"{company}到产业代表联络站反映：",
                "",
                "",
            )
        if s.channel == Channel.WALK_IN:
            return self.presidium, None, "群众到镇人大办来访反映：", "", ""
        return None, None, "", "", ""  # mobile: the citizen's own words, recorded by their account

    def fill(self, text: str, s: Slot) -> str:
        spots = texts.COMMUNITY_SPOTS if s.cell.kind == CellKind.COMMUNITY else texts.VILLAGE_SPOTS
        spot = spots[(s.n * 7) % len(spots)]
        return text.format(cell=s.cell.name, spot=f"{s.cell.name}{spot}")

    def script(self, s: Slot) -> Generator[dt.datetime, None, None]:
        """The steps of one demand. Each ``yield`` is the moment of the next step; the step runs after it."""
        rng = self.rng
        assert s.created is not None
        t = s.created
        yield t
        category = self.categories[s.category]
        claimers = self.cell_deputies[s.cell.pk]
        deputy = claimers[0 if s.lead else s.n % len(claimers)]
        recorded_by, station, prefix, name, phone = self.recorder(s, deputy)
        requester = None
        if not name:
            name, phone, requester = self.requester(s)
        if s.channel == Channel.MOBILE:
            recorded_by = requester
        story = s.story
        description = prefix + self.fill(story.description, s)
        if s.channel in (Channel.HOTLINE, Channel.MOBILE, Channel.WALK_IN):
            description += rng.choice(texts.PLEAS[:4])
        elif s.channel not in (Channel.OBSERVER, Channel.ENTERPRISE):
            description += rng.choice(texts.PLEAS)
        lat = (s.cell.centroid_lat or self.town.centre_lat or 0) + rng.uniform(-0.0015, 0.0015)
        lng = (s.cell.centroid_lng or self.town.centre_lng or 0) + rng.uniform(-0.0015, 0.0015)
        d = services.demand_record(
            town=self.town,
            recorded_by=recorded_by,
            channel=s.channel,
            category=category,
            title=self.fill(story.title, s),
            description=description,
            urgency=s.urgency,
            cell=s.cell,
            station=station,
            lat=round(lat, 6),
            lng=round(lng, 6),
            address=f"{self.town.name}{self.fill('{spot}', s)}",
            requester_name=name,
            requester_phone=phone,
            requester=requester,
            code=self.codes[s.n],
            consent=s.channel == Channel.COLLECTION_POINT,  # the agent asked the elderly person first
            # Every third demand an agent records carries the person's voice, with their consent to be recorded.
            voice=voice_note(s.n) if s.channel == Channel.COLLECTION_POINT and s.n % 3 == 0 else None,
            voice_consent=s.channel == Channel.COLLECTION_POINT,
        )
        self.stats.created += 1
        if s.fate == OPEN_RECORDED:
            return
        emergency = s.urgency == "emergency"
        if s.fate == DECLINED_UNCLAIMED:
            yield self.after(t, 1, 6)
            services.demand_decline(demand=d, actor=self.presidium, reason=story.reason)
            return

        # 接单
        t = self.soon(t, 8, 30) if emergency else self.after(t, 0.3, 6)
        yield t
        d = services.demand_claim(demand=d, actor=deputy)
        if s.fate == MERGED:
            t = self.after(t, 0.2, 3)
            yield t
            into = Demand.objects.get(code=self.codes[s.merge_into])  # type: ignore[index]
            services.demand_merge(
                demand=d, actor=deputy, into=into, note=f"与 {into.code} 为同一问题，合并办理"
            )
            return
        if s.fate == DECLINED:
            yield self.after(t, 0.5, 8)
            services.demand_decline(demand=d, actor=deputy, reason=story.reason)
            return
        if s.fate == TRANSFERRED:
            yield self.after(t, 4, 40)
            services.demand_transfer(demand=d, actor=deputy, to_level=story.to_level, note=story.note)
            return
        if s.fate == OPEN_CLAIMED:
            return

        # 交办
        spec = next(c for c in texts.CATEGORIES if c.name == s.category)
        right = self.departments[spec.department]
        co = [self.departments[CO_DEPARTMENT[s.category]]] if s.category in CO_DEPARTMENT and s.n % 2 else []
        first = self.departments[WRONG_DEPARTMENT[s.category]] if s.fate == BOUNCED_CLOSED else right
        t = self.soon(t, 5, 20) if emergency else self.after(t, 0.2, 8)
        yield t
        matter = self.fill(story.matter, s)
        standard = story.standard
        services.demand_assign(
            demand=d,
            actor=deputy,
            department=first,
            matter=matter,
            standard=standard,
            co_departments=co,
        )
        self.watch(d)
        if s.fate == BOUNCED_CLOSED:
            t = self.after(t, 1, 8)
            yield t
            bouncer = self.staff[first.short_name]
            services.demand_bounce(demand=d, actor=bouncer, reason=rng.choice(texts.BOUNCE_REASONS))
            t = self.after(t, 0.5, 6)
            yield t
            services.demand_assign(demand=d, actor=deputy, department=right, matter=matter, standard=standard)
            self.watch(d)
        staff = self.staff[right.short_name]
        if s.fate in (OPEN_ASSIGNED, UNACCEPTED_OVERDUE):
            return

        # 签收
        t = self.soon(t, 5, 15) if emergency else self.after(t, 0.2, 5)
        yield t
        d = services.demand_accept(demand=d, actor=staff)
        due = d.assignment.due_at

        if s.fate == OVERDUE:
            t = self.after(due, 4, 14)
            yield t
            services.assignment_remind(
                demand=d, actor=self.presidium, note="已超过办理时限，请立即办理并报告进展。"
            )
            return
        if s.fate in (EXTENDED_CLOSED, REFUSED_OVERDUE):
            t = self.within(t, due, 0.5, 0.8)
            yield t
            ext = services.extension_request(
                demand=d,
                actor=staff,
                due_at=add_working_days(due, rng.choice((5, 7, 10))),
                reason=rng.choice(texts.EXTENSION_REASONS),
            )
            t = self.after(t, 1, 6)
            yield t
            approve = s.fate == EXTENDED_CLOSED
            services.extension_decide(
                extension=ext,
                actor=self.presidium,
                approve=approve,
                note="同意延期，请按新时限办结。" if approve else texts.EXTENSION_REFUSED,
            )
            if not approve:
                t = self.after(due, 2, 10)
                yield t
                services.assignment_remind(
                    demand=d,
                    actor=self.presidium,
                    note="延期申请未获批准，现已逾期，请立即办结。",
                )
                return
            self.watch(d)
            due = Assignment.objects.get(demand=d).due_at
        if s.fate == OPEN_ACCEPTED:
            return

        # 办结
        if s.fate == CLOSED_LATE:
            t = self.after(due, 8, 30)
        elif emergency:
            t = self.within(t, due, 0.3, 0.8)
        elif s.fate in (OPEN_RETURNED, OPEN_COMPLETED, OPEN_EVALUATED):
            t = self.after(t, 4, 24)
        else:
            t = self.within(t, due, 0.15, 0.85)
        yield t
        result = self.fill(story.result, s)
        services.demand_complete(demand=d, actor=staff, result=result, outcome=story.outcome)

        # Evaluation: the citizen (in the app, or by phone to the presidium) and the deputy's check.
        citizen = requester or self.presidium
        if s.fate in (RETURNED_CLOSED, OPEN_RETURNED):
            t = self.after(t, 2, 16)
            yield t
            way = s.n % 3
            if way == 0:
                services.demand_check(demand=d, actor=deputy, passed=False, comment=texts.CHECK_FAILED)
            elif way == 1 and s.fate == RETURNED_CLOSED:
                services.demand_evaluate(demand=d, actor=citizen, verdict=Verdict.SATISFIED)
                t = self.after(t, 1, 8)
                yield t
                services.demand_return(
                    demand=d, actor=self.presidium, reason="抽查回访发现问题反弹，退回重新办理。"
                )
            else:
                services.demand_evaluate(
                    demand=d,
                    actor=citizen,
                    verdict=Verdict.UNSATISFIED,
                    comment=rng.choice(texts.UNSATISFIED),
                )
            self.watch(d)  # back on the clock, with the deadline it had
            if s.fate == OPEN_RETURNED:
                return
            t = self.after(t, 8, 40)
            yield t
            services.demand_complete(
                demand=d,
                actor=staff,
                result=result + "根据群众意见再次到现场整改，经回访确认到位。",
                outcome=story.outcome,
            )
        if s.fate == OPEN_COMPLETED:
            return
        t = self.after(t, 2, 20)
        yield t
        roll = rng.random()
        verdict = (
            Verdict.BASICALLY if story.outcome == "explained" or rng.random() < 0.15 else Verdict.SATISFIED
        )
        comment = rng.choice(texts.BASICALLY if verdict == Verdict.BASICALLY else texts.PRAISE)
        if roll < 0.8 or requester is not None:
            services.demand_evaluate(demand=d, actor=citizen, verdict=verdict, comment=comment)
            if roll < 0.4:
                t = self.after(t, 1, 16)
                yield t
                services.demand_check(demand=d, actor=deputy, passed=True, comment="已到现场查看。")
        else:
            services.demand_check(demand=d, actor=deputy, passed=True, comment="已到现场查看，群众认可。")
        if s.fate == OPEN_EVALUATED:
            return
        t = self.after(t, 1, 24)
        yield t
        services.demand_close(demand=d, actor=self.presidium, note="办理结果经核实，同意办结。")


def build_demands(**kwargs: Any) -> Stats:
    """Categories, accounts and the demo year of one town (see the module's docstring)."""
    stats = Stats()
    year = Year(stats=stats, **kwargs)
    year.run()
    publish_board(year, stats)
    return stats


BOARD_CLOSED, BOARD_OPEN = 24, 6


def publish_board(year: Year, stats: Stats) -> None:
    """Put the latest closed demands and a few being handled on the public board, as the presidium would:
    the automatic redaction, published as drafted. Demands that already have a publication are left alone."""
    if Publication.objects.filter(town=year.town).exists():
        return  # published on an earlier run; a second run changes nothing
    town_demands = Demand.objects.filter(town=year.town).select_related("assignment")
    chosen = list(town_demands.filter(status=Status.CLOSED).order_by("-closed_at")[:BOARD_CLOSED])
    chosen += list(town_demands.filter(status=Status.ACCEPTED).order_by("-created_at")[:BOARD_OPEN])
    with clock.at(year.end):
        for demand in chosen:
            draft = publication_draft(demand)
            publication_save(demand=demand, actor=year.presidium, published=True, **draft)
            stats.created += 1
