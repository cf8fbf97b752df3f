"""Every write to a demand. Each move checks role and town, is safe under concurrency (a compare-and-swap
on the status), writes a ``DemandEvent`` and queues notifications that go out after commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from lianxin.accounts.models import User
from lianxin.accounts.roles import Role
from lianxin.core import clock
from lianxin.core.fields import lookup_hash
from lianxin.core.models import Town
from lianxin.notify.services import notify
from lianxin.people.models import Department, Deputy, DeputyLevel
from lianxin.territory.models import GridCell, Station
from lianxin.territory.selectors import cell_at

from .deadlines import default_due_at, light_for
from .models import (
    Assignment,
    Attachment,
    Category,
    Channel,
    Demand,
    DemandEvent,
    Evaluation,
    EvaluatorRole,
    Extension,
    ExtensionStatus,
    Light,
    Outcome,
    Reminder,
    Verdict,
)
from .workflow import MOVES, ON_THE_CLOCK, TERMINAL, Status

UPWARD_LEVELS = (DeputyLevel.COUNTY, DeputyLevel.CITY, DeputyLevel.PROVINCE)


class TransitionError(ValidationError):
    """The demand is not (or no longer) in a state that allows this move."""


# --- helpers --------------------------------------------------------------------------------------
def _check(actor: Any, action: str, demand: Demand) -> None:
    """Role first (a role that may not act learns nothing of the state), then the state, then the caller
    validates its input."""
    move = MOVES[action]
    if not actor.has_perm(f"demands.{action}", demand):
        raise PermissionDenied(_("Your role does not allow this."))
    if demand.status not in move.sources:
        raise TransitionError(
            _("This demand is %(status)s; it cannot be %(action)s now.")
            % {"status": demand.get_status_display(), "action": move.label}
        )


def _event(
    demand: Demand, action: str, actor: Any, *, before: str, after: str, note: str = ""
) -> DemandEvent:
    return DemandEvent.objects.create(
        town_id=demand.town_id,
        demand=demand,
        action=action,
        from_status=before,
        to_status=after,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        at=clock.now(),
    )


def _move(demand: Demand, action: str, actor: Any, to: str, *, note: str = "", **fields: Any) -> Demand:
    """Compare-and-swap the status: the row changes only if it is still in the state the caller saw.

    Two deputies claiming at once both read ``recorded``; the first UPDATE wins and the second matches
    no row (on PostgreSQL it waits for the first to commit, then re-checks the WHERE clause).
    """
    before = demand.status
    rows = Demand.objects.filter(pk=demand.pk, status=before).update(status=to, **fields)
    if rows != 1:
        raise TransitionError(
            _("Someone else changed this demand a moment ago. Please reload and try again.")
        )
    demand.refresh_from_db()
    _event(demand, action, actor, before=before, after=to, note=note)
    return demand


def _url(demand: Demand) -> str:
    return reverse("demands:detail", args=[demand.code])


def _deputy_users(demand: Demand) -> list[Any]:
    deputies = Deputy.objects.filter(town_id=demand.town_id, user__isnull=False).select_related("user")
    if demand.cell_id:
        deputies = deputies.filter(cell_links__cell_id=demand.cell_id)
    return [d.user for d in deputies.distinct()]


def _department_users(department: Department) -> list[Any]:
    return [s.user for s in department.staff.select_related("user")]


def _presidium_users(town_id: int) -> list[Any]:
    return list(User.objects.filter(town_id=town_id, role=Role.PRESIDIUM, is_active=True))


def _tell_citizen(demand: Demand, subject: str, body: str) -> None:
    """The citizen hears of every step that concerns them: in-app if they have an account, else by SMS."""
    users = [demand.requester] if demand.requester_id else []
    notify(
        town_id=demand.town_id,
        users=users,
        subject=subject,
        body=body,
        url=_url(demand),
        sms=True,
        sms_to="" if users else demand.requester_phone,
    )


def new_code(town: Town) -> str:
    """A tracking code people can read out on the phone: town prefix, year, six random digits."""
    year = clock.now().year
    while True:
        code = f"{town.code[-3:]}{year % 100:02d}{secrets.randbelow(10**6):06d}"
        if not Demand.objects.filter(code=code).exists():
            return code


def _replayed(demand: Demand) -> Demand:
    demand.replayed = True  # type: ignore[attr-defined]
    return demand


@transaction.atomic
def demands_link_requester(*, user: Any) -> int:
    """Make a signed-in citizen the requester of their town's demands raised with their phone and no
    account. Proof of the phone is the SMS code just spent, so the link is as strong as the login."""
    if not user.phone or user.role != Role.CITIZEN:
        return 0
    rows = list(
        Demand.objects.select_for_update().filter(
            town_id=user.town_id, requester__isnull=True, requester_phone_hash=lookup_hash(user.phone)
        )
    )
    for demand in rows:
        Demand.objects.filter(pk=demand.pk, requester__isnull=True).update(requester=user)
        _event(
            demand,
            "link_requester",
            user,
            before=demand.status,
            after=demand.status,
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
    if addressed_to is not None and addressed_to.town_id != town.pk:
        raise ValidationError({"addressed_to": _("That deputy is not of this town.")})
    if intake_key and (first := Demand.objects.filter(town=town, intake_key=intake_key).first()):
        return _replayed(first)
    if cell is None and lat is not None and lng is not None:
        cell = cell_at(town_id=town.pk, lat=lat, lng=lng)
    try:
        with transaction.atomic():  # a savepoint: a concurrent twin with the same intake key may win
            demand = Demand.objects.create(
                town=town,
                code=code or new_code(town),
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
                requester_phone=requester_phone.strip(),
                requester_phone_hash=lookup_hash(requester_phone) if requester_phone.strip() else "",
                requester_id_number=requester_id_number.strip(),
                requester=requester,
                recorded_by=recorded_by,
                intake_key=intake_key,
                consent_at=clock.now() if consent else None,
                addressed_to=addressed_to,
                created_at=clock.now(),
            )
    except IntegrityError:
        if not intake_key:
            raise
        return _replayed(Demand.objects.get(town=town, intake_key=intake_key))
    demand.replayed = False  # type: ignore[attr-defined]
    for f in attachments:
        Attachment.objects.create(
            town=town,
            demand=demand,
            kind=Attachment.Kind.SUBMITTED,
            file=f,
            name=f.name or "",
            uploaded_by=recorded_by,
        )
    _event(demand, "record", recorded_by, before="", after=Status.RECORDED, note=demand.get_channel_display())
    addressed = [addressed_to.user] if addressed_to is not None and addressed_to.user_id else []
    notify(
        town_id=town.pk,
        users=_deputy_users(demand) + addressed,
        subject=_("New demand in your cell: %(title)s") % {"title": demand.title},
        body=demand.description[:140],
        url=_url(demand),
    )
    return demand


@transaction.atomic
def demand_claim(*, demand: Demand, actor: Any) -> Demand:
    """接单: exactly one deputy of the cell takes the item."""
    _check(actor, "claim", demand)
    now = clock.now()
    demand = _move(demand, "claim", actor, Status.CLAIMED, deputy=actor.deputy, claimed_at=now)
    _tell_citizen(
        demand,
        _("Your demand %(code)s was taken by deputy %(name)s")
        % {"code": demand.code, "name": actor.deputy.name},
        demand.title,
    )
    return demand


@transaction.atomic
def demand_merge(*, demand: Demand, actor: Any, into: Demand, note: str = "") -> Demand:
    _check(actor, "merge", demand)
    if into.pk == demand.pk or into.town_id != demand.town_id or into.status in TERMINAL:
        raise ValidationError(_("Choose another open demand of the same town to merge into."))
    demand = _move(
        demand, "merge", actor, Status.MERGED, note=note or into.code, merged_into=into, closed_at=clock.now()
    )
    _tell_citizen(
        demand,
        _("Your demand %(code)s is handled together with %(other)s")
        % {"code": demand.code, "other": into.code},
        note,
    )
    return demand


@transaction.atomic
def demand_decline(*, demand: Demand, actor: Any, reason: str) -> Demand:
    _check(actor, "decline", demand)
    if not reason.strip():
        raise ValidationError(_("Give the reason the citizen will read."))
    demand = _move(
        demand,
        "decline",
        actor,
        Status.DECLINED,
        note=reason,
        closing_note=reason.strip(),
        closed_at=clock.now(),
    )
    _tell_citizen(demand, _("Your demand %(code)s was not taken up") % {"code": demand.code}, reason)
    return demand


@transaction.atomic
def demand_transfer(*, demand: Demand, actor: Any, to_level: str, note: str) -> Demand:
    """A deputy carries the matter upward as a suggestion to a higher congress (county, city, province)."""
    _check(actor, "transfer", demand)
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
    demand = _move(demand, "transfer", actor, Status.TRANSFERRED, note=text, **fields)
    _tell_citizen(
        demand,
        _("Your demand %(code)s was carried to a higher level as a deputy's suggestion")
        % {"code": demand.code},
        note,
    )
    return demand


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
    _check(actor, "assign", demand)
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
    demand = _move(demand, "assign", actor, Status.ASSIGNED, note=f"{department} · {due:%Y-%m-%d %H:%M}")
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
    notify(
        town_id=demand.town_id,
        users=_department_users(department) + [u for d in co for u in _department_users(d)],
        subject=_("New assignment %(code)s, due %(due)s")
        % {"code": demand.code, "due": f"{due:%m-%d %H:%M}"},
        body=matter,
        url=_url(demand),
        sms=True,
        email=True,
    )
    _tell_citizen(
        demand,
        _("Your demand %(code)s was assigned to %(dept)s") % {"code": demand.code, "dept": department},
        matter,
    )
    return assignment


@transaction.atomic
def demand_bounce(*, demand: Demand, actor: Any, reason: str) -> Demand:
    """The department says the matter is not within its duties; the deputy assigns again."""
    _check(actor, "bounce", demand)
    if not reason.strip():
        raise ValidationError(_("Say why this is not your department's matter."))
    demand = _move(demand, "bounce", actor, Status.CLAIMED, note=reason)
    notify(
        town_id=demand.town_id,
        users=[demand.deputy.user] if demand.deputy and demand.deputy.user else [],
        subject=_("Assignment %(code)s was sent back") % {"code": demand.code},
        body=reason,
        url=_url(demand),
    )
    return demand


@transaction.atomic
def demand_accept(*, demand: Demand, actor: Any) -> Demand:
    """签收: the department takes the assignment on."""
    _check(actor, "accept", demand)
    demand = _move(demand, "accept", actor, Status.ACCEPTED)
    Assignment.objects.filter(demand=demand).update(accepted_at=clock.now())
    return demand


@transaction.atomic
def demand_complete(
    *, demand: Demand, actor: Any, result: str, outcome: str, evidence: Iterable[UploadedFile] = ()
) -> Demand:
    """办结: the department reports what it did, to the presidium and to the citizen."""
    _check(actor, "complete", demand)
    errors = {}
    if not result.strip():
        errors["result"] = _("Describe what was done.")
    if outcome not in Outcome.values:
        errors["outcome"] = _("Say whether it was resolved or only explained.")
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    demand = _move(demand, "complete", actor, Status.COMPLETED, note=result, outcome=outcome)
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
    subject = _("Demand %(code)s completed: please evaluate") % {"code": demand.code}
    notify(
        town_id=demand.town_id,
        users=_presidium_users(demand.town_id)
        + ([demand.deputy.user] if demand.deputy and demand.deputy.user else []),
        subject=subject,
        body=result[:140],
        url=_url(demand),
    )
    _tell_citizen(demand, subject, result[:140])
    return demand


# --- the completion list --------------------------------------------------------------------------
def _returned(
    demand: Demand, action: str, actor: Any, reason: str, due_at: dt.datetime | None = None
) -> Demand:
    """Back to the department with a fresh time limit for the rework (or the one the returner sets);
    the earlier result stays in the event log, not on the assignment."""
    now = clock.now()
    due = due_at or default_due_at(category=demand.category, urgency=demand.urgency, start=now)
    demand = _move(
        demand, action, actor, Status.RETURNED, note=f"{reason} · {due:%Y-%m-%d %H:%M}", outcome=""
    )
    Assignment.objects.filter(demand=demand).update(
        returns=F("returns") + 1,
        completed_at=None,
        result="",
        due_at=due,
        light=light_for(due_at=due, urgency=demand.urgency, at=now),
        escalated_at=None,
    )
    assignment = demand.assignment
    Reminder.objects.create(
        town_id=demand.town_id,
        assignment=assignment,
        level=Reminder.Level.MANUAL,
        note=reason,
        by=actor,
        at=clock.now(),
    )
    notify(
        town_id=demand.town_id,
        users=_department_users(assignment.department),
        subject=_("Demand %(code)s returned for rework under supervision") % {"code": demand.code},
        body=reason,
        url=_url(demand),
        sms=True,
        email=True,
    )
    return demand


@transaction.atomic
def demand_evaluate(*, demand: Demand, actor: Any, verdict: str, comment: str = "") -> Demand:
    """The citizen's verdict; 不满意 sends the item back to the department under supervision."""
    _check(actor, "evaluate", demand)
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose satisfied, basically satisfied or unsatisfied.")})
    if verdict == Verdict.UNSATISFIED and not comment.strip():
        raise ValidationError(
            {"comment": _("Tell us what is still wrong, so the department can put it right.")}
        )
    _evaluation(demand, EvaluatorRole.CITIZEN, verdict, comment, actor)
    if verdict == Verdict.UNSATISFIED:
        return _returned(demand, "evaluate", actor, comment)
    return _move(
        demand, "evaluate", actor, Status.EVALUATED, note=f"{Verdict(verdict).label} {comment}".strip()
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
    _check(actor, "check", demand)
    if not passed and not comment.strip():
        raise ValidationError({"comment": _("Say what is not done.")})
    _evaluation(
        demand, EvaluatorRole.DEPUTY, Verdict.SATISFIED if passed else Verdict.UNSATISFIED, comment, actor
    )
    if not passed:
        return _returned(demand, "check", actor, comment)
    if demand.status == Status.EVALUATED:
        _event(demand, "check", actor, before=demand.status, after=demand.status, note=comment)
        return demand
    return _move(demand, "check", actor, Status.EVALUATED, note=comment)


@transaction.atomic
def demand_return(*, demand: Demand, actor: Any, reason: str, due_at: dt.datetime | None = None) -> Demand:
    """The presidium (or the deputy) rejects the result: back to the department, under supervision,
    with a new deadline for the rework (by default the category's limit from now)."""
    _check(actor, "return", demand)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Say why the result is not accepted.")
    if due_at is not None and due_at <= clock.now():
        errors["due_at"] = _("The deadline must be in the future.")
    if errors:
        raise ValidationError(errors)
    return _returned(demand, "return", actor, reason, due_at)


@transaction.atomic
def demand_close(*, demand: Demand, actor: Any, note: str = "") -> Demand:
    """The presidium's acceptance closes the loop."""
    _check(actor, "close", demand)
    _evaluation(demand, EvaluatorRole.PRESIDIUM, Verdict.SATISFIED, note, actor)
    demand = _move(demand, "close", actor, Status.CLOSED, note=note, closed_at=clock.now())
    _tell_citizen(demand, _("Demand %(code)s is closed. Thank you.") % {"code": demand.code}, note)
    return demand


# --- supervision ----------------------------------------------------------------------------------
@transaction.atomic
def extension_request(*, demand: Demand, actor: Any, due_at: dt.datetime, reason: str) -> Extension:
    _check(actor, "request_extension", demand)
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
    _event(
        demand,
        "request_extension",
        actor,
        before=demand.status,
        after=demand.status,
        note=f"{due_at:%Y-%m-%d %H:%M} {reason}",
    )
    notify(
        town_id=demand.town_id,
        users=_presidium_users(demand.town_id),
        subject=_("Extension requested for %(code)s") % {"code": demand.code},
        body=reason,
        url=_url(demand),
    )
    return ext


@transaction.atomic
def extension_decide(*, extension: Extension, actor: Any, approve: bool, note: str = "") -> Extension:
    demand = extension.assignment.demand
    _check(actor, "decide_extension", demand)
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
    _event(
        demand,
        "decide_extension",
        actor,
        before=demand.status,
        after=demand.status,
        note=("✔ " if approve else "✘ ") + f"{extension.requested_due_at:%Y-%m-%d %H:%M} {note}".strip(),
    )
    notify(
        town_id=demand.town_id,
        users=_department_users(extension.assignment.department),
        subject=(_("Extension approved for %(code)s") if approve else _("Extension refused for %(code)s"))
        % {"code": demand.code},
        body=note,
        url=_url(demand),
    )
    return extension


@transaction.atomic
def assignment_remind(*, demand: Demand, actor: Any, note: str) -> Reminder:
    """催办 by hand, from the presidium or the deputy."""
    _check(actor, "remind", demand)
    reminder = Reminder.objects.create(
        town_id=demand.town_id,
        assignment=demand.assignment,
        level=Reminder.Level.MANUAL,
        note=note,
        by=actor,
        at=clock.now(),
    )
    _event(demand, "remind", actor, before=demand.status, after=demand.status, note=note)
    notify(
        town_id=demand.town_id,
        users=_department_users(demand.assignment.department),
        subject=_("Reminder: %(code)s") % {"code": demand.code},
        body=note,
        url=_url(demand),
        sms=True,
        email=True,
    )
    return reminder


def _light_changed(assignment: Assignment, light: str, at: dt.datetime) -> None:
    """Yellow: a 催办 to the department. Red: the same, plus an escalation to the presidium."""
    demand = assignment.demand
    due = f"{assignment.due_at:%Y-%m-%d %H:%M}"
    if light == Light.YELLOW:
        note, subject = _("Due at %(due)s") % {"due": due}, _("Due soon: %(code)s") % {"code": demand.code}
        levels = [Reminder.Level.YELLOW]
    else:
        note, subject = (
            _("Overdue since %(due)s") % {"due": due},
            _("Overdue: %(code)s") % {"code": demand.code},
        )
        levels = [Reminder.Level.RED, Reminder.Level.ESCALATED]
    for level in levels:
        Reminder.objects.create(town_id=demand.town_id, assignment=assignment, level=level, note=note, at=at)
    _event(demand, f"sweep_{light}", None, before=demand.status, after=demand.status, note=note)
    notify(
        town_id=demand.town_id,
        users=_department_users(assignment.department),
        subject=subject,
        body=note,
        url=_url(demand),
        sms=True,
        email=True,
    )
    if light == Light.RED:
        notify(
            town_id=demand.town_id,
            users=_presidium_users(demand.town_id),
            subject=_("Escalated: %(code)s is overdue") % {"code": demand.code},
            body=f"{assignment.department} · {note}",
            url=_url(demand),
        )


def deadlines_sweep(*, at: dt.datetime | None = None, town_id: int | None = None) -> dict[str, int]:
    """The worker's every-minute sweep: recolour lights, write 催办 on yellow and red, escalate red.

    Each change is a compare-and-swap on the stored light, so two sweeps running at once write one
    reminder, not two. ``town_id`` limits it to one town (a replay of one town's history).
    """
    at = at or clock.now()
    counts = {"yellow": 0, "red": 0}
    rows = (
        Assignment.objects.filter(demand__status__in=ON_THE_CLOCK)
        .exclude(light=Light.RED)
        .select_related("demand", "department")
    )
    if town_id is not None:
        rows = rows.filter(town_id=town_id)
    for assignment in rows.iterator():
        light = light_for(due_at=assignment.due_at, urgency=assignment.demand.urgency, at=at)
        if light == assignment.light:
            continue
        with transaction.atomic():
            changed = Assignment.objects.filter(pk=assignment.pk, light=assignment.light).update(
                light=light, escalated_at=at if light == Light.RED else None
            )
            if not changed or light == Light.GREEN:  # back to green (a new deadline): nothing to say
                continue
            _light_changed(assignment, light, at)
            counts[light] += 1
    return counts
