"""The dashboards' figures: every one a SQL aggregation over the demands the user may read.

The rates are defined once here (``RATES``: numerator, denominator, period) and in docs/insight.md; the
pages show the same definition on hover. Nothing here loops over demand rows in Python: each breakdown is
one ``GROUP BY`` query, each rate a conditional ``COUNT`` (see tests/insight/test_dashboard.py, which
counts the queries of a page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianxin.core import clock
from lianxin.demands.models import Assignment, Channel, Demand, Evaluation, EvaluatorRole, Outcome, Verdict
from lianxin.demands.states import (
    ASSIGNMENT_LIST,
    COMPLETION_LIST,
    ON_THE_CLOCK,
    PROBLEM_LIST,
    Status,
)

# Demands that never enter the loop: duplicates merged into another, declined, transferred upward.
OUT_OF_LOOP = (Status.MERGED, Status.DECLINED, Status.TRANSFERRED)
RESPONSE_HOURS = 24
SATISFIED = (Verdict.SATISFIED, Verdict.BASICALLY)


@dataclass(frozen=True)
class RateDef:
    key: str
    label: str | Promise
    numerator: str | Promise
    denominator: str | Promise
    period: str | Promise

    @property
    def definition(self) -> str:
        return f"{self.label} = {self.numerator} ÷ {self.denominator}. {self.period}"


COHORT = _("Period: demands recorded in the chosen dates (by their recording time), as they stand now.")
RATES = {
    "response": RateDef(
        "response",
        _("Response rate"),
        _("demands claimed by a deputy within 24 hours of recording"),
        _("demands recorded, less those merged, declined or transferred upward"),
        COHORT,
    ),
    "resolution": RateDef(
        "resolution",
        _("Resolution rate"),
        _("demands on the completion list whose outcome is resolved"),
        _("demands on the completion list (resolved or only explained)"),
        COHORT,
    ),
    "satisfaction": RateDef(
        "satisfaction",
        _("Satisfaction rate"),
        _("citizens' evaluations that are satisfied or basically satisfied"),
        _("all citizens' evaluations (an item evaluated twice after rework counts twice)"),
        _("Period: evaluations of the demands recorded in the chosen dates."),
    ),
    "on_time": RateDef(
        "on_time",
        _("On-time rate"),
        _("assignments completed by their deadline"),
        _("assignments completed, plus those still open past their deadline"),
        COHORT,
    ),
}


@dataclass(frozen=True)
class Period:
    """Local dates, ``end`` excluded."""

    start: dt.date
    end: dt.date

    @classmethod
    def default(cls) -> Period:
        """The last twelve months to today: from the first of the month eleven months back."""
        today = timezone.localdate(clock.now())
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return cls(dt.date(year, (month - 1) % 12 + 1, 1), today + dt.timedelta(days=1))

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time()))

    @property
    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time()))

    @property
    def query(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": (self.end - dt.timedelta(days=1)).isoformat()}


def visible_demands(user: Any, towns: list[int] | None = None) -> QuerySet[Demand]:
    """The user's demands (of ``towns`` only, when given: a report), as a plain queryset that aggregates
    safely (a scope with joins is a subquery)."""
    qs = Demand.objects.restrict(user)
    if qs.query.distinct:
        qs = Demand.objects.filter(pk__in=qs.values("pk"))
    return qs if towns is None else qs.filter(town_id__in=towns)


def cohort(user: Any, period: Period, towns: list[int] | None = None) -> QuerySet[Demand]:
    return visible_demands(user, towns).filter(created_at__gte=period.start_at, created_at__lt=period.end_at)


# --- figures as conditions: the counts and the drill-down lists read the same Q ---------------------
def figure_q(name: str, *, at: dt.datetime) -> Q:
    """The demands behind a figure (a condition on Demand)."""
    in_loop = ~Q(status__in=OUT_OF_LOOP)
    late = Q(assignment__completed_at__gt=F("assignment__due_at")) | Q(
        assignment__completed_at__isnull=True, assignment__due_at__lt=at, status__in=ON_THE_CLOCK
    )
    return {
        "received": Q(),
        "in_loop": in_loop,
        "responded": in_loop & Q(claimed_at__lte=F("created_at") + dt.timedelta(hours=RESPONSE_HOURS)),
        "completed": Q(status__in=COMPLETION_LIST),
        "resolved": Q(status__in=COMPLETION_LIST, outcome=Outcome.RESOLVED),
        "overdue": Q(status__in=ON_THE_CLOCK, assignment__due_at__lt=at),
        "on_time": Q(assignment__completed_at__lte=F("assignment__due_at")),
        "late": late,
        "evaluated": Q(evaluations__role=EvaluatorRole.CITIZEN),
        "satisfied": Q(evaluations__role=EvaluatorRole.CITIZEN, evaluations__verdict__in=SATISFIED),
        "problem": Q(status__in=PROBLEM_LIST),
        "assignment": Q(status__in=ASSIGNMENT_LIST),
        "completion": Q(status__in=COMPLETION_LIST),
    }[name]


FIGURES = (
    "received",
    "in_loop",
    "responded",
    "completed",
    "resolved",
    "overdue",
    "on_time",
    "late",
    "evaluated",
    "satisfied",
    "problem",
    "assignment",
    "completion",
)
# The drill-down's dimensions: the query parameter and the Demand field it filters.
DIMENSIONS = {
    "town": "town",
    "cell": "cell",
    "category": "category",
    "department": "assignment__department",
    "deputy": "deputy",
    "channel": "channel",
}


def items_url(period: Period | None = None, **params: Any) -> str:
    query = dict(period.query) if period else {}
    query.update({k: ("none" if v is None else v) for k, v in params.items()})
    return f"{reverse('insight:items')}?{urlencode(query)}"


@dataclass
class Rates:
    """The counts behind the four rates (and the rates, ``None`` when nothing is counted)."""

    received: int = 0
    in_loop: int = 0
    responded: int = 0
    completed: int = 0
    resolved: int = 0
    evaluations: int = 0
    satisfied: int = 0
    on_time: int = 0
    late: int = 0

    @staticmethod
    def _pct(n: int, d: int) -> float | None:
        return round(100 * n / d, 1) if d else None

    @property
    def response(self) -> float | None:
        return self._pct(self.responded, self.in_loop)

    @property
    def resolution(self) -> float | None:
        return self._pct(self.resolved, self.completed)

    @property
    def satisfaction(self) -> float | None:
        return self._pct(self.satisfied, self.evaluations)

    @property
    def on_time_rate(self) -> float | None:
        return self._pct(self.on_time, self.on_time + self.late)


def _demand_counts(at: dt.datetime) -> dict[str, Any]:
    return {
        "received": Count("pk"),
        "in_loop": Count("pk", filter=figure_q("in_loop", at=at)),
        "responded": Count("pk", filter=figure_q("responded", at=at)),
        "completed": Count("pk", filter=figure_q("completed", at=at)),
        "resolved": Count("pk", filter=figure_q("resolved", at=at)),
    }


def _grouped(qs: QuerySet[Any], keys: tuple[str, ...], counts: dict[str, Any]) -> dict[Any, dict[str, Any]]:
    if not keys:
        return {None: qs.aggregate(**counts)}
    return {row[keys[0]]: row for row in qs.values(*keys).annotate(**counts).order_by()}


def rates_by(demands: QuerySet[Demand], *keys: str, at: dt.datetime | None = None) -> dict[Any, Rates]:
    """The rates of ``demands``, overall (no key) or per value of ``keys[0]`` (a Demand path): three
    queries whatever the number of groups."""
    at = at or clock.now()
    by_demand = _grouped(demands, keys, _demand_counts(at))
    prefixed = tuple(f"demand__{k}" for k in keys)
    evaluations = _grouped(
        Evaluation.objects.filter(demand__in=demands, role=EvaluatorRole.CITIZEN),
        prefixed,
        {"evaluations": Count("pk"), "satisfied": Count("pk", filter=Q(verdict__in=SATISFIED))},
    )
    assignments = _grouped(
        Assignment.objects.filter(demand__in=demands),
        prefixed,
        {
            "on_time": Count("pk", filter=Q(completed_at__lte=F("due_at"))),
            "late": Count(
                "pk",
                filter=Q(completed_at__gt=F("due_at"))
                | Q(completed_at__isnull=True, due_at__lt=at, demand__status__in=ON_THE_CLOCK),
            ),
        },
    )
    out: dict[Any, Rates] = {}
    for key in by_demand.keys() | evaluations.keys() | assignments.keys():
        r = Rates()
        for source in (by_demand, evaluations, assignments):
            for name, value in source.get(key, {}).items():
                if hasattr(r, name) and not name.startswith("_") and isinstance(value, int):
                    setattr(r, name, value)
        out[key] = r
    return out


# --- the dashboard --------------------------------------------------------------------------------
@dataclass
class Row:
    key: Any
    label: str
    received: int
    completed: int
    resolved: int
    overdue: int
    responded: int
    in_loop: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def response(self) -> float | None:
        return Rates._pct(self.responded, self.in_loop)

    @property
    def resolution(self) -> float | None:
        return Rates._pct(self.resolved, self.completed)


@dataclass
class Dashboard:
    period: Period
    at: dt.datetime
    lists: dict[str, int]
    rates: Rates
    breakdowns: dict[str, list[Row]]
    departments: list[dict[str, Any]]
    deputies: list[dict[str, Any]]
    towns: list[tuple[str, Rates]]
    rate_defs: dict[str, RateDef] = field(default_factory=lambda: RATES)


BREAKDOWNS: dict[str, tuple[str, str | None, str | Promise]] = {
    # name: (group field, label field, heading)
    "cell": ("cell", "cell__name", _("By grid cell")),
    "category": ("category", "category__name", _("By category")),
    "department": ("assignment__department", "assignment__department__name", _("By department")),
    "deputy": ("deputy", "deputy__name", _("By deputy")),
    "channel": ("channel", None, _("By channel")),
    "month": ("month", None, _("By month")),
}


def breakdown(demands: QuerySet[Demand], name: str, *, at: dt.datetime) -> list[Row]:
    key, label, _heading = BREAKDOWNS[name]
    counts = _demand_counts(at) | {"overdue": Count("pk", filter=figure_q("overdue", at=at))}
    qs: QuerySet[Any] = demands
    if name == "month":
        qs = qs.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
    fields = (key, label) if label else (key,)
    rows = qs.values(*fields).annotate(**counts).order_by(key if name == "month" else "-received")
    channels = dict(Channel.choices)
    unnamed = str(_("unassigned")) if name in ("department", "deputy") else str(_("not placed"))
    out = []
    for row in rows:
        value = row[key]
        if name == "channel":
            text = str(channels.get(value, value))
        elif name == "month":
            value = f"{timezone.localtime(value):%Y-%m}" if isinstance(value, dt.datetime) else str(value)[:7]
            text = value
        else:
            text = row[label] if label and row[label] is not None else unnamed
        out.append(
            Row(
                key=value,
                label=text,
                received=row["received"],
                completed=row["completed"],
                resolved=row["resolved"],
                overdue=row["overdue"],
                responded=row["responded"],
                in_loop=row["in_loop"],
            )
        )
    return out


def lists_now(user: Any, *, at: dt.datetime, towns: list[int] | None = None) -> dict[str, int]:
    """The three lists and the overdue items as they stand now (one query)."""
    names = ("problem", "assignment", "completion", "overdue")
    # aliased: an aggregate named "assignment" would hide the relation of the same name
    row = visible_demands(user, towns).aggregate(
        **{f"n_{n}": Count("pk", filter=figure_q(n, at=at)) for n in names}
    )
    return {n: row[f"n_{n}"] for n in names}


def department_ranking(demands: QuerySet[Demand], *, at: dt.datetime) -> list[dict[str, Any]]:
    """Departments by on-time rate, then by volume (one query)."""
    rows = (
        Assignment.objects.filter(demand__in=demands)
        .values("department", "department__name")
        .annotate(
            total=Count("pk"),
            on_time=Count("pk", filter=Q(completed_at__lte=F("due_at"))),
            late=Count(
                "pk",
                filter=Q(completed_at__gt=F("due_at"))
                | Q(completed_at__isnull=True, due_at__lt=at, demand__status__in=ON_THE_CLOCK),
            ),
        )
        .order_by()
    )
    out = [
        {
            "key": r["department"],
            "label": r["department__name"],
            "total": r["total"],
            "on_time": r["on_time"],
            "late": r["late"],
            "rate": Rates._pct(r["on_time"], r["on_time"] + r["late"]),
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-(r["rate"] if r["rate"] is not None else -1), -r["total"], r["label"]))
    return out


def deputy_ranking(demands: QuerySet[Demand], *, at: dt.datetime) -> list[dict[str, Any]]:
    """Deputies by items completed, then by response rate, with their satisfaction (two queries)."""
    rates = rates_by(demands.filter(deputy__isnull=False), "deputy", at=at)
    names = dict(demands.filter(deputy__isnull=False).values_list("deputy", "deputy__name").distinct())
    out = [
        {
            "key": key,
            "label": names.get(key, ""),
            "total": r.received,
            "completed": r.completed,
            "response": r.response,
            "satisfaction": r.satisfaction,
            "rates": r,
        }
        for key, r in rates.items()
        if key is not None
    ]
    out.sort(key=lambda r: (-r["completed"], -(r["response"] or 0), r["label"]))
    return out


def dashboard(
    *, user: Any, period: Period, county: bool = False, towns: list[int] | None = None
) -> Dashboard:
    at = clock.now()
    demands = cohort(user, period, towns)
    overall = rates_by(demands, at=at).get(None, Rates())
    side_by_side: list[tuple[str, Rates]] = []
    if county:
        by_town = rates_by(demands, "town", at=at)
        town_names = dict(visible_demands(user, towns).values_list("town", "town__name").distinct())
        side_by_side = sorted(((town_names.get(k, ""), r) for k, r in by_town.items()), key=lambda t: t[0])
    return Dashboard(
        period=period,
        at=at,
        lists=lists_now(user, at=at, towns=towns),
        rates=overall,
        breakdowns={name: breakdown(demands, name, at=at) for name in BREAKDOWNS},
        departments=department_ranking(demands, at=at),
        deputies=deputy_ranking(demands, at=at)[:20],
        towns=side_by_side,
    )


def chart_data(d: Dashboard) -> dict[str, Any]:
    """What the page's ECharts draw, with the drill-down link of each bar."""
    p = d.period

    def bars(name: str, limit: int = 12) -> list[dict[str, Any]]:
        return [
            {"label": r.label, "value": r.received, "url": items_url(p, **{name: r.key})}
            for r in d.breakdowns[name][:limit]
            if name != "month"
        ]

    def rest(name: str, what: Any, limit: int = 12) -> dict[str, Any] | None:
        """What a chart cut to its top ``limit`` leaves out, to be said beside it."""
        left = d.breakdowns[name][limit:]
        if not left:
            return None
        return {"what": str(what), "shown": limit, "n": len(left), "total": sum(r.received for r in left)}

    cut = {
        "category": rest("category", _("Demands by category")),
        "cell": rest("cell", _("Demands by grid cell")),
        "channel": rest("channel", _("Demands by channel")),
    }
    months = d.breakdowns["month"]
    return {
        "rest": {name: r for name, r in cut.items() if r is not None},
        "months": [r.label for r in months],
        "received": [r.received for r in months],
        "completed": [r.completed for r in months],
        "month_urls": [items_url(Period(*_month_bounds(r.key)), figure="received") for r in months],
        "labels": {"received": str(_("received")), "completed": str(_("completed"))},
        "category": bars("category"),
        "cell": bars("cell"),
        "channel": bars("channel"),
    }


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, mon = (int(x) for x in month.split("-"))
    start = dt.date(year, mon, 1)
    end = dt.date(year + mon // 12, mon % 12 + 1, 1)
    return start, end


def items(*, user: Any, period: Period | None, filters: dict[str, str], figure: str) -> QuerySet[Demand]:
    """The demands behind one figure of a dashboard (the drill-down)."""
    at = clock.now()
    qs = cohort(user, period) if period else visible_demands(user)
    for name, value in filters.items():
        path = DIMENSIONS[name]
        qs = qs.filter(**{f"{path}__isnull": True}) if value == "none" else qs.filter(**{path: value})
    qs = qs.filter(figure_q(figure, at=at))
    if figure in ("evaluated", "satisfied"):
        qs = qs.distinct()
    return qs.select_related("category", "cell", "deputy").order_by("-created_at")


# --- early warnings -----------------------------------------------------------------------------------
def warnings_for(*, user: Any, status: str | None = "open") -> QuerySet[Any]:
    from .models import EarlyWarning

    qs = EarlyWarning.objects.restrict(user).select_related("cell", "category")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-last_detected_at", "-pk")


def warning_evidence(*, user: Any, warning: Any) -> QuerySet[Demand]:
    """The evidence demands the user may read (a deputy reading a warning sees only theirs)."""
    return (
        visible_demands(user)
        .filter(pk__in=warning.demand_ids)
        .select_related("category", "cell")
        .order_by("created_at")
    )


def topic_effect(*, warning: Any, months: int = 3) -> dict[str, Any] | None:
    """每月一题: demands of the warning's cell and category in the ``months`` before the topic month, and in
    the topic month and those after it (one query)."""
    if warning.topic_month is None:
        return None
    start = warning.topic_month
    before = start
    for _i in range(months):
        before = (before - dt.timedelta(days=1)).replace(day=1)
    after = start
    for _i in range(months):
        after = (after + dt.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()

    def aware(d: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(d, dt.time()), tz)

    qs = Demand.objects.filter(town_id=warning.town_id)
    if warning.cell_id:
        qs = qs.filter(cell_id=warning.cell_id)
    if warning.category_id:
        qs = qs.filter(category_id=warning.category_id)
    counts = qs.aggregate(
        before=Count("pk", filter=Q(created_at__gte=aware(before), created_at__lt=aware(start))),
        after=Count("pk", filter=Q(created_at__gte=aware(start), created_at__lt=aware(after))),
    )
    return {
        "months": months,
        "before": counts["before"],
        "after": counts["after"],
        "from": before,
        "to": after,
    }


def reports_for(*, user: Any) -> QuerySet[Any]:
    """A town's reports for who reads the town's dashboards; a county's for its county viewers (report jobs of
    the job app, newest month first)."""
    from lianxin.accounts.principals import can
    from lianxin.accounts.roles import Capability
    from lianxin.accounts.scoping import towns_visible_to
    from lianxin.jobs.models import Job

    from .jobs import MONTHLY_REPORT

    if not can(user, Capability.VIEW_INSIGHT):
        return Job.objects.none()
    q = Q(town__in=towns_visible_to(user))
    if can(user, Capability.VIEW_COUNTY) and getattr(user, "county_id", None):
        q |= Q(town__isnull=True, params__county=user.county_id)
    return (
        Job.objects.filter(q, kind=MONTHLY_REPORT.kind)
        .select_related("town")
        .order_by("-params__month", "town", "-pk")
    )
