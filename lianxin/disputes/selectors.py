"""Reads of the dispute ledger, each starting from ``restrict`` (an object outside the scope is a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from lianxin.core import clock, masking
from lianxin.core.workflow import Move, workflow_of
from lianxin.demands.models import Demand
from lianxin.people.acting import deputy_of

from . import risk
from .models import (
    OPEN,
    Agreement,
    Dispute,
    DisputeDemand,
    DisputeEvent,
    Hearing,
    Risk,
    Session,
    Status,
)


def disputes_for(user: Any) -> QuerySet[Dispute]:
    return Dispute.objects.restrict(user).select_related("cell", "station", "mediator", "town")


def dispute_detail(*, user: Any, code: str) -> QuerySet[Any]:
    return (
        disputes_for(user)
        .filter(code=code)
        .prefetch_related(  # type: ignore[type-var]
            "parties",
            Prefetch(
                "sessions",
                queryset=Session.objects.select_related("supervisor").prefetch_related("mediators"),
            ),
            Prefetch("events", queryset=DisputeEvent.objects.select_related("actor")),
        )
    )


def hearings_for(user: Any) -> QuerySet[Hearing]:
    return Hearing.objects.restrict(user).select_related("dispute", "cell", "category", "town")


def allowed_moves(*, user: Any, obj: Any) -> list[Move]:
    return workflow_of(type(obj)).allowed(user, obj)


@dataclass
class PartyView:
    side: str | Promise
    name: str
    phone: str
    id_number: str
    accepts: bool | None


def parties_for(dispute: Dispute, *, revealed: bool = False) -> list[PartyView]:
    """The parties, masked; in full only in the answer to a reveal (``revealed``: already recorded)."""
    return [
        PartyView(
            side=p.get_side_display(),
            name=p.name if revealed else masking.mask_name(p.name),
            phone=p.phone if revealed else masking.mask_phone(p.phone),
            id_number=p.id_number if revealed else masking.mask_id_number(p.id_number),
            accepts=p.accepts_agreement,
        )
        for p in dispute.parties.all()
    ]


def risk_reasons(dispute: Dispute) -> list[str]:
    return [risk.reason_text(r) for r in dispute.risk_reasons]


@dataclass
class Step:
    at: dt.datetime
    label: str | Promise
    actor: Any
    before: str | Promise
    after: str | Promise
    note: str


def timeline(obj: Any) -> list[Step]:
    flow = workflow_of(type(obj))
    choices = dict(obj._meta.get_field("status").choices)
    return [
        Step(
            at=e.at,
            label=flow.staff_label(e.action),
            actor=e.actor,
            before=choices.get(e.from_status, e.from_status),
            after=choices.get(e.to_status, e.to_status) if e.to_status != e.from_status else "",
            note=e.note,
        )
        for e in obj.events.all()
    ]


def agreement_of(dispute: Dispute) -> Agreement | None:
    try:
        return dispute.agreement
    except Agreement.DoesNotExist:
        return None


# --- the links between the ledgers -------------------------------------------------------------------
def demands_linked(*, user: Any, dispute: Dispute) -> list[tuple[DisputeDemand, bool]]:
    """The demands linked to a dispute, each with whether the reader may open it."""
    links = list(DisputeDemand.objects.filter(dispute=dispute).select_related("demand").order_by("at"))
    readable = set(
        Demand.objects.restrict(user).filter(pk__in=[x.demand_id for x in links]).values_list("pk", flat=True)
    )
    return [(link, link.demand_id in readable) for link in links]


def disputes_linked(*, user: Any, demand: Demand) -> list[DisputeDemand]:
    """The disputes a demand is linked to that the reader may open."""
    return list(
        DisputeDemand.objects.restrict(user).filter(demand=demand).select_related("dispute").order_by("at")
    )


# --- the workbench sections -----------------------------------------------------------------------------
def _today() -> tuple[dt.datetime, dt.datetime]:
    start = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


today_bounds = _today  # the filters' "session today" reads the same day


def sessions_today(user: Any) -> QuerySet[Session]:
    start, end = _today()
    return (
        Session.objects.restrict(user)
        .filter(held_at__gte=start, held_at__lt=end)
        .select_related("dispute", "supervisor")
        .order_by("held_at")
    )


def follow_ups_due(user: Any, *, within_days: int = 7) -> QuerySet[Agreement]:
    """Agreements whose follow-up is due within a week (or overdue) and not done yet."""
    horizon = timezone.localtime(clock.now()).date() + dt.timedelta(days=within_days)
    return (
        Agreement.objects.restrict(user)
        .filter(dispute__status=Status.AGREED, follow_up_due__lte=horizon)
        .select_related("dispute")
        .order_by("follow_up_due")
    )


def supervision_seats(user: Any) -> QuerySet[Session]:
    """The sessions where the signed-in deputy sat on the supervision seat."""
    deputy = deputy_of(user)
    if deputy is None:
        return Session.objects.none()
    return (
        Session.objects.restrict(user)
        .filter(supervisor=deputy)
        .select_related("dispute")
        .order_by("-held_at")
    )


def risks(user: Any) -> QuerySet[Dispute]:
    """Open disputes rated major or critical, or carrying a petition risk."""
    from django.db.models import Q

    return (
        disputes_for(user)
        .filter(status__in=OPEN)
        .filter(Q(risk__in=[Risk.MAJOR, Risk.CRITICAL]) | Q(petition_risk=True))
    )
