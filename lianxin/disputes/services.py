"""Every write to the dispute ledger. Each move is one function: it checks right, state and input, then
makes the move through the workflow core (``lianxin.core.workflow``): a compare-and-swap on the status, an
event row and a published domain event. Events a deputy takes part in (a session with a deputy on the
supervision seat, a hearing) carry ``data["deputies"]``: the deputies other than the actor."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.core.validators import normalise_id_number, normalise_phone
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands import services as demand_services
from lianxin.demands.models import Category, Channel, Demand
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station
from lianxin.tracking.services import tracked_item_open

from . import risk as risk_rule
from .events import Event, HearingEvent
from .models import (
    Agreement,
    Dispute,
    DisputeDemand,
    Hearing,
    Party,
    ReferredTo,
    Risk,
    Session,
    Source,
    Status,
)
from .permissions import may_register


def _flow() -> Workflow:
    return workflow_of(Dispute)


def _hearing_flow() -> Workflow:
    return workflow_of(Hearing)


def _deputies_besides(actor: Any, deputies: Iterable[Deputy | None]) -> list[int]:
    """The deputies who took part, other than the actor (the duty record credits each of them)."""
    mine = getattr(getattr(actor, "deputy", None), "pk", None)
    return sorted({d.pk for d in deputies if d is not None and d.pk != mine})


def new_code(town: Town) -> str:
    """A ledger number read out on the phone: town prefix, 'T' (调), year, five random digits."""
    year = clock.now().year
    while True:
        code = f"{town.code[-3:]}T{year % 100:02d}{secrets.randbelow(10**5):05d}"
        if not Dispute.objects.filter(code=code).exists():
            return code


def _apply_assessment(dispute: Dispute) -> risk_rule.Assessment:
    found = risk_rule.assess(
        risk_rule.rule_of(dispute.town_id),
        kind=dispute.kind,
        amount=dispute.amount,
        parties=dispute.parties.count(),
        repeat_contacts=dispute.repeat_contacts,
        threats=dispute.threats,
    )
    Dispute.objects.filter(pk=dispute.pk).update(
        risk=found.level, risk_points=found.points, risk_reasons=found.reasons
    )
    dispute.risk, dispute.risk_points, dispute.risk_reasons = found.level, found.points, found.reasons
    return found


# --- registering -------------------------------------------------------------------------------
@transaction.atomic
def dispute_register(
    *,
    town: Town,
    actor: Any,
    kind: str,
    source: str,
    summary: str,
    description: str,
    parties: Sequence[dict[str, str]],
    cell: GridCell | None = None,
    station: Station | None = None,
    amount: int = 0,
    repeat_contacts: int = 0,
    threats: bool = False,
    code: str | None = None,
) -> Dispute:
    """Put a dispute on the ledger, rate its risk by the town's rule (with its reasons), raise the
    petition-risk flag when the rule says so, and propose a hearing when it is major or critical."""
    if not may_register(actor) or getattr(actor, "town_id", None) != town.pk:
        raise PermissionDenied(_("Your role does not allow this."))
    errors: dict[str, str] = {}
    named = [p for p in parties if (p.get("name") or "").strip()]
    if not named:
        errors["parties"] = _("Name at least one party.")
    if not summary.strip():
        errors["summary"] = _("Say in a few words what the dispute is about.")
    for place in (cell, station):
        if place is not None and place.town_id != town.pk:
            errors["cell"] = _("Choose a place of this town.")
    if errors:
        raise ValidationError(errors)
    dispute = Dispute.objects.create(
        town=town,
        code=code or new_code(town),
        kind=kind,
        source=source,
        summary=summary.strip()[:80],
        description=description.strip(),
        cell=cell if cell is not None else (station.cell if station is not None else None),
        station=station,
        amount=amount,
        repeat_contacts=repeat_contacts,
        threats=threats,
        registered_by=actor,
        created_at=clock.now(),
    )
    for p in named:
        Party.objects.create(
            town=town,
            dispute=dispute,
            side=p.get("side") or Party.Side.APPLICANT,
            name=p["name"].strip(),
            phone=normalise_phone(p.get("phone") or ""),
            id_number=normalise_id_number(p.get("id_number") or ""),
        )
    found = _apply_assessment(dispute)
    if found.petition_risk:
        Dispute.objects.filter(pk=dispute.pk).update(petition_risk=True)
        dispute.petition_risk = True
    _flow().emit(
        dispute,
        Event.REGISTER,
        actor,
        before="",
        after=Status.REGISTERED,
        note=str(dispute.get_source_display()),
        data={"risk": found.level, "petition_risk": found.petition_risk},
    )
    if found.level != Risk.GENERAL:
        hearing_propose_for_dispute(dispute=dispute)
    return dispute


@transaction.atomic
def dispute_from_demand(
    *,
    demand: Demand,
    actor: Any,
    kind: str,
    parties: Sequence[dict[str, str]],
    amount: int = 0,
    code: str | None = None,
) -> Dispute:
    """A demand turned into a dispute (诉求转纠纷): the dispute takes its text and place and links back."""
    if demand.town_id != getattr(actor, "town_id", None):
        raise PermissionDenied(_("Your role does not allow this."))
    if DisputeDemand.objects.filter(demand=demand, direction=DisputeDemand.Direction.ORIGIN).exists():
        raise ValidationError(_("This demand has already been turned into a dispute."))
    if not any((p.get("name") or "").strip() for p in parties) and demand.requester_name:
        parties = [
            {"side": Party.Side.APPLICANT, "name": demand.requester_name, "phone": demand.requester_phone}
        ]
    dispute = dispute_register(
        town=demand.town,
        actor=actor,
        kind=kind,
        source=Source.DEMAND,
        summary=demand.title,
        description=demand.description,
        parties=parties,
        cell=demand.cell,
        station=None,
        amount=amount,
        code=code,
    )
    DisputeDemand.objects.create(
        town=demand.town, dispute=dispute, demand=demand, direction=DisputeDemand.Direction.ORIGIN
    )
    return dispute


# --- the moves ---------------------------------------------------------------------------------------
@transaction.atomic
def dispute_accept(*, dispute: Dispute, actor: Any, mediator: Any | None = None, note: str = "") -> Dispute:
    """受理: a mediator takes the dispute (the presidium names one)."""
    flow = _flow()
    flow.check(actor, Event.ACCEPT, dispute)
    from lianxin.accounts.principals import can
    from lianxin.accounts.roles import Capability

    chosen = mediator or (actor if can(actor, Capability.MEDIATE) else None)
    if chosen is None or not can(chosen, Capability.MEDIATE) or chosen.town_id != dispute.town_id:
        raise ValidationError({"mediator": _("Choose a mediator of this town.")})
    return flow.transition(
        dispute, Event.ACCEPT, actor, checked=True, note=note or str(chosen), mediator=chosen
    )


@transaction.atomic
def dispute_start(*, dispute: Dispute, actor: Any, note: str = "") -> Dispute:
    flow = _flow()
    flow.check(actor, Event.START, dispute)
    return flow.transition(dispute, Event.START, actor, checked=True, note=note)


@transaction.atomic
def session_record(
    *,
    dispute: Dispute,
    actor: Any,
    held_at: dt.datetime,
    place: str,
    minutes: str,
    outcome: str,
    station: Station | None = None,
    supervisor: Deputy | None = None,
    supervisor_remarks: str = "",
    mediators: Iterable[Any] = (),
) -> Session:
    """A mediation session, with the deputy on the supervision seat (监督席) and their remarks."""
    flow = _flow()
    flow.check(actor, Event.SESSION, dispute)
    errors: dict[str, str] = {}
    if not minutes.strip():
        errors["minutes"] = _("Write the minutes of the session.")
    if supervisor is not None and supervisor.town_id != dispute.town_id:
        errors["supervisor"] = _("That deputy is not of this town.")
    if supervisor is None and supervisor_remarks.strip():
        errors["supervisor_remarks"] = _("Name the deputy on the supervision seat who made these remarks.")
    if outcome not in Session.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(
        town_id=dispute.town_id,
        dispute=dispute,
        held_at=held_at,
        place=place.strip(),
        station=station,
        supervisor=supervisor,
        supervisor_remarks=supervisor_remarks.strip(),
        minutes=minutes.strip(),
        outcome=outcome,
    )
    people = {m for m in mediators if m.town_id == dispute.town_id}
    if dispute.mediator is not None:
        people.add(dispute.mediator)
    session.mediators.set(people)
    note = _("Session at %(place)s") % {"place": session.place}
    if supervisor is not None:
        note += " · " + _("supervision seat: %(deputy)s") % {"deputy": supervisor.name}
    flow.step(
        dispute,
        Event.SESSION,
        actor,
        note=note,
        data={"session": session.pk, "deputies": _deputies_besides(actor, [supervisor])},
    )
    return session


@transaction.atomic
def dispute_agree(
    *,
    dispute: Dispute,
    actor: Any,
    terms: str,
    follow_up_due: dt.date,
    accepted: Iterable[Party],
) -> Dispute:
    """达成协议: every party accepts the terms; the follow-up date is set."""
    flow = _flow()
    flow.check(actor, Event.AGREE, dispute)
    parties = list(dispute.parties.all())
    accepting = {p.pk for p in accepted}
    errors: dict[str, str] = {}
    if not terms.strip():
        errors["terms"] = _("Write the terms the parties agreed.")
    if not parties or any(p.pk not in accepting for p in parties):
        errors["accepted"] = _(
            "Every party must accept the agreement; otherwise record that mediation failed."
        )
    if follow_up_due < clock.now().date():
        errors["follow_up_due"] = _("The follow-up date cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    Party.objects.filter(dispute=dispute).update(accepts_agreement=True)
    Agreement.objects.create(
        town_id=dispute.town_id,
        dispute=dispute,
        terms=terms.strip(),
        signed_at=clock.now(),
        follow_up_due=follow_up_due,
    )
    return flow.transition(
        dispute, Event.AGREE, actor, checked=True, note=terms.strip()[:200], resolved_at=clock.now()
    )


@transaction.atomic
def dispute_fail(*, dispute: Dispute, actor: Any, reason: str) -> Dispute:
    flow = _flow()
    flow.check(actor, Event.FAIL, dispute)
    return flow.transition(dispute, Event.FAIL, actor, checked=True, note=reason, result=reason.strip())


@transaction.atomic
def dispute_refer(*, dispute: Dispute, actor: Any, to: str, note: str = "") -> Dispute:
    """After failed mediation: to the court, to arbitration, or to the town's governance centre."""
    flow = _flow()
    flow.check(actor, Event.REFER, dispute)
    if to not in ReferredTo.values:
        raise ValidationError({"to": _("Choose where the dispute is referred.")})
    text = str(ReferredTo(to).label) + (f": {note.strip()}" if note.strip() else "")
    return flow.transition(dispute, Event.REFER, actor, checked=True, note=text, referred_to=to)


@transaction.atomic
def dispute_follow_up(*, dispute: Dispute, actor: Any, result: str, kept: bool = True) -> Dispute:
    """回访: whether the agreement was kept (or how the referral ended)."""
    flow = _flow()
    flow.check(actor, Event.FOLLOW_UP, dispute)
    if not result.strip():
        raise ValidationError({"result": _("Write what the follow-up found.")})
    Agreement.objects.filter(dispute=dispute).update(
        follow_up_result=result.strip(), followed_up_at=clock.now(), kept=kept
    )
    return flow.transition(dispute, Event.FOLLOW_UP, actor, checked=True, note=result.strip())


@transaction.atomic
def dispute_close(*, dispute: Dispute, actor: Any, note: str = "") -> Dispute:
    flow = _flow()
    flow.check(actor, Event.CLOSE, dispute)
    if dispute.petition_risk:
        raise ValidationError(_("Remove the petition risk first, saying how it was removed."))
    return flow.transition(dispute, Event.CLOSE, actor, checked=True, note=note, closed_at=clock.now())


@transaction.atomic
def dispute_reassess(
    *, dispute: Dispute, actor: Any, amount: int, repeat_contacts: int, threats: bool, note: str = ""
) -> Dispute:
    """New facts (the amount, another visit, threats): the rule rates the dispute again."""
    flow = _flow()
    flow.check(actor, Event.REASSESS, dispute)
    before = dispute.risk
    Dispute.objects.filter(pk=dispute.pk).update(
        amount=amount, repeat_contacts=repeat_contacts, threats=threats
    )
    dispute.amount, dispute.repeat_contacts, dispute.threats = amount, repeat_contacts, threats
    found = _apply_assessment(dispute)
    if found.petition_risk and not dispute.petition_risk:
        Dispute.objects.filter(pk=dispute.pk).update(petition_risk=True)
        dispute.petition_risk = True
    text = f"{Risk(before).label} → {Risk(found.level).label}" + (
        f" · {note.strip()}" if note.strip() else ""
    )
    flow.step(dispute, Event.REASSESS, actor, note=text, data={"risk": found.level})
    if found.level != Risk.GENERAL:
        hearing_propose_for_dispute(dispute=dispute)
    return dispute


@transaction.atomic
def dispute_flag_petition(*, dispute: Dispute, actor: Any, reason: str) -> Dispute:
    flow = _flow()
    flow.check(actor, Event.FLAG_PETITION_RISK, dispute)
    Dispute.objects.filter(pk=dispute.pk).update(petition_risk=True)
    dispute.petition_risk = True
    flow.step(dispute, Event.FLAG_PETITION_RISK, actor, note=reason.strip())
    return dispute


@transaction.atomic
def dispute_clear_petition(*, dispute: Dispute, actor: Any, reason: str) -> Dispute:
    """化解信访隐患: the risk is removed, and how."""
    flow = _flow()
    flow.check(actor, Event.CLEAR_PETITION_RISK, dispute)
    if not dispute.petition_risk:
        raise ValidationError(_("This dispute carries no petition risk."))
    Dispute.objects.filter(pk=dispute.pk).update(petition_risk=False)
    dispute.petition_risk = False
    flow.step(dispute, Event.CLEAR_PETITION_RISK, actor, note=reason.strip())
    return dispute


@transaction.atomic
def dispute_raise_demand(
    *,
    dispute: Dispute,
    actor: Any,
    category: Category,
    title: str,
    description: str,
    code: str | None = None,
) -> Demand:
    """纠纷转诉求: a dispute shows a problem for a department (a broken boundary marker, unpaid wages); it
    goes onto the demand ledger through the demand's own service, linked back to the dispute."""
    flow = _flow()
    flow.check(actor, Event.RAISE_DEMAND, dispute)
    if category.town_id != dispute.town_id:
        raise ValidationError({"category": _("This category belongs to another town.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the demand a summary.")})
    applicant = dispute.parties.filter(side=Party.Side.APPLICANT).first()
    demand = demand_services.demand_record(
        town=dispute.town,
        recorded_by=actor,
        channel=Channel.WALK_IN,
        category=category,
        title=title,
        description=description or title,
        cell=dispute.cell,
        station=dispute.station,
        requester_name=applicant.name if applicant else "",
        requester_phone=applicant.phone if applicant else "",
        code=code,
    )
    DisputeDemand.objects.create(
        town_id=dispute.town_id, dispute=dispute, demand=demand, direction=DisputeDemand.Direction.RAISED
    )
    flow.step(dispute, Event.RAISE_DEMAND, actor, note=demand.code, data={"demand": demand.pk})
    return demand


# --- hearings --------------------------------------------------------------------------------------
def hearing_propose_for_dispute(*, dispute: Dispute) -> Hearing | None:
    """A dispute rated major or critical gets one proposed hearing (the system proposes, nobody acts)."""
    if dispute.risk == Risk.GENERAL or Hearing.objects.filter(dispute=dispute).exists():
        return None
    hearing = Hearing.objects.create(
        town_id=dispute.town_id,
        basis=Hearing.Basis.DISPUTE,
        dispute=dispute,
        cell=dispute.cell,
        title=_("Hearing on dispute %(code)s: %(summary)s")
        % {"code": dispute.code, "summary": dispute.summary},
        reason=_("Rated %(level)s (%(points)s points): %(reasons)s")
        % {
            "level": Risk(dispute.risk).label,
            "points": dispute.risk_points,
            "reasons": "; ".join(risk_rule.reason_text(r) for r in dispute.risk_reasons),
        },
        proposed_at=clock.now(),
    )
    _hearing_flow().emit(
        hearing, HearingEvent.PROPOSE, None, before="", after=Hearing.Status.PROPOSED, note=hearing.reason
    )
    return hearing


@transaction.atomic
def hearings_propose_for_demands(*, town: Town, at: dt.datetime | None = None) -> list[Hearing]:
    """Demands on one subject (category) in one cell within the rule's window reach its threshold: propose a
    hearing, unless one on that subject and cell was proposed within the window already."""
    at = at or clock.now()
    rule = risk_rule.rule_of(town)
    since = at - dt.timedelta(days=rule.hearing_window_days)
    clusters = (
        Demand.objects.filter(town=town, created_at__gte=since, created_at__lte=at, cell__isnull=False)
        .values("cell", "category")
        .annotate(n=Count("pk"))
        .filter(n__gte=rule.hearing_demands_at)
        .order_by("cell", "category")
    )
    made: list[Hearing] = []
    for row in clusters:
        if Hearing.objects.filter(
            town=town,
            basis=Hearing.Basis.DEMANDS,
            cell_id=row["cell"],
            category_id=row["category"],
            proposed_at__gte=since,
        ).exists():
            continue
        cell = GridCell.objects.get(pk=row["cell"])
        category = Category.objects.get(pk=row["category"])
        hearing = Hearing.objects.create(
            town=town,
            basis=Hearing.Basis.DEMANDS,
            cell=cell,
            category=category,
            title=_("Hearing on %(subject)s in %(cell)s") % {"subject": category.name, "cell": cell.name},
            reason=_("%(n)s demands on %(subject)s in %(cell)s within %(days)s days (threshold %(at)s).")
            % {
                "n": row["n"],
                "subject": category.name,
                "cell": cell.name,
                "days": rule.hearing_window_days,
                "at": rule.hearing_demands_at,
            },
            proposed_at=at,
        )
        _hearing_flow().emit(
            hearing, HearingEvent.PROPOSE, None, before="", after=Hearing.Status.PROPOSED, note=hearing.reason
        )
        made.append(hearing)
    return made


@transaction.atomic
def hearing_hold(
    *,
    hearing: Hearing,
    actor: Any,
    held_at: dt.datetime,
    place: str,
    participants: str,
    positions: str,
    conclusion: str,
    deputies: Iterable[Deputy] = (),
) -> Hearing:
    """The hearing's record: who took part, their positions, the conclusion. Follow-up tasks are tracked
    items added from the hearing's page."""
    flow = _hearing_flow()
    flow.check(actor, HearingEvent.HOLD, hearing)
    present = [d for d in deputies if d.town_id == hearing.town_id]
    errors: dict[str, str] = {}
    for name, value in (("participants", participants), ("positions", positions), ("conclusion", conclusion)):
        if not value.strip():
            errors[name] = _("This is part of the hearing's record.")
    if errors:
        raise ValidationError(errors)
    hearing.deputies.set(present)
    return flow.transition(
        hearing,
        HearingEvent.HOLD,
        actor,
        checked=True,
        note=conclusion.strip()[:200],
        data={"deputies": _deputies_besides(actor, present)},
        held_at=held_at,
        place=place.strip(),
        participants=participants.strip(),
        positions=positions.strip(),
        conclusion=conclusion.strip(),
    )


@transaction.atomic
def hearing_add_task(
    *,
    hearing: Hearing,
    actor: Any,
    title: str,
    due_at: dt.datetime,
    department: Department | None = None,
    supervisor: Deputy | None = None,
    details: str = "",
) -> Any:
    """A follow-up task the hearing's conclusion creates: a tracked item (``lianxin.tracking``) with its
    owner and deadline, under the same supervision lights as assignments."""
    flow = _hearing_flow()
    flow.check(actor, HearingEvent.ADD_TASK, hearing)
    for place in (department, supervisor):
        if place is not None and place.town_id != hearing.town_id:
            raise ValidationError(_("Choose a department and a deputy of this town."))
    item = tracked_item_open(
        town=hearing.town,
        origin="hearing",
        title=title,
        due_at=due_at,
        actor=actor,
        department=department,
        supervisor=supervisor,
        details=details,
        source=hearing,
    )
    flow.step(hearing, HearingEvent.ADD_TASK, actor, note=item.title, data={"item": item.pk})
    return item


@transaction.atomic
def hearing_dismiss(*, hearing: Hearing, actor: Any, reason: str) -> Hearing:
    flow = _hearing_flow()
    flow.check(actor, HearingEvent.DISMISS, hearing)
    return flow.transition(
        hearing,
        HearingEvent.DISMISS,
        actor,
        checked=True,
        note=reason.strip(),
        dismissed_reason=reason.strip(),
    )


def parties_reveal(
    *, dispute: Dispute, actor: Any, reason: str, request: Any, action: str = "parties"
) -> None:
    """The parties in full for one who needs them (the presidium, the dispute's mediator): counted against
    the reveal rate and written to the audit trail before anything is shown; ``RevealLimited`` when over."""
    from lianxin.audit.reveal import reveal

    from .permissions import may_reveal

    if not may_reveal(actor, dispute):
        raise PermissionDenied(_("Your role does not allow this."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need the full details.")})
    shown = {
        field for p in dispute.parties.all() for field in ("name", "phone", "id_number") if getattr(p, field)
    }
    reveal(request=request, obj=dispute, reason=reason[:500], details=shown, action=action)
