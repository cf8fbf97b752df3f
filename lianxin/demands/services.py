"""Every write to a demand. Each move is one function: it checks right, state and input, then makes the
move through the workflow core (``lianxin.core.workflow``): a compare-and-swap on the status, an event row
and a published domain event. Who is told of what is not decided here: see ``notices.py``."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianxin.accounts.principals import WORKER, can
from lianxin.accounts.roles import Capability
from lianxin.core import clock
from lianxin.core.fields import lookup_hash
from lianxin.core.lights import Light
from lianxin.core.models import Town
from lianxin.core.sweep import Deadlines, sweep
from lianxin.core.validators import normalise_id_number, normalise_phone
from lianxin.core.workflow import TransitionError, Workflow, workflow_of
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station
from lianxin.territory.selectors import cell_at

from . import codes
from .deadlines import default_due_at, light_for, yellow_margin
from .events import Event
from .models import (
    Assignment,
    Attachment,
    Category,
    Channel,
    Demand,
    Evaluation,
    EvaluatorRole,
    Extension,
    ExtensionStatus,
    Outcome,
    PersonalDataAccess,
    Reminder,
    Verdict,
)
from .selectors import citizen_voices_left
from .states import ON_THE_CLOCK, TERMINAL, Status

UPWARD_LEVELS = (DeputyLevel.COUNTY, DeputyLevel.CITY, DeputyLevel.PROVINCE)
__all__ = ["TransitionError"]  # raised by the moves (409); a ValidationError for the pages and the API


def _flow() -> Workflow:
    return workflow_of(Demand)


def _local(moment: dt.datetime) -> str:
    """A time as the town reads it (Asia/Shanghai), for the texts stored on events."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def new_code(town: Town) -> str:
    """A tracking code people read out and type: town letters, five random characters, a check character
    (see ``codes``). Codes made before in the old all-digit form keep working."""
    while True:
        code = codes.make(town)
        if not Demand.objects.filter(code=code).exists():
            return code


def _replayed(demand: Demand) -> Demand:
    demand.replayed = True  # type: ignore[attr-defined]
    return demand


@transaction.atomic
def demands_link_requester(*, user: Any) -> int:
    """Make a signed-in citizen the requester of their town's demands raised with their phone and no
    account. Proof of the phone is the SMS code just spent, so the link is as strong as the login."""
    if not user.phone or not can(user, Capability.SIGN_IN_BY_PHONE):
        return 0
    rows = list(
        Demand.objects.select_for_update().filter(
            town_id=user.town_id, requester__isnull=True, requester_phone_hash=lookup_hash(user.phone)
        )
    )
    for demand in rows:
        Demand.objects.filter(pk=demand.pk, requester__isnull=True).update(requester=user)
        _flow().step(
            demand,
            Event.LINK_REQUESTER,
            user,
            note=_("The requester signed in with the phone number of this demand."),
        )
    return len(rows)


# --- the problem list -----------------------------------------------------------------------------
@transaction.atomic
def demand_record(
    *,
    town: Town,
    recorded_by: Any | None,
    channel: str,
    category: Category,
    title: str,
    description: str,
    urgency: str = "general",
    cell: GridCell | None = None,
    station: Station | None = None,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
    requester_name: str = "",
    requester_phone: str = "",
    requester_id_number: str = "",
    requester: Any | None = None,
    attachments: Iterable[UploadedFile] = (),
    code: str | None = None,
    intake_key: str = "",
    consent: bool = False,
    addressed_to: Deputy | None = None,
    voice: UploadedFile | None = None,
    voice_consent: bool = False,
    filed_at: dt.datetime | None = None,
) -> Demand:
    """Put a demand on the problem list; its cell comes from the point when a location is given.

    With an ``intake_key`` the call is idempotent: a retry (double tap, network retry, two retries at the
    same moment) returns the demand the first call made. Check ``demand.replayed`` to tell.
    """
    if category.town_id != town.pk:
        raise ValidationError(_("This category belongs to another town."))
    # At a collection point someone records for another person (an elderly neighbour): only with consent.
    if (
        channel == Channel.COLLECTION_POINT
        and recorded_by is not None
        and recorded_by != requester
        and not consent
    ):
        raise ValidationError({"consent": _("Ask the person for consent and tick the box before sending.")})
    # A voice note of someone else's voice (an agent recording an elderly person): only if they agreed to it.
    recorded_for_other = recorded_by is not None and recorded_by != requester
    if voice is not None and channel == Channel.COLLECTION_POINT and recorded_for_other and not voice_consent:
        raise ValidationError(
            {
                "voice_consent": _(
                    "Ask the person whether they agree to be recorded, and tick the box, or remove the voice note."
                )
            }
        )
    if addressed_to is not None and addressed_to.town_id != town.pk:
        raise ValidationError({"addressed_to": _("That deputy is not of this town.")})
    if intake_key and (first := Demand.objects.filter(town=town, intake_key=intake_key).first()):
        return _replayed(first)
    if cell is None and lat is not None and lng is not None:
        cell = cell_at(town_id=town.pk, lat=lat, lng=lng)
    code = code or new_code(town)
    requester_phone = normalise_phone(requester_phone)  # ASCII before hashing: one number, one hash
    # Someone recorded for a person with no phone and no account: a PIN on a printed slip lets them track it.
    pin = codes.new_pin() if not requester_phone.strip() and requester is None else ""
    at = clock.now()
    # A savepoint only with an intake key: a concurrent twin with the same key may win.
    try:
        with transaction.atomic() if intake_key else contextlib.nullcontext():
            demand = Demand.objects.create(
                town=town,
                code=code,
                tracking_pin_hash=codes.pin_hash(code, pin) if pin else "",
                channel=channel,
                category=category,
                urgency=urgency,
                title=title.strip()[:80],
                description=description.strip(),
                cell=cell,
                station=station,
                lat=lat,
                lng=lng,
                address=address,
                requester_name=requester_name.strip(),
                requester_phone=requester_phone,
                requester_phone_hash=lookup_hash(requester_phone) if requester_phone else "",
                requester_id_number=normalise_id_number(requester_id_number),
                requester=requester,
                recorded_by=recorded_by,
                intake_key=intake_key,
                consent_at=clock.now() if consent else None,
                addressed_to=addressed_to,
                filed_at=filed_at,
                created_at=at,
                updated_at=at,
            )
    except IntegrityError:
        if not intake_key:
            raise
        return _replayed(Demand.objects.get(town=town, intake_key=intake_key))
    demand.replayed = False  # type: ignore[attr-defined]
    demand.tracking_pin = pin  # type: ignore[attr-defined]  # shown once, on the slip; only its hash is kept
    for f in attachments:
        Attachment.objects.create(
            town=town,
            demand=demand,
            kind=Attachment.Kind.SUBMITTED,
            file=f,
            name=f.name or "",
            uploaded_by=recorded_by,
        )
    if voice is not None:  # already re-encoded by lianxin.core.audio (CheckedFileField refuses anything else)
        Attachment.objects.create(
            town=town,
            demand=demand,
            kind=Attachment.Kind.SUBMITTED,
            file=voice,
            name=voice.name or "voice.ogg",
            uploaded_by=recorded_by,
            voice_consent=voice_consent,
        )
    _flow().emit(
        demand,
        Event.RECORD,
        recorded_by,
        before="",
        after=Status.RECORDED,
        note=str(demand.get_channel_display()),
        at=at,
        touched=True,
    )
    return demand


@transaction.atomic
def demand_claim(*, demand: Demand, actor: Any) -> Demand:
    """接单: exactly one deputy of the cell takes the item."""
    flow = _flow()
    flow.check(actor, Event.CLAIM, demand)
    return flow.transition(
        demand, Event.CLAIM, actor, checked=True, deputy=actor.deputy, claimed_at=clock.now()
    )


@transaction.atomic
def demand_merge(*, demand: Demand, actor: Any, into: Demand, note: str = "") -> Demand:
    flow = _flow()
    flow.check(actor, Event.MERGE, demand)
    if into.pk == demand.pk or into.town_id != demand.town_id or into.status in TERMINAL:
        raise ValidationError(_("Choose another open demand of the same town to merge into."))
    return flow.transition(
        demand,
        Event.MERGE,
        actor,
        checked=True,
        note=note or into.code,
        data={"into": into, "note": note},
        merged_into=into,
        closed_at=clock.now(),
    )


@transaction.atomic
def demand_decline(*, demand: Demand, actor: Any, reason: str) -> Demand:
    flow = _flow()
    flow.check(actor, Event.DECLINE, demand)
    if not reason.strip():
        raise ValidationError(_("Give the reason the citizen will read."))
    return flow.transition(
        demand,
        Event.DECLINE,
        actor,
        checked=True,
        note=reason,
        data={"reason": reason},
        closing_note=reason.strip(),
        closed_at=clock.now(),
    )


@transaction.atomic
def demand_transfer(*, demand: Demand, actor: Any, to_level: str, note: str) -> Demand:
    """A deputy carries the matter upward as a suggestion to a higher congress (county, city, province)."""
    flow = _flow()
    flow.check(actor, Event.TRANSFER, demand)
    errors = {}
    if to_level not in UPWARD_LEVELS:
        errors["to_level"] = _("Choose the county, city or provincial congress.")
    if not note.strip():
        errors["note"] = _("Say what the suggestion to the higher level is.")
    if errors:
        raise ValidationError(errors)
    text = f"{DeputyLevel(to_level).label}: {note.strip()}"
    fields: dict[str, Any] = {"closing_note": text, "closed_at": clock.now()}
    if demand.deputy_id is None and getattr(actor, "deputy", None) is not None:
        fields["deputy"] = actor.deputy
    return flow.transition(
        demand,
        Event.TRANSFER,
        actor,
        checked=True,
        note=text,
        data={"to_level": to_level, "note": note},
        **fields,
    )


# --- the assignment list --------------------------------------------------------------------------
@transaction.atomic
def demand_assign(
    *,
    demand: Demand,
    actor: Any,
    department: Department,
    matter: str,
    standard: str,
    due_at: dt.datetime | None = None,
    co_departments: Iterable[Department] = (),
) -> Assignment:
    """交办: the matter, the standard of completion and the deadline go to a lead department."""
    flow = _flow()
    flow.check(actor, Event.ASSIGN, demand)
    errors = {}
    if department.town_id != demand.town_id or not department.active:
        errors["department"] = _("Choose an active department of this town.")
    if not matter.strip():
        errors["matter"] = _("Say what the department must do.")
    if not standard.strip():
        errors["standard"] = _("Say what counts as done.")
    now = clock.now()
    due = due_at or default_due_at(category=demand.category, urgency=demand.urgency, start=now)
    if due <= now:
        errors["due_at"] = _("The deadline must be in the future.")
    co = [d for d in co_departments if d.pk != department.pk]
    if any(d.town_id != demand.town_id for d in co):
        errors["co_departments"] = _("Co-handling departments must be of this town.")
    if errors:
        raise ValidationError(errors)
    # The assignment is written before the move so that the move's readers see it; a lost race rolls
    # both back together.
    assignment, _created = Assignment.objects.update_or_create(
        demand=demand,
        defaults={
            "town_id": demand.town_id,
            "department": department,
            "matter": matter.strip(),
            "standard": standard.strip(),
            "due_at": due,
            "assigned_by": actor,
            "assigned_at": now,
            "accepted_at": None,
            "light": light_for(due_at=due, urgency=demand.urgency, at=now),
        },
    )
    assignment.co_departments.set(co)
    flow.transition(
        demand,
        Event.ASSIGN,
        actor,
        checked=True,
        note=f"{department} · {_local(due)}",
        data={"department": department, "co_departments": co, "matter": matter, "due_at": due},
    )
    return assignment


@transaction.atomic
def demand_bounce(*, demand: Demand, actor: Any, reason: str) -> Demand:
    """The department says the matter is not within its duties; the deputy assigns again."""
    flow = _flow()
    flow.check(actor, Event.BOUNCE, demand)
    return flow.transition(demand, Event.BOUNCE, actor, checked=True, note=reason, data={"reason": reason})


@transaction.atomic
def demand_accept(*, demand: Demand, actor: Any) -> Demand:
    """签收: the department takes the assignment on."""
    demand = _flow().transition(demand, Event.ACCEPT, actor)
    Assignment.objects.filter(demand=demand).update(accepted_at=clock.now())
    return demand


@transaction.atomic
def demand_complete(
    *, demand: Demand, actor: Any, result: str, outcome: str, evidence: Iterable[UploadedFile] = ()
) -> Demand:
    """办结: the department reports what it did, to the presidium and to the citizen."""
    flow = _flow()
    flow.check(actor, Event.COMPLETE, demand)
    errors = {}
    if not result.strip():
        errors["result"] = _("Describe what was done.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Say whether it was resolved or only explained.")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    Assignment.objects.filter(demand=demand).update(completed_at=now, result=result.strip())
    for f in evidence:
        Attachment.objects.create(
            town_id=demand.town_id,
            demand=demand,
            kind=Attachment.Kind.EVIDENCE,
            file=f,
            name=f.name or "",
            uploaded_by=actor,
            at=now,
        )
    return flow.transition(
        demand,
        Event.COMPLETE,
        actor,
        checked=True,
        note=result,
        data={"result": result, "outcome": outcome},
        outcome=outcome,
    )


# --- the completion list --------------------------------------------------------------------------
def _returned(
    demand: Demand, kind: Event, actor: Any, reason: str, due_at: dt.datetime | None = None
) -> Demand:
    """Back to the department with a fresh time limit for the rework (or the one the returner sets);
    the earlier result stays in the event log, not on the assignment."""
    now = clock.now()
    due = due_at or default_due_at(category=demand.category, urgency=demand.urgency, start=now)
    Assignment.objects.filter(demand=demand).update(
        returns=F("returns") + 1,
        completed_at=None,
        result="",
        due_at=due,
        light=light_for(due_at=due, urgency=demand.urgency, at=now),
        escalated_at=None,
    )
    Reminder.objects.create(
        town_id=demand.town_id,
        assignment=demand.assignment,
        level=Reminder.Level.MANUAL,
        note=reason,
        by=actor,
        at=now,
    )
    return _flow().transition(
        demand,
        kind,
        actor,
        checked=True,
        to=Status.RETURNED,
        note=f"{reason} · {_local(due)}",
        data={"reason": reason, "due_at": due},
        outcome="",
    )


@transaction.atomic
def demand_evaluate(*, demand: Demand, actor: Any, verdict: str, comment: str = "") -> Demand:
    """The citizen's verdict; 不满意 sends the item back to the department under supervision. When other
    demands were merged into this one, each of their citizens has a voice too (``citizen_voices_left``)."""
    flow = _flow()
    flow.check(actor, Event.EVALUATE, demand)
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose satisfied, basically satisfied or unsatisfied.")})
    if verdict == Verdict.UNSATISFIED and not comment.strip():
        raise ValidationError(
            {"comment": _("Tell us what is still wrong, so the department can put it right.")}
        )
    if not citizen_voices_left(demand, actor):
        raise TransitionError(_("Every citizen of this demand has already evaluated the result."))
    _evaluation(demand, EvaluatorRole.CITIZEN, verdict, comment, actor)
    if verdict == Verdict.UNSATISFIED:
        return _returned(demand, Event.EVALUATE, actor, comment)
    if demand.status == Status.EVALUATED:  # another citizen of a merged demand adds their voice
        note = f"{Verdict(verdict).label} {comment}".strip()
        flow.step(demand, Event.EVALUATE, actor, note=note, data={"verdict": verdict, "comment": comment})
        return demand
    return flow.transition(
        demand,
        Event.EVALUATE,
        actor,
        checked=True,
        to=Status.EVALUATED,
        note=f"{Verdict(verdict).label} {comment}".strip(),
        data={"verdict": verdict, "comment": comment},
    )


def _evaluation(demand: Demand, role: str, verdict: str, comment: str, actor: Any) -> None:
    Evaluation.objects.create(
        town_id=demand.town_id,
        demand=demand,
        role=role,
        verdict=verdict,
        comment=comment.strip(),
        by=actor,
        at=clock.now(),
    )


@transaction.atomic
def demand_check(*, demand: Demand, actor: Any, passed: bool, comment: str = "") -> Demand:
    """The claiming deputy checks the result on the ground."""
    flow = _flow()
    flow.check(actor, Event.CHECK, demand)
    if not passed and not comment.strip():
        raise ValidationError({"comment": _("Say what is not done.")})
    _evaluation(
        demand, EvaluatorRole.DEPUTY, Verdict.SATISFIED if passed else Verdict.UNSATISFIED, comment, actor
    )
    if not passed:
        return _returned(demand, Event.CHECK, actor, comment)
    if demand.status == Status.EVALUATED:
        flow.step(demand, Event.CHECK, actor, note=comment, data={"passed": True})
        return demand
    return flow.transition(
        demand, Event.CHECK, actor, checked=True, to=Status.EVALUATED, note=comment, data={"passed": True}
    )


@transaction.atomic
def demand_return(*, demand: Demand, actor: Any, reason: str, due_at: dt.datetime | None = None) -> Demand:
    """The presidium (or the deputy) rejects the result: back to the department, under supervision,
    with a new deadline for the rework (by default the category's limit from now)."""
    _flow().check(actor, Event.RETURN, demand)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the result is not accepted.")
    if due_at is not None and due_at <= clock.now():
        errors["due_at"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    return _returned(demand, Event.RETURN, actor, reason, due_at)


@transaction.atomic
def demand_close(*, demand: Demand, actor: Any, note: str = "") -> Demand:
    """The presidium's acceptance closes the loop."""
    flow = _flow()
    flow.check(actor, Event.CLOSE, demand)
    _evaluation(demand, EvaluatorRole.PRESIDIUM, Verdict.SATISFIED, note, actor)
    return flow.transition(
        demand, Event.CLOSE, actor, checked=True, note=note, data={"note": note}, closed_at=clock.now()
    )


# --- supervision ----------------------------------------------------------------------------------
@transaction.atomic
def extension_request(*, demand: Demand, actor: Any, due_at: dt.datetime, reason: str) -> Extension:
    flow = _flow()
    flow.check(actor, Event.REQUEST_EXTENSION, demand)
    assignment = demand.assignment
    errors = {}
    if due_at <= assignment.due_at:
        errors["due_at"] = _("The new deadline must be later than the current one.")
    if not reason.strip():
        errors["reason"] = _("Say why more time is needed.")
    if assignment.extensions.filter(status=ExtensionStatus.PENDING).exists():
        errors["__all__"] = _("A request for this assignment is already waiting for a decision.")
    if errors:
        raise ValidationError(errors)
    ext = Extension.objects.create(
        town_id=demand.town_id,
        assignment=assignment,
        requested_due_at=due_at,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=clock.now(),
    )
    flow.step(
        demand,
        Event.REQUEST_EXTENSION,
        actor,
        note=f"{_local(due_at)} {reason}",
        data={"reason": reason, "due_at": due_at},
    )
    return ext


@transaction.atomic
def extension_decide(*, extension: Extension, actor: Any, approve: bool, note: str = "") -> Extension:
    demand = extension.assignment.demand
    flow = _flow()
    flow.check(actor, Event.DECIDE_EXTENSION, demand)
    rows = Extension.objects.filter(pk=extension.pk, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        decided_by=actor,
        decided_at=clock.now(),
        decision_note=note,
    )
    if rows != 1:
        raise TransitionError(_("This request was already decided."))
    extension.refresh_from_db()
    if approve:
        now = clock.now()
        Assignment.objects.filter(pk=extension.assignment_id).update(
            due_at=extension.requested_due_at,
            light=light_for(due_at=extension.requested_due_at, urgency=demand.urgency, at=now),
        )
    flow.step(
        demand,
        Event.DECIDE_EXTENSION,
        actor,
        note=("✔ " if approve else "✘ ") + f"{_local(extension.requested_due_at)} {note}".strip(),
        data={"approve": approve, "note": note},
    )
    return extension


def demand_decide_extension(*, demand: Demand, actor: Any, approve: bool, note: str = "") -> Extension:
    """Decide the request for more time that waits on this demand's assignment (the move's form)."""
    pending = (
        Extension.objects.filter(assignment__demand=demand, status=ExtensionStatus.PENDING)
        .select_related("assignment__demand")
        .first()
    )
    if pending is None:
        _flow().check(actor, Event.DECIDE_EXTENSION, demand)  # refuses a role before saying anything
        raise TransitionError(_("No extension request is waiting for a decision."))
    return extension_decide(extension=pending, actor=actor, approve=approve, note=note)


@transaction.atomic
def assignment_remind(*, demand: Demand, actor: Any, note: str) -> Reminder:
    """催办 by hand, from the presidium or the deputy."""
    flow = _flow()
    flow.check(actor, Event.REMIND, demand)
    reminder = Reminder.objects.create(
        town_id=demand.town_id,
        assignment=demand.assignment,
        level=Reminder.Level.MANUAL,
        note=note,
        by=actor,
        at=clock.now(),
    )
    flow.step(demand, Event.REMIND, actor, note=note, data={"note": note})
    return reminder


SWEEP_EVENTS: dict[str, Event] = {Light.YELLOW: Event.SWEEP_YELLOW, Light.RED: Event.SWEEP_RED}


def _light_changed(assignment: Assignment, light: str, at: dt.datetime) -> None:
    """Yellow: a 催办 to the department. Red: the same, plus an escalation to the presidium."""
    demand = assignment.demand
    due = _local(assignment.due_at)
    if light == Light.YELLOW:
        note, levels = _("Due at %(due)s") % {"due": due}, [Reminder.Level.YELLOW]
    else:
        note, levels = (
            _("Overdue since %(due)s") % {"due": due},
            [Reminder.Level.RED, Reminder.Level.ESCALATED],
        )
    for level in levels:
        Reminder.objects.create(town_id=demand.town_id, assignment=assignment, level=level, note=note, at=at)
    _flow().step(demand, SWEEP_EVENTS[light], None, note=note, data={"note": note})


def _on_the_clock() -> QuerySet[Assignment]:
    return (
        Assignment.objects.restrict(WORKER)
        .filter(demand__status__in=ON_THE_CLOCK)
        .select_related("demand", "department")
    )


# What the one sweep (``core.sweep``) recolours for this app; ``apps.py`` adds it to the kit's ``lights``.
ASSIGNMENT_DEADLINES = Deadlines(
    name="demands.assignment",
    rows=_on_the_clock,
    changed=_light_changed,
    window=lambda assignment: yellow_margin(assignment.demand.urgency),
)


def deadlines_sweep(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, int]:
    """The assignments' part of the every-minute sweep: recolour lights, write 催办 on yellow and red,
    escalate red (``_light_changed``). ``town_id`` limits it to one town (a replay of one town's history)."""
    return sweep(ASSIGNMENT_DEADLINES, at=at, town_id=town_id)


# --- the office's desk: notes, interim replies, re-routing, call-backs (issue 10) -------------------
@transaction.atomic
def demand_note(*, demand: Demand, actor: Any, note: str) -> Demand:
    """An internal note for the people handling the demand; never sent or shown to the citizen."""
    flow = _flow()
    flow.check(actor, Event.NOTE, demand)
    if not note.strip():
        raise ValidationError({"note": _("Write the note.")})
    flow.step(demand, Event.NOTE, actor, note=note.strip(), data={"note": note.strip()})
    return demand


@transaction.atomic
def demand_progress(*, demand: Demand, actor: Any, reply: str) -> Demand:
    """阶段性答复: the department tells the citizen how far the work has come (the citizen reads it)."""
    flow = _flow()
    flow.check(actor, Event.PROGRESS, demand)
    if not reply.strip():
        raise ValidationError({"reply": _("Write what the citizen should know.")})
    flow.step(demand, Event.PROGRESS, actor, note=reply.strip(), data={"reply": reply.strip()})
    return demand


@transaction.atomic
def demand_relocate(*, demand: Demand, actor: Any, cell: GridCell, reason: str) -> Demand:
    """The presidium puts the demand in the right village or community (the GPS or the form was wrong)."""
    flow = _flow()
    flow.check(actor, Event.RELOCATE, demand)
    errors = {}
    if cell.town_id != demand.town_id:
        errors["cell"] = _("Choose a grid cell of this town.")
    elif cell.pk == demand.cell_id:
        errors["cell"] = _("The demand is already in this grid cell.")
    if not reason.strip():
        errors["reason"] = _("Say why the place changes.")
    if errors:
        raise ValidationError(errors)
    previous = demand.cell
    Demand.objects.filter(pk=demand.pk).update(cell=cell)
    demand.refresh_from_db()
    flow.step(
        demand,
        Event.RELOCATE,
        actor,
        note=f"{previous or '—'} → {cell} · {reason.strip()}",
        data={"cell": cell, "previous": previous, "reason": reason.strip()},
    )
    return demand


@transaction.atomic
def demand_appoint(*, demand: Demand, actor: Any, deputy: Deputy, reason: str = "") -> Demand:
    """The presidium names the deputy who holds the demand: a first claim on the deputy's behalf, or a
    change of deputy later on."""
    flow = _flow()
    flow.check(actor, Event.APPOINT, demand)
    if deputy.town_id != demand.town_id or deputy.user_id is None:
        raise ValidationError({"deputy": _("Choose a deputy of this town who has an account.")})
    if deputy.pk == demand.deputy_id:
        raise ValidationError({"deputy": _("This deputy already holds the demand.")})
    previous = demand.deputy
    data = {"deputy": deputy, "previous": previous, "reason": reason.strip()}
    note = f"{previous.name if previous else '—'} → {deputy.name} {reason.strip()}".strip()
    if demand.status == Status.RECORDED:
        return flow.transition(
            demand,
            Event.APPOINT,
            actor,
            checked=True,
            to=Status.CLAIMED,
            note=note,
            data=data,
            deputy=deputy,
            claimed_at=clock.now(),
        )
    Demand.objects.filter(pk=demand.pk).update(deputy=deputy)
    demand.refresh_from_db()
    flow.step(demand, Event.APPOINT, actor, note=note, data=data)
    return demand


@transaction.atomic
def demand_reassign(
    *, demand: Demand, actor: Any, department: Department, reason: str, due_at: dt.datetime | None = None
) -> Demand:
    """The presidium moves the assignment to another lead department, which must accept it anew. The
    deadline stays unless it is past (then the category's limit from now) or a new one is given."""
    flow = _flow()
    flow.check(actor, Event.REASSIGN, demand)
    assignment = demand.assignment
    now = clock.now()
    errors = {}
    if department.town_id != demand.town_id or not department.active:
        errors["department"] = _("Choose an active department of this town.")
    elif department.pk == assignment.department_id:
        errors["department"] = _("This department already leads on it.")
    if not reason.strip():
        errors["reason"] = _("Say why the department changes.")
    if due_at is not None and due_at <= now:
        errors["due_at"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    if due_at is None:
        due_at = (
            assignment.due_at
            if assignment.due_at > now
            else default_due_at(category=demand.category, urgency=demand.urgency, start=now)
        )
    previous = assignment.department
    Assignment.objects.filter(pk=assignment.pk).update(
        department=department,
        accepted_at=None,
        due_at=due_at,
        light=light_for(due_at=due_at, urgency=demand.urgency, at=now),
        escalated_at=None,
    )
    assignment.co_departments.remove(department)
    return flow.transition(
        demand,
        Event.REASSIGN,
        actor,
        checked=True,
        note=f"{previous} → {department} · {_local(due_at)} · {reason.strip()}",
        data={"department": department, "previous": previous, "reason": reason.strip(), "due_at": due_at},
    )


@transaction.atomic
def demand_extend(*, demand: Demand, actor: Any, due_at: dt.datetime, reason: str) -> Demand:
    """The presidium gives the lead department more time (an overdue item gets a fresh deadline)."""
    flow = _flow()
    flow.check(actor, Event.EXTEND, demand)
    assignment = demand.assignment
    now = clock.now()
    errors = {}
    if due_at <= max(now, assignment.due_at):
        errors["due_at"] = _("The new deadline must be later than the current one and in the future.")
    if not reason.strip():
        errors["reason"] = _("Say why more time is given.")
    if errors:
        raise ValidationError(errors)
    Assignment.objects.filter(pk=assignment.pk).update(
        due_at=due_at, light=light_for(due_at=due_at, urgency=demand.urgency, at=now), escalated_at=None
    )
    flow.step(
        demand,
        Event.EXTEND,
        actor,
        note=f"{_local(due_at)} · {reason.strip()}",
        data={"due_at": due_at, "reason": reason.strip()},
    )
    return demand


@transaction.atomic
def requester_reveal(*, demand: Demand, actor: Any, reason: str, request: Any) -> dict[str, str]:
    """The requester's name, phone and ID number in full for one who needs them (the presidium; 回访 by the
    deputy or department holding it): counted against the reveal rate, then written to the demand's access
    record and to the audit trail, before anything is shown. ``RevealLimited`` when over the rate."""
    from lianxin.audit.reveal import reveal

    from .permissions import may_reveal

    if not may_reveal(actor, demand):
        raise PermissionDenied(_("Your role does not allow this."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need the full details.")})
    details = {
        "name": demand.requester_name,
        "phone": demand.requester_phone,
        "id_number": demand.requester_id_number,
    }
    reveal(request=request, obj=demand, reason=reason[:500], details=[k for k, v in details.items() if v])
    PersonalDataAccess.objects.create(
        town_id=demand.town_id,
        demand=demand,
        user=actor,
        field=PersonalDataAccess.Field.REQUESTER,
        reason=reason.strip()[:500],
        at=clock.now(),
    )
    return details
