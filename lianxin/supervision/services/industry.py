"""The industry station (产业代表联络站): enterprises, their demands, station events and outcomes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.models import Town
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy
from lianxin.territory.models import GridCell, Station, StationKind

from ..events import (
    IndustryKind,
)
from ..models import (
    Enterprise,
    EnterpriseDemand,
    IndustryEventKind,
    StationEvent,
)
from ._common import _require, others


def _presidium_of(actor: Any, town: Town) -> None:
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def enterprise_register(
    *,
    town: Town,
    actor: Any,
    name: str,
    sector: str,
    cell: GridCell | None = None,
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    """An enterprise the industry station serves (name, sector, cell, contact)."""
    _presidium_of(actor, town)
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the enterprise's name.")
    elif Enterprise.objects.filter(town=town, name=name.strip()).exists():
        errors["name"] = _("This enterprise is already registered.")
    if cell is not None and cell.town_id != town.pk:
        errors["cell"] = _("Choose a cell of this town.")
    _require(errors)
    return Enterprise.objects.create(
        town=town,
        name=name.strip(),
        sector=sector.strip(),
        cell=cell,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
    )


def industry_station(town: Town) -> Station | None:
    return Station.objects.filter(town=town, kind=StationKind.INDUSTRY).order_by("pk").first()


@transaction.atomic
def enterprise_demand_record(
    *,
    enterprise: Enterprise,
    actor: Any,
    category: Any,
    title: str,
    description: str,
    urgency: str = "general",
) -> Demand:
    """An enterprise's problem (急难愁盼) put on the problem list through the industry channel, recorded by
    a deputy at the industry station (or the presidium); the loop then runs as for any demand."""
    from lianxin.demands import services as demands
    from lianxin.demands.models import Channel

    if not (can(actor, Capability.RECORD_FOR_OTHERS) and actor.town_id == enterprise.town_id):
        raise PermissionDenied(_("Your role does not allow this."))
    demand = demands.demand_record(
        town=enterprise.town,
        recorded_by=actor,
        channel=Channel.ENTERPRISE,
        category=category,
        title=title,
        description=f"{enterprise.name}: {description.strip()}",
        urgency=urgency,
        cell=enterprise.cell,
        station=industry_station(enterprise.town),
        requester_name=enterprise.contact_name,
        requester_phone=enterprise.contact_phone,
    )
    EnterpriseDemand.objects.create(town_id=enterprise.town_id, enterprise=enterprise, demand=demand)
    return demand


@transaction.atomic
def enterprise_link_demand(*, enterprise: Enterprise, actor: Any, demand: Demand) -> EnterpriseDemand:
    """Say which enterprise an industry-channel demand recorded earlier came from."""
    _presidium_of(actor, enterprise.town)
    if demand.town_id != enterprise.town_id:
        raise ValidationError({"demand": _("That demand is not of this town.")})
    link, _created = EnterpriseDemand.objects.get_or_create(
        demand=demand, defaults={"town_id": enterprise.town_id, "enterprise": enterprise}
    )
    return link


def _events() -> Workflow:
    return workflow_of(StationEvent)


@transaction.atomic
def station_event_record(
    *,
    town: Town,
    actor: Any,
    kind: str,
    title: str,
    held_on: dt.date,
    departments: Iterable[Department] = (),
    enterprises: Iterable[Enterprise] = (),
    deputies: Iterable[Deputy] = (),
    station: Station | None = None,
) -> StationEvent:
    """A department talk, exchange trip, school-enterprise agreement, job fair or donation at the station."""
    _presidium_of(actor, town)
    station = station or industry_station(town)
    chosen: dict[str, list[Any]] = {
        "departments": list(departments),
        "enterprises": list(enterprises),
        "deputies": list(deputies),
    }
    errors = {}
    if kind not in IndustryEventKind.values:
        errors["kind"] = _("Choose the kind of event.")
    if not title.strip():
        errors["title"] = _("Give the event a title.")
    if station is None or station.town_id != town.pk:
        errors["station"] = _("The town has no industry station.")
    if any(o.town_id != town.pk for rows in chosen.values() for o in rows):
        errors["title"] = _("Choose departments, enterprises and deputies of this town.")
    _require(errors)
    assert station is not None
    event = StationEvent.objects.create(
        town=town, station=station, kind=kind, title=title.strip(), held_on=held_on
    )
    for field, rows in chosen.items():
        getattr(event, field).set(rows)
    _events().step(
        event,
        IndustryKind.RECORD_EVENT,
        actor,
        note=event.title,
        data={"deputies": others(actor, chosen["deputies"])},
    )
    return event


@transaction.atomic
def station_event_outcome(
    *,
    event: StationEvent,
    actor: Any,
    outcome: str,
    vacancies: int = 0,
    jobs_added: int = 0,
    donation_yuan: int = 0,
) -> StationEvent:
    """What came of it: vacancies posted, jobs added, donations."""
    flow = _events()
    flow.check(actor, IndustryKind.RECORD_OUTCOME, event)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what came of it.")})
    if min(vacancies, jobs_added, donation_yuan) < 0:
        raise ValidationError(_("Figures cannot be negative."))
    return flow.transition(
        event,
        IndustryKind.RECORD_OUTCOME,
        actor,
        checked=True,
        note=outcome.strip(),
        data={"deputies": others(actor, event.deputies.all())},
        outcome=outcome.strip(),
        vacancies=vacancies,
        jobs_added=jobs_added,
        donation_yuan=donation_yuan,
    )
