"""Ways in for people who record for others: the collection-point agent and the observer (phone-first)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lianxin.accounts.decorators import capability_required
from lianxin.accounts.roles import Capability
from lianxin.demands import services as demands
from lianxin.demands.models import Channel, Demand

from . import offline
from .citizen import _remember, remember_pin
from .forms import AgentDemandForm, ObserverReportForm


def _remember_own(request: HttpRequest, demand: Demand) -> None:
    """A replayed one-time key opens the demand only to whoever recorded it: on a shared device another
    person's key must not open their case (as ``citizen._record`` does for the phone)."""
    if not getattr(demand, "replayed", False) or demand.recorded_by_id == request.user.pk:
        _remember(request, demand)


@capability_required(Capability.RECORD_FOR_OTHERS)
def agent_entry(request: HttpRequest) -> HttpResponse:
    agent = getattr(request.user, "agent", None)
    if agent is None:
        raise PermissionDenied(_("Only the agent of a collection point records here."))
    town, station = agent.town, agent.station
    if request.method == "POST":
        form = AgentDemandForm(request.POST, request.FILES, town=town)
        if form.is_valid():
            data = form.cleaned_data
            demand = demands.demand_record(
                town=town,
                recorded_by=request.user,
                channel=Channel.COLLECTION_POINT,
                category=data["category"],
                title=form.title,
                description=data["description"],
                consent=data["consent"],
                cell=data["cell"] or station.cell,
                station=station,
                lat=data["lat"],
                lng=data["lng"],
                address=data["address"],
                requester_name=data["name"],
                requester_phone=data["phone"],
                attachments=data["photos"],
                voice=data["voice"],
                voice_consent=data["voice_consent"],
                intake_key=str(data["intake_key"]),
                filed_at=data["filed_at"],
            )
            _remember_own(request, demand)
            remember_pin(request, demand)
            if offline.queued(request):
                return offline.accepted(request, town, demand)
            return redirect("portal:done", town.code, demand.code)
        if offline.queued(request):
            return offline.refused(form)
        status = 400
    else:
        form = AgentDemandForm(town=town, initial={"cell": station.cell_id})
        status = 200
    context = {"town": town, "form": form, "station": station, "agent": agent}
    return render(request, "portal/agent.html", context, status=status)


@capability_required(Capability.REPORT_OBSERVATION)
def observer_report(request: HttpRequest) -> HttpResponse:
    observer = getattr(request.user, "observer", None)
    if observer is None:
        raise PermissionDenied(_("Only an observer reports here."))
    town = observer.town
    if request.method == "POST":
        form = ObserverReportForm(request.POST, request.FILES, town=town)
        if form.is_valid():
            data = form.cleaned_data
            demand = demands.demand_record(
                town=town,
                recorded_by=request.user,
                channel=Channel.OBSERVER,
                category=data["category"],
                title=form.title,
                description=data["description"],
                urgency=data["urgency"],
                # A location from the phone decides the cell; otherwise the one picked, else the observer's.
                cell=data["cell"] or (None if data["lat"] is not None else observer.cell),
                lat=data["lat"],
                lng=data["lng"],
                address=data["address"],
                requester_name=observer.name,
                requester_phone=observer.phone,
                requester=request.user,
                attachments=data["photos"],
                voice=data["voice"],
                intake_key=str(data["intake_key"]),
                filed_at=data["filed_at"],
            )
            _remember_own(request, demand)
            if offline.queued(request):
                return offline.accepted(request, town, demand)
            return redirect("portal:done", town.code, demand.code)
        if offline.queued(request):
            return offline.refused(form)
        status = 400
    else:
        form = ObserverReportForm(town=town, initial={"cell": observer.cell_id})
        status = 200
    context = {"town": town, "form": form, "observer": observer}
    return render(request, "portal/observer.html", context, status=status)
