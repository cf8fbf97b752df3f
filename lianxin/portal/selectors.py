"""The figures on the staff home page, and the reads of the public and citizen pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.core.access import towns_visible_to
from lianxin.core.models import Town
from lianxin.core.workflow import workflow_of
from lianxin.demands.events import Event
from lianxin.demands.models import Attachment, Demand, DemandEvent, Evaluation, EvaluatorRole
from lianxin.demands.states import DONE, IN_PROGRESS, ON_THE_CLOCK, Status
from lianxin.demands.workflow import CITIZEN_READS_NOTE, INTERNAL
from lianxin.disputes.models import OPEN as DISPUTE_OPEN
from lianxin.disputes.models import Dispute
from lianxin.people import selectors as people
from lianxin.people.models import Deputy, DeputyCell, ObserverKind, StationDuty
from lianxin.territory import selectors as territory
from lianxin.territory.models import CENTRE_KINDS, CellKind, GridCell, Station, StationKind


@dataclass
class TownSummary:
    cells: dict[str, int]
    stations: dict[str, int]
    deputies_by_level: list[tuple[str, str, int]]
    deputies_total: int
    deputies_on_duty: int
    observers_by_kind: list[tuple[str, str, int]]
    observers_total: int
    departments: int


def town_summary(*, user: Any) -> TownSummary:
    cell_counts = dict(territory.cells_visible_to(user).values_list("kind").annotate(n=Count("id")))
    station_counts = dict(territory.stations_visible_to(user).values_list("kind").annotate(n=Count("id")))
    by_level = people.deputies_by_level(user=user)
    observers = dict(people.observers_visible_to(user).values_list("kind").annotate(n=Count("id")))
    return TownSummary(
        cells={k: cell_counts.get(k, 0) for k in CellKind.values} | {"all": sum(cell_counts.values())},
        stations={k: station_counts.get(k, 0) for k in StationKind.values}
        | {
            "centres": sum(station_counts.get(k, 0) for k in CENTRE_KINDS),
            "all": sum(station_counts.values()),
        },
        deputies_by_level=by_level,
        deputies_total=sum(n for _, _, n in by_level),
        deputies_on_duty=people.deputies_visible_to(user).filter(duties__isnull=False).distinct().count(),
        observers_by_kind=[(k.value, str(k.label), observers.get(k.value, 0)) for k in ObserverKind],
        observers_total=sum(observers.values()),
        departments=people.departments_visible_to(user).count(),
    )


@dataclass
class TownRow:
    """One town of the county's table: its key figures side by side with the others'."""

    town: Town
    deputies: int = 0
    demands: int = 0
    in_progress: int = 0
    overdue: int = 0
    disputes_open: int = 0
    petition_risks: int = 0


def county_table(*, user: Any) -> list[TownRow]:
    """The county viewer's towns side by side: a handful of grouped queries, whatever the number of towns."""
    rows = {t.pk: TownRow(town=t) for t in towns_visible_to(user).order_by("code")}
    now = clock.now()
    demands = (
        Demand.objects.restrict(user)
        .values("town")
        .annotate(
            n=Count("pk"),
            progress=Count("pk", filter=Q(status__in=IN_PROGRESS)),
            late=Count("pk", filter=Q(status__in=ON_THE_CLOCK, assignment__due_at__lt=now)),
        )
        .order_by()
    )
    for r in demands:
        if r["town"] in rows:
            row = rows[r["town"]]
            row.demands, row.in_progress, row.overdue = r["n"], r["progress"], r["late"]
    disputes = (
        Dispute.objects.restrict(user)
        .values("town")
        .annotate(
            open=Count("pk", filter=Q(status__in=DISPUTE_OPEN)),
            risks=Count("pk", filter=Q(petition_risk=True, status__in=DISPUTE_OPEN)),
        )
        .order_by()
    )
    for d in disputes:
        if d["town"] in rows:
            rows[d["town"]].disputes_open, rows[d["town"]].petition_risks = d["open"], d["risks"]
    for town_id, n in people.deputies_visible_to(user).values_list("town").annotate(n=Count("pk")).order_by():
        if town_id in rows:
            rows[town_id].deputies = n
    return list(rows.values())


# --- public and citizen reads -------------------------------------------------------------------
# Public pages take a town, never a user, and return only what may be public: no private person's name,
# phone or ID number is ever selected for them.


def public_towns() -> QuerySet[Town]:
    return Town.objects.order_by("code")


def only_town() -> Town | None:
    towns = list(Town.objects.order_by("code")[:2])
    return towns[0] if len(towns) == 1 else None


def public_deputies(*, town: Town, cell: GridCell | None = None) -> QuerySet[Deputy]:
    qs = Deputy.objects.filter(town=town)
    if cell is not None:  # who serves the village, or sits in its station
        qs = qs.filter(Q(cell_links__cell=cell) | Q(duties__station__cell=cell))
        qs = Deputy.objects.filter(pk__in=qs.values("pk"))
    return qs.annotate(
        cell_count=Count("cell_links", distinct=True), duty_count=Count("duties", distinct=True)
    ).order_by("level", "name")


@dataclass
class Found:
    """One village's people to go to: the deputies serving it (the responsible first), the deputies on duty
    in its stations, and the stations themselves."""

    serving: list[tuple[Deputy, bool]]  # (deputy, responsible for the cell)
    stations: list[Station]


def find_deputies(*, town: Town, cell: GridCell) -> Found:
    links = (
        DeputyCell.objects.filter(town=town, cell=cell)
        .select_related("deputy")
        .order_by("-is_primary", "deputy__level", "deputy__name")
    )
    stations = (
        Station.objects.filter(town=town, cell=cell)
        .prefetch_related(Prefetch("duties", queryset=StationDuty.objects.select_related("deputy")))
        .order_by("kind", "name")
    )
    return Found(serving=[(lk.deputy, lk.is_primary) for lk in links], stations=list(stations))


@dataclass
class DeputySummary:
    cells: list[tuple[str, str, int, bool]]  # (name, kind label, voters, responsible)
    duties: list[tuple[Station, str]]
    observers: int
    claimed: int
    in_progress: int
    completed: int


def deputy_summary(*, deputy: Deputy) -> DeputySummary:
    links = deputy.cell_links.select_related("cell").order_by("-is_primary", "cell__code")
    demands = Demand.objects.filter(town_id=deputy.town_id, deputy=deputy)
    return DeputySummary(
        cells=[(lk.cell.name, str(lk.cell.get_kind_display()), lk.voters, lk.is_primary) for lk in links],
        duties=[(d.station, d.schedule) for d in deputy.duties.select_related("station").order_by("station")],
        observers=deputy.observers.count(),
        claimed=demands.count(),
        in_progress=demands.filter(status__in=IN_PROGRESS).count(),
        completed=demands.filter(status__in=DONE).count(),
    )


def public_stations(*, town: Town, kind: str = "") -> QuerySet[Station]:
    qs = (
        Station.objects.filter(town=town)
        .select_related("cell")
        .prefetch_related(Prefetch("duties", queryset=StationDuty.objects.select_related("deputy")))
        .order_by("kind", "name")
    )
    return qs.filter(kind=kind) if kind else qs


def intake_seen(*, town: Town, intake_key: str) -> bool:
    """Whether a submission with this key already made a demand (a retry, not a new submission)."""
    return Demand.objects.filter(town=town, intake_key=intake_key).exists()


def tracked_demand(*, town: Town, code: str, user: Any, tracked: list[int]) -> Demand | None:
    """The demand if this visitor may follow it: proved in this session (code + phone digits) or their own."""
    demand = (
        Demand.objects.filter(town=town, code=code)
        .select_related("category", "cell", "station", "deputy", "assignment__department")
        .first()
    )
    if demand is None:
        return None
    if demand.pk in tracked or Demand.objects.restrict(user).filter(pk=demand.pk).exists():
        return demand
    return None


def merged_target(*, town: Town, code: str, user: Any, tracked: list[int]) -> Demand | None:
    """The demand ``code`` when this visitor follows a demand merged into it (proved in this session or
    their own), else None: they read its progress and result, nothing personal of it."""
    target = Demand.objects.filter(town=town, code=code).select_related("category", "cell", "station").first()
    if target is None:
        return None
    followed = Demand.objects.filter(town=town).filter(
        Q(pk__in=tracked) | Q(pk__in=Demand.objects.restrict(user).values("pk"))
    )
    into = followed.filter(Q(merged_into=target) | Q(merged_into__merged_into=target))  # merged once or twice
    return target if into.exists() else None


def demand_by_code(*, town: Town, code: str) -> Demand | None:
    return Demand.objects.filter(town=town, code=code).first()


def demand_timeline(*, demand: Demand, own: bool = True) -> list[tuple[Any, str]]:
    """(time, step) for the citizen: what happened and when, without who inside the offices did it. The
    citizen's own evaluation reads as their verdict and what followed from it."""
    flow = workflow_of(Demand)
    events = DemandEvent.objects.filter(demand=demand).exclude(action__in=INTERNAL).order_by("at", "pk")
    verdicts = iter(citizen_evaluations(demand=demand))
    steps = []
    for e in events:
        label = str(flow.citizen_label(e.action))
        if e.action in CITIZEN_READS_NOTE:
            label = f"{label}: {e.note}"
        if own and e.action == Event.EVALUATE and (verdict := next(verdicts, None)) is not None:
            label = (
                _("You evaluated: %(verdict)s. Returned to the department for rework.")
                if e.to_status == Status.RETURNED
                else _("You evaluated: %(verdict)s.")
            ) % {"verdict": verdict.get_verdict_display()}
        steps.append((e.at, label))
    return steps


def citizen_evaluations(*, demand: Demand) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(demand=demand, role=EvaluatorRole.CITIZEN).order_by("at", "pk")


def last_result(*, demand: Demand) -> str:
    """The department's latest result report: on the assignment, or (once the item was returned for
    rework) in the event of the last completion, so the citizen still reads what they judged."""
    assignment = getattr(demand, "assignment", None)
    if assignment is not None and assignment.result:
        return str(assignment.result)
    event = DemandEvent.objects.filter(demand=demand, action=Event.COMPLETE).order_by("-at", "-pk").first()
    return event.note if event is not None else ""


def demand_photos(*, demand: Demand, kind: str) -> QuerySet[Attachment]:
    """The photos of a demand (the citizen's, or the department's evidence): PDFs are not thumbnails."""
    return demand.attachments.filter(kind=kind, file__iregex=PHOTO_NAME).order_by("at", "pk")


def my_demands(*, user: Any) -> QuerySet[Demand]:
    return Demand.objects.restrict(user).select_related("category", "cell").order_by("-created_at")


PHOTO_NAME = r"\.(jpg|jpeg|png|webp)$"
