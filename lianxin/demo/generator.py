"""Deterministic demo town (and county) generator.

Running it again changes nothing: every row is found by its natural key (town + name) and written only
when a field differs; passwords are set only when an account is first made. ``scale`` makes a county of
that many towns for benchmarks, each a copy of Chengguan's shape around its own centre.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from shapely import MultiPoint, box, voronoi_polygons

from lianxin.accounts.models import User
from lianxin.accounts.provisioning import role_group
from lianxin.accounts.roles import SECOND_FACTOR_ROLES, Role
from lianxin.core.models import County, Town
from lianxin.people.models import (
    Agent,
    Department,
    DepartmentStaff,
    Deputy,
    DeputyCell,
    Gender,
    Observer,
    ObserverKind,
    StationDuty,
)
from lianxin.territory.geometry import centroid_of
from lianxin.territory.models import CellKind, GridCell, Station, StationKind

from . import data

M = TypeVar("M", bound=models.Model)


@dataclass
class Stats:
    """How many rows the run created and changed; a second run reports zero of both."""

    created: int = 0
    updated: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, other: Stats) -> None:
        self.created += other.created
        self.updated += other.updated
        self.logins.extend(other.logins)


def upsert(stats: Stats, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Get by ``lookup``; create with ``values`` or save only the fields that differ."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        stats.created += 1
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save(update_fields=changed)
        stats.updated += 1
    return obj


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["139", "138", "137", "136", "135", "158", "188", "176"]) + f"{rng.randrange(10**8):08d}"
    )


class NameMaker:
    """Chinese names that read naturally and never repeat within a town."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, gender: str) -> str:
        pool = data.GIVEN_MALE if gender == Gender.MALE else data.GIVEN_FEMALE
        while True:
            given = "".join(self.rng.choice(pool) for _ in range(self.rng.choice((1, 2, 2))))
            name = self.rng.choice(data.SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


def cell_polygons(centre: tuple[float, float], count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` non-overlapping polygons tiling a box around ``centre``: Voronoi cells of jittered seeds."""
    lat0, lng0 = centre
    half_lat, half_lng = 0.035, 0.045
    cols = 7
    rows = -(-count // cols)
    seeds = []
    for i in range(count):
        r, c = divmod(i, cols)
        lat = lat0 - half_lat + (r + 0.5) * (2 * half_lat / rows) + rng.uniform(-0.004, 0.004)
        lng = lng0 - half_lng + (c + 0.5) * (2 * half_lng / cols) + rng.uniform(-0.003, 0.003)
        seeds.append((round(lng, 6), round(lat, 6)))
    frame = box(lng0 - half_lng, lat0 - half_lat, lng0 + half_lng, lat0 + half_lat)
    regions = voronoi_polygons(MultiPoint(seeds), extend_to=frame)
    polygons = []
    for seed in seeds:
        # Voronoi output is unordered; take the region that holds each seed so cell i stays stable.
        region = next(g for g in regions.geoms if g.contains(MultiPoint([seed]).geoms[0]))
        clipped = region.intersection(frame)
        ring = [[round(x, 6), round(y, 6)] for x, y in clipped.exterior.coords]
        polygons.append({"type": "Polygon", "coordinates": [ring]})
    return polygons


def _town_centre(index: int) -> tuple[float, float]:
    """Chengguan at Huojia; further towns of a county on a grid 0.1° apart, so cells never overlap."""
    lat, lng = data.HUOJIA_CENTRE
    r, c = divmod(index, 10)
    return (round(lat + r * 0.1, 6), round(lng + c * 0.1, 6))


def _town_name(index: int) -> str:
    return data.TOWN_NAMES[index] if index < len(data.TOWN_NAMES) else f"示范镇{index + 1:03d}"


def build_town(
    county: County, index: int, *, with_demands: bool = True, say: Callable[[str], None] | None = None
) -> Stats:
    """Create or update one town with its grid, stations, departments, deputies, observers and agents,
    then (``with_demands``) its demand categories and a year of demands through the closed loop."""
    stats = Stats()
    rng = random.Random(f"lianxin-town-{index}")
    names = NameMaker(rng)

    def tell(what: str) -> None:
        if say is not None:
            say(what)

    tell("网格、站点、部门与代表 the grid, stations, departments and deputies")
    centre = _town_centre(index)
    town = upsert(
        stats,
        Town,
        {"code": f"{county.code}{index + 1:03d}"},
        {
            "county": county,
            "name": _town_name(index),
            "tracking_prefix": data.TOWN_PREFIXES[index] if index < len(data.TOWN_PREFIXES) else "",
            "centre_lat": centre[0],
            "centre_lng": centre[1],
        },
    )

    # 1. The grid: 18 villages and 3 communities.
    cell_names = [(n, CellKind.VILLAGE) for n in data.VILLAGES] + [
        (n, CellKind.COMMUNITY) for n in data.COMMUNITIES
    ]
    cells: dict[str, GridCell] = {}
    for i, ((name, kind), poly) in enumerate(
        zip(cell_names, cell_polygons(centre, len(cell_names), rng), strict=True)
    ):
        lat, lng = centroid_of(poly)
        cells[name] = upsert(
            stats,
            GridCell,
            {"town": town, "name": name},
            {
                "kind": kind,
                "name_en": data.CELL_NAMES_EN.get(name, ""),
                "code": f"{town.code}{i + 1:03d}",
                "boundary": poly,
                "centroid_lat": lat,
                "centroid_lng": lng,
                "households": rng.randrange(300, 1600),
            },
        )

    from .basemap import build_base_map  # the town's own roads and landmarks under the map's cells

    build_base_map(town=town, centre=centre)

    # 2. Stations: a window in each of the 21 centres, the industry station, 7 collection points, mediation.
    stations: dict[str, Station] = {}

    def station(name: str, kind: str, cell: GridCell | None, hours: str) -> Station:
        lat = (cell.centroid_lat if cell else town.centre_lat) or town.centre_lat
        lng = (cell.centroid_lng if cell else town.centre_lng) or town.centre_lng
        stations[name] = upsert(
            stats,
            Station,
            {"town": town, "name": name},
            {
                "kind": kind,
                "cell": cell,
                "address": f"{town.name}{cell.name if cell else '镇区'}",
                "lat": round(lat + rng.uniform(-0.002, 0.002), 6),
                "lng": round(lng + rng.uniform(-0.002, 0.002), 6),
                "opening_hours": hours,
            },
        )
        return stations[name]

    centres = []
    for name, kind in cell_names:
        if kind == CellKind.VILLAGE:
            centres.append(
                station(
                    f"{name}党群服务中心人大代表联络窗口",
                    StationKind.PARTY_SERVICE_CENTRE,
                    cells[name],
                    "周一至周五 8:30–17:30",
                )
            )
        else:
            centres.append(
                station(
                    f"{name}服务中心人大代表联络窗口",
                    StationKind.COMMUNITY_SERVICE_CENTRE,
                    cells[name],
                    "周一至周六 8:30–18:00",
                )
            )
    industry = station(
        data.INDUSTRY_STATION[0],
        StationKind.INDUSTRY,
        cells[data.INDUSTRY_STATION[1]],
        data.INDUSTRY_STATION[2],
    )
    points = [station(n, StationKind.COLLECTION_POINT, cells[c], h) for n, c, h in data.COLLECTION_POINTS]
    mediation = [
        station(n, StationKind.MEDIATION, cells[c] if c else None, "周一至周五 8:30–17:30")
        for n, c in data.MEDIATION_STATIONS
    ]

    # 3. Departments.
    departments = {}
    for name, short, dept_kind, duties in data.DEPARTMENTS:
        departments[short] = upsert(
            stats,
            Department,
            {"town": town, "name": name},
            {
                "short_name": short,
                "name_en": data.DEPARTMENT_NAMES_EN.get(short, ""),
                "kind": dept_kind,
                "duties": duties,
                "contact_phone": f"0373-45{rng.randrange(10**5):05d}",
            },
        )

    # 4. Deputies: 87 at four levels; each serves a responsible cell (higher levels a second one too).
    cell_list = list(cells.values())
    deputies: list[Deputy] = []
    for level, count in data.DEPUTY_LEVELS:
        for _ in range(count):
            gender = rng.choice([Gender.MALE, Gender.MALE, Gender.FEMALE])
            occupation = rng.choice(data.OCCUPATIONS)
            deputies.append(
                Deputy(
                    name=names(gender),
                    gender=gender,
                    level=level,
                    occupation=occupation,
                    is_entrepreneur=occupation in data.ENTREPRENEUR,
                    phone=_phone(rng),
                )
            )
    # Township deputies first in cell order so every cell has at least two of them.
    deputies.sort(key=lambda d: d.level != "township")
    saved: list[Deputy] = []
    for i, d in enumerate(deputies):
        primary = cell_list[i % len(cell_list)]
        lat = (primary.centroid_lat or 0) + rng.uniform(-0.004, 0.004)
        lng = (primary.centroid_lng or 0) + rng.uniform(-0.004, 0.004)
        dep = upsert(
            stats,
            Deputy,
            {"town": town, "name": d.name},
            {
                "gender": d.gender,
                "level": d.level,
                "occupation": d.occupation,
                "is_entrepreneur": d.is_entrepreneur,
                "phone": d.phone,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
            },
        )
        upsert(
            stats,
            DeputyCell,
            {"town": town, "deputy": dep, "cell": primary},
            {"voters": rng.randrange(120, 600), "is_primary": True},
        )
        if d.level != "township":
            second = cell_list[(i + 7) % len(cell_list)]
            upsert(
                stats,
                DeputyCell,
                {"town": town, "deputy": dep, "cell": second},
                {"voters": rng.randrange(80, 300), "is_primary": False},
            )
        saved.append(dep)

    # 5. Station duty: 54 distinct deputies. Two per centre window from its own cell, five in the industry
    #    station (entrepreneurs first), one per collection point; mediation micro-stations draw on those.
    on_duty: list[Deputy] = []
    since = dt.date(2024, 1, 8)

    def duty(dep: Deputy, st: Station, schedule: str) -> None:
        upsert(
            stats,
            StationDuty,
            {"town": town, "deputy": dep, "station": st},
            {"schedule": schedule, "since": since},
        )
        if dep not in on_duty:
            on_duty.append(dep)

    by_cell: dict[int, list[Deputy]] = {}
    for i, dep in enumerate(saved):
        by_cell.setdefault(cell_list[i % len(cell_list)].pk, []).append(dep)
    for st in centres:
        for k, dep in enumerate(by_cell[st.cell_id][:2]):  # type: ignore[index]
            duty(dep, st, ["每月 5 日、20 日", "每月 10 日、25 日"][k])
    spare = [d for d in saved if d not in on_duty]
    spare.sort(key=lambda d: not d.is_entrepreneur)
    for dep in spare[:5]:
        duty(dep, industry, "每周二")
    spare = [d for d in saved if d not in on_duty]
    for dep, st in zip(spare, points, strict=False):
        duty(dep, st, "每周四上午")
    for k, st in enumerate(mediation):
        duty(on_duty[k * 3], st, "重大纠纷调解时")
    assert len(on_duty) == data.DEPUTIES_ON_DUTY, len(on_duty)

    # 6. Observers of every kind, each paired with a deputy responsible for the same cell.
    plan: list[tuple[str, GridCell]] = []
    for i, cell in enumerate(cell_list):
        plan += [(ObserverKind.GRID_WORKER, cell), (ObserverKind.PARTY_MEMBER, cell)]
        plan.append((ObserverKind.RESIDENTS_REPRESENTATIVE, cell))
        if cell.kind == CellKind.COMMUNITY:
            plan += [(ObserverKind.COMMUNITY_WORKER, cell)] * 2
        elif i % 3 == 0:
            plan.append((ObserverKind.VILLAGE_WORK_TEAM, cell))
    plan += [(ObserverKind.LOCAL_POLICE, cell_list[i * 5]) for i in range(4)]
    observers: list[Observer] = []
    seen: dict[tuple[str, int], int] = {}
    for obs_kind, cell in plan:
        key = (obs_kind, cell.pk)
        seen[key] = seen.get(key, 0) + 1
        partner = by_cell[cell.pk][(seen[key] - 1) % len(by_cell[cell.pk])]
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        observers.append(
            upsert(
                stats,
                Observer,
                {"town": town, "name": names(gender)},
                {"kind": obs_kind, "deputy": partner, "cell": cell, "phone": _phone(rng)},
            )
        )

    # 7. Agents: the person in charge of each collection point.
    agents = []
    for st in points:
        gender = rng.choice([Gender.MALE, Gender.FEMALE, Gender.FEMALE])
        agents.append(
            upsert(stats, Agent, {"town": town, "name": names(gender)}, {"station": st, "phone": _phone(rng)})
        )

    # 8. One login per role, only for the first town (the demo town).
    if index == 0:
        stats.add(
            _logins(
                town,
                county,
                deputy=saved[0],
                observer=observers[0],
                agent=agents[0],
                department=departments["城管"],
            )
        )

    # 9. Demand categories and a year of demands, replayed through the real services (demo/demands.py).
    if with_demands:
        from .demands import build_demands  # imported here: demands.py builds on this module
        from .duty import build_duty  # a year of duty for every deputy (after the demands: it builds on them)

        tell("一年的诉求 a year of demands, through the real services")
        stats.add(
            build_demands(
                town=town,
                index=index,
                cells=cells,
                centres=centres,
                industry=industry,
                points=points,
                departments=departments,
                deputies=saved,
                observers=observers,
                agents=agents,
            )
        )
        tell("代表履职 the deputies' year of duty")
        stats.add(build_duty(town=town, index=index, deputies=saved, observers=observers))
        from .supervision import build_supervision  # after the demands: suggestions grow from transfers

        tell("民生实事与询问 livelihood projects and inquiries")
        stats.add(build_supervision(town=town, index=index, departments=departments, deputies=saved))
        from .intake import build_intake  # 10. the intake's place aliases and the demo town's model

        tell("分派模型 training the routing model")
        stats.add(build_intake(town=town, index=index, cells=cells))
        from .disputes import build_disputes  # the dispute ledger's year (demo/disputes.py)

        tell("矛盾纠纷台账 the dispute ledger")
        stats.add(build_disputes(town=town, index=index))
        from .insight import build_insight  # 11. early warnings found in the year's demands (issue 14)

        tell("预警 early warnings")
        stats.add(build_insight(town=town))
    return stats


def _admin_group(role: str) -> Group | None:
    """The role's group, as every new account of the role gets it (lianxin/accounts/provisioning.py)."""
    return role_group(role)


def _second_factor(user: User) -> None:
    """The demo's administrators and presidium share one known authenticator key (README, "Demo"), so that
    the demo can be tried with OTP_REQUIRED=true."""
    if user.role in SECOND_FACTOR_ROLES and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="demo", key=data.DEMO_TOTP_KEY, confirmed=True)


def _logins(
    town: Town, county: County, *, deputy: Deputy, observer: Observer, agent: Agent, department: Department
) -> Stats:
    stats = Stats()
    linked: dict[str, Deputy | Observer | Agent] = {"deputy": deputy, "observer": observer, "agent": agent}
    password = make_password(data.DEMO_PASSWORD)  # hashing is slow by design: once for all the logins
    display = {
        "deputy": f"{deputy.name}代表",
        "observer": f"观察员 {observer.name}",
        "agent": f"代办员 {agent.name}",
    }
    for username, role, name in data.ROLE_LOGINS:
        town_role = role not in (Role.COUNTY_VIEWER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
        values: dict[str, Any] = {
            "role": role,
            "town": town if town_role else None,
            "county": county if role == Role.COUNTY_VIEWER else None,
            "display_name": name or display[username],
            "is_staff": role in (Role.PRESIDIUM, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN),
            "is_superuser": False,  # every administrator works through a group of permissions
        }
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username, password=password, **values)
            stats.created += 1
        else:
            user = upsert(stats, User, {"username": username}, values)
        group = _admin_group(role)
        if group is not None and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        _second_factor(user)
        if username in linked:
            _link(stats, linked[username], user)
        elif role == Role.DEPARTMENT:
            upsert(stats, DepartmentStaff, {"user": user}, {"town": town, "department": department})
        stats.logins.append((username, str(Role(role).label), data.DEMO_PASSWORD))
    return stats


def _link(stats: Stats, obj: Deputy | Observer | Agent, user: User) -> None:
    """Give the demo account to this person (and take it from anyone who had it)."""
    if obj.user_id != user.pk:
        type(obj)._default_manager.filter(user=user).exclude(pk=obj.pk).update(user=None)
        obj.user = user
        obj.save(update_fields=["user"])
        stats.updated += 1


def generate(
    *,
    scale: int = 1,
    progress: Callable[[Iterable[int]], Iterable[int]] | None = None,
    with_demands: bool = True,
    say: Callable[[str], None] | None = None,
) -> Stats:
    """Build the demo county: Chengguan first, then ``scale - 1`` more towns. Each town is one transaction."""
    stats = Stats()
    county = upsert(stats, County, {"code": data.COUNTY[0]}, {"name": data.COUNTY[1]})
    indices: Iterable[int] = range(scale)
    if progress is not None:
        indices = progress(indices)
    for index in indices:
        with transaction.atomic():
            stats.add(build_town(county, index, with_demands=with_demands, say=say))
    return stats
