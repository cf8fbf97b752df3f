"""Every write of the duty app. Moves of shifts, visits and hand-entered activities go through the workflow
core (``workflow.py``); duty record entries are never written here but by the subscriber (``record.py``)
from the events these moves publish."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.workdays import WORKDAY_END, WORKDAY_START, is_workday
from lianxin.core.workflow import TransitionError, Workflow, workflow_of
from lianxin.demands.models import Category, Channel, Demand
from lianxin.demands.services import demand_record
from lianxin.people.models import Deputy, Observer
from lianxin.territory.models import GridCell, Station

from . import codes
from .events import ActivityEvent, ShiftEvent, VisitEvent
from .kinds import MANUAL, Activity, ShiftStatus, VisitKind, VisitStatus
from .models import DutyReport, ManualActivity, PointWeight, Reception, Shift, Visit, VisitMatter
from .permissions import deputy_of

# A deputy may check in this long before the shift starts (they open the station).
CHECK_IN_EARLY = dt.timedelta(minutes=30)
EVENING_FROM = dt.time(18, 0)
VISIT_CHANNEL = {
    VisitKind.DOOR: Channel.DEPUTY_VISIT,
    VisitKind.STAGGERED: Channel.OFF_HOURS_VISIT,
    VisitKind.EVENING: Channel.EVENING_TALK,
}


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _require(actor: Any, capability: str, town_id: int) -> None:
    if not can(actor, capability) or getattr(actor, "town_id", None) != town_id:
        raise PermissionDenied(_("Your role does not allow this."))


def _own_deputy(actor: Any) -> Deputy:
    deputy = deputy_of(actor)
    if deputy is None:
        raise PermissionDenied(_("Only a deputy keeps a duty record."))
    return deputy


# --- the station rota -------------------------------------------------------------------------------
@transaction.atomic
def shift_plan(
    *, station: Station, deputy: Deputy, starts_at: dt.datetime, ends_at: dt.datetime, actor: Any
) -> Shift:
    _require(actor, Capability.MANAGE_DUTY, station.town_id)
    errors = {}
    if deputy.town_id != station.town_id:
        errors["deputy"] = _("Choose a deputy of this town.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("A shift must end after it starts.")
    elif ends_at - starts_at > dt.timedelta(hours=12):
        errors["ends_at"] = _("A shift lasts at most 12 hours.")
    if (
        not errors
        and Shift.objects.filter(deputy=deputy, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=ShiftStatus.CANCELLED)
        .exists()
    ):
        errors["starts_at"] = _("This deputy already has a shift at that time.")
    if errors:
        raise ValidationError(errors)
    shift = Shift.objects.create(
        town_id=station.town_id, station=station, deputy=deputy, starts_at=starts_at, ends_at=ends_at
    )
    workflow_of(Shift).step(shift, ShiftEvent.PLAN, actor, note=f"{_local(starts_at)}–{ends_at:%H:%M}")
    return shift


@transaction.atomic
def rota_plan_weekly(
    *,
    station: Station,
    deputy: Deputy,
    weekday: int,
    start: dt.time,
    end: dt.time,
    first_day: dt.date,
    weeks: int,
    actor: Any,
) -> list[Shift]:
    """A weekly series of shifts (weekday 0 = Monday) from ``first_day``, ``weeks`` of them."""
    if not 1 <= weeks <= 53:
        raise ValidationError({"weeks": _("Plan between 1 and 53 weeks.")})
    if end <= start:
        raise ValidationError({"end": _("A shift must end after it starts.")})
    day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
    shifts = []
    for _week in range(weeks):
        starts = timezone.make_aware(dt.datetime.combine(day, start))
        ends = timezone.make_aware(dt.datetime.combine(day, end))
        shifts.append(shift_plan(station=station, deputy=deputy, starts_at=starts, ends_at=ends, actor=actor))
        day += dt.timedelta(days=7)
    return shifts


def _flow(model: type) -> Workflow:
    return workflow_of(model)


@transaction.atomic
def shift_check_in(*, station: Station, actor: Any, code: str) -> Shift:
    """Check in at the station whose QR code was scanned: only inside one's own shift there.

    1. The code must be this station's of the current period or the one before (``codes.py``: the code
       on its screen today, or the sheet printed for the week), else the scan is refused.
    2. The actor's scheduled shift at this station that covers now (from ``CHECK_IN_EARLY`` before its
       start to its end) is the one checked in; without one the check-in is refused, saying when the next
       shift here is.
    3. The move itself: a compare-and-swap through the workflow core, which publishes the event that puts
       the station day in the duty record.
    """
    deputy = _own_deputy(actor)
    codes.check(station, code)
    now = clock.now()
    mine = Shift.objects.filter(deputy=deputy, station=station)
    shift = (
        mine.filter(status=ShiftStatus.SCHEDULED, starts_at__lte=now + CHECK_IN_EARLY, ends_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if shift is None:
        if (on := mine.filter(status=ShiftStatus.ON_DUTY).first()) is not None:
            raise TransitionError(
                _("You are already checked in here since %(time)s.")
                % {"time": _local(on.checked_in_at or now)}
            )
        upcoming = mine.filter(status=ShiftStatus.SCHEDULED, starts_at__gt=now).order_by("starts_at").first()
        message = _("You have no shift at %(station)s now, so you cannot check in.") % {"station": station}
        if upcoming is not None:
            message += " " + _("Your next shift here starts at %(time)s.") % {
                "time": _local(upcoming.starts_at)
            }
        raise ValidationError(message)
    return shift_check_in_move(shift=shift, actor=actor)


@transaction.atomic
def shift_check_in_move(*, shift: Shift, actor: Any) -> Shift:
    return _flow(Shift).transition(shift, ShiftEvent.CHECK_IN, actor, checked_in_at=clock.now())


@transaction.atomic
def shift_check_out(*, shift: Shift, actor: Any) -> Shift:
    return _flow(Shift).transition(shift, ShiftEvent.CHECK_OUT, actor, checked_out_at=clock.now())


@transaction.atomic
def shift_cancel(*, shift: Shift, actor: Any) -> Shift:
    return _flow(Shift).transition(shift, ShiftEvent.CANCEL, actor)


@transaction.atomic
def reception_log(
    *,
    shift: Shift,
    actor: Any,
    matter: str,
    category: Category | None = None,
    requester_name: str = "",
    requester_phone: str = "",
) -> Reception:
    """A person received during the shift; with a category the matter becomes a demand at once."""
    flow = _flow(Shift)
    if not actor.has_perm(flow.permission(ShiftEvent.CHECK_OUT), shift):
        raise PermissionDenied(_("Your role does not allow this."))
    if shift.status != ShiftStatus.ON_DUTY:
        raise TransitionError(_("Check in first: receptions are logged during a shift."))
    if not matter.strip():
        raise ValidationError({"matter": _("Say what the person came about.")})
    demand = None
    if category is not None:
        demand = demand_record(
            town=shift.station.town,
            recorded_by=actor,
            channel=Channel.STATION,
            category=category,
            title=matter,
            description=matter,
            cell=shift.station.cell,
            station=shift.station,
            requester_name=requester_name,
            requester_phone=requester_phone,
        )
    reception = Reception.objects.create(
        town_id=shift.town_id, shift=shift, matter=matter.strip(), demand=demand, at=clock.now()
    )
    flow.step(shift, ShiftEvent.RECEPTION, actor, note=matter.strip())
    return reception


# --- visits -----------------------------------------------------------------------------------------
def _check_visit_time(kind: str, moment: dt.datetime) -> None:
    local = timezone.localtime(moment)
    if kind == VisitKind.STAGGERED:
        office = is_workday(local.date()) and WORKDAY_START <= local.time() < WORKDAY_END
        if office:
            raise ValidationError(
                {
                    "planned_for": _(
                        "A staggered visit is outside office hours: evenings, weekends or holidays."
                    )
                }
            )
    if kind == VisitKind.EVENING and local.time() < EVENING_FROM and local.time() > dt.time(4, 0):
        raise ValidationError({"planned_for": _("An evening talk starts at 18:00 or later.")})


@transaction.atomic
def visit_plan(
    *,
    actor: Any,
    kind: str,
    cell: GridCell,
    planned_for: dt.datetime,
    observer: Observer | None = None,
) -> Visit:
    """A deputy plans a visit, with the observer they are paired with."""
    deputy = _own_deputy(actor)
    errors = {}
    if kind not in VisitKind.values:
        errors["kind"] = _("Choose door-to-door, staggered or evening.")
    if cell.town_id != deputy.town_id:
        errors["cell"] = _("Choose a cell of your town.")
    if observer is not None and observer.deputy_id != deputy.pk:
        errors["observer"] = _("Choose an observer paired with you.")
    if errors:
        raise ValidationError(errors)
    _check_visit_time(kind, planned_for)
    visit = Visit.objects.create(
        town_id=deputy.town_id,
        kind=kind,
        deputy=deputy,
        observer=observer,
        cell=cell,
        planned_for=planned_for,
    )
    _flow(Visit).step(visit, VisitEvent.PLAN, actor, note=_local(planned_for))
    return visit


@transaction.atomic
def visit_log(
    *,
    visit: Visit,
    actor: Any,
    households: int,
    places: str = "",
    heard: str = "",
    matters: Iterable[str] = (),
    done_at: dt.datetime | None = None,
) -> Visit:
    """The visit happened: households visited, what was heard, the matters raised (none is fine: the visit
    still counts)."""
    flow = _flow(Visit)
    flow.check(actor, VisitEvent.LOG, visit)
    done = done_at or clock.now()
    if households < 1:
        raise ValidationError({"households": _("Say how many households you visited (at least one).")})
    if done > clock.now():
        raise ValidationError({"done_at": _("A visit is logged once it has happened.")})
    _check_visit_time(visit.kind, done)
    raised = [m.strip()[:200] for m in matters if m.strip()]
    VisitMatter.objects.bulk_create(
        [VisitMatter(town_id=visit.town_id, visit=visit, summary=m) for m in raised]
    )
    return flow.transition(
        visit,
        VisitEvent.LOG,
        actor,
        checked=True,
        note=_("%(n)s households, %(m)s matters raised") % {"n": households, "m": len(raised)},
        data={"households": households, "matters": len(raised)},
        done_at=done,
        households=households,
        places=places.strip()[:200],
        heard=heard.strip(),
    )


@transaction.atomic
def visit_record(
    *,
    actor: Any,
    kind: str,
    cell: GridCell,
    done_at: dt.datetime,
    households: int,
    observer: Observer | None = None,
    places: str = "",
    heard: str = "",
    matters: Iterable[str] = (),
    key: str = "",
) -> Visit:
    """Log a visit that was not planned beforehand: plan and log in one go.

    With a ``key`` (made on the deputy's phone, see the offline queue) the call is idempotent: a second send
    of the same form returns the first visit, ``replayed`` set, and records no second visit nor its matters.
    """
    deputy = _own_deputy(actor)
    if key and (first := Visit.objects.filter(town_id=deputy.town_id, key=key).first()):
        return _replayed_visit(first, deputy)
    try:
        with transaction.atomic():
            visit = visit_plan(actor=actor, kind=kind, cell=cell, planned_for=done_at, observer=observer)
            if key:
                Visit.objects.filter(pk=visit.pk).update(key=key)
                visit.key = key
            visit = visit_log(
                visit=visit,
                actor=actor,
                households=households,
                places=places,
                heard=heard,
                matters=matters,
                done_at=done_at,
            )
    except IntegrityError:  # a twin with the same key won the race
        if not key:
            raise
        return _replayed_visit(Visit.objects.get(town_id=deputy.town_id, key=key), deputy)
    visit.replayed = False  # type: ignore[attr-defined]
    return visit


def _replayed_visit(visit: Visit, deputy: Deputy) -> Visit:
    if visit.deputy_id != deputy.pk:  # another deputy's key: never theirs to see
        raise ValidationError(_("The form expired. Please check the details and send again."))
    visit.replayed = True  # type: ignore[attr-defined]
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, actor: Any) -> Visit:
    return _flow(Visit).transition(visit, VisitEvent.CANCEL, actor)


@transaction.atomic
def matter_to_demand(
    *,
    matter: VisitMatter,
    actor: Any,
    category: Category,
    requester_name: str = "",
    requester_phone: str = "",
) -> Demand:
    """One step: the matter raised on the visit goes on the problem list, with the visit's cell and
    channel, through the demand record service."""
    visit = matter.visit
    flow = _flow(Visit)
    if not actor.has_perm(flow.permission(VisitEvent.LOG), visit):
        raise PermissionDenied(_("Your role does not allow this."))
    if visit.status != VisitStatus.DONE:
        raise TransitionError(_("Log the visit first."))
    if VisitMatter.objects.filter(pk=matter.pk, demand__isnull=False).exists():
        raise TransitionError(_("This matter is already a demand."))
    demand = demand_record(
        town=visit.cell.town,
        recorded_by=actor,
        channel=VISIT_CHANNEL[VisitKind(visit.kind)],
        category=category,
        title=matter.summary,
        description=matter.summary,
        cell=visit.cell,
        requester_name=requester_name,
        requester_phone=requester_phone,
    )
    VisitMatter.objects.filter(pk=matter.pk).update(demand=demand)
    flow.step(visit, VisitEvent.MATTER_TO_DEMAND, actor, note=demand.code)
    return demand


# --- activities entered by hand ---------------------------------------------------------------------
@transaction.atomic
def activity_submit(
    *,
    actor: Any,
    kind: str,
    title: str,
    happened_on: dt.date,
    evidence: Any = None,
    evidence_note: str = "",
) -> ManualActivity:
    """A policy talk, a training…: entered by the deputy with evidence (a photo or PDF, or a description
    of it), waiting for the presidium's confirmation before it counts."""
    deputy = _own_deputy(actor)
    errors = {}
    if kind not in [k.value for k in MANUAL]:
        errors["kind"] = _("Choose a kind of activity.")
    if not title.strip():
        errors["title"] = _("Say what the activity was.")
    if happened_on > timezone.localdate(clock.now()):
        errors["happened_on"] = _("Enter an activity once it has happened.")
    if not evidence and not evidence_note.strip():
        errors["evidence"] = _("Attach evidence (a photo or a PDF) or describe it.")
    if errors:
        raise ValidationError(errors)
    activity = ManualActivity.objects.create(
        town_id=deputy.town_id,
        deputy=deputy,
        kind=kind,
        title=title.strip(),
        happened_on=happened_on,
        evidence=evidence or "",
        evidence_note=evidence_note.strip(),
        entered_by=actor,
    )
    _flow(ManualActivity).step(activity, ActivityEvent.SUBMIT, actor, note=activity.title)
    return activity


@transaction.atomic
def activity_confirm(*, activity: ManualActivity, actor: Any, note: str = "") -> ManualActivity:
    return _flow(ManualActivity).transition(
        activity, ActivityEvent.CONFIRM, actor, note=note, decision_note=note.strip()[:200]
    )


@transaction.atomic
def activity_reject(*, activity: ManualActivity, actor: Any, reason: str) -> ManualActivity:
    # a blank reason is refused by the table (requires_reason)
    reason = reason.strip()
    return _flow(ManualActivity).transition(
        activity, ActivityEvent.REJECT, actor, note=reason, decision_note=reason[:200]
    )


# --- points and the report --------------------------------------------------------------------------
@transaction.atomic
def weights_save(*, town: Town, actor: Any, weights: Mapping[str, Any]) -> int:
    """The presidium sets the points of each kind of activity; returns how many changed."""
    _require(actor, Capability.MANAGE_DUTY, town.pk)
    errors = {}
    clean: dict[str, Decimal] = {}
    for kind, value in weights.items():
        if kind not in Activity.values:
            continue
        try:
            points = Decimal(str(value).strip() or "0")
        except InvalidOperation:
            errors[kind] = _("Enter a number.")
            continue
        if points < 0 or points > 1000 or points != points.quantize(Decimal("0.1")):
            errors[kind] = _("Enter a number from 0 to 1000, with at most one decimal.")
            continue
        clean[kind] = points
    if errors:
        raise ValidationError(errors)
    changed = 0
    now = clock.now()
    for kind, points in clean.items():
        row = PointWeight.objects.filter(town=town, kind=kind).first()
        if row is None or row.points != points:
            PointWeight.objects.update_or_create(
                town=town, kind=kind, defaults={"points": points, "updated_by": actor, "updated_at": now}
            )
            changed += 1
    return changed


@transaction.atomic
def report_save_text(*, deputy: Deputy, year: int, actor: Any, text: str) -> DutyReport:
    """The deputy's own words for the year's report (only the deputy writes them)."""
    own = deputy_of(actor)
    if own is None or own.pk != deputy.pk:
        raise PermissionDenied(_("Only the deputy writes their own words."))
    if len(text) > 4000:
        raise ValidationError({"own_text": _("Keep it under 4000 characters.")})
    report, _created = DutyReport.objects.update_or_create(
        deputy=deputy,
        year=year,
        defaults={"town_id": deputy.town_id, "own_text": text.strip(), "updated_at": clock.now()},
    )
    return report
