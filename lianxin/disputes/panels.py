"""The panel the dispute ledger adds to the demand's page (registered in apps.py): the disputes linked to
the demand, and turning the demand into a dispute for who may register one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import render_to_string

from lianxin.core.kit import Panel

from .forms import FromDemandForm
from .models import DisputeDemand
from .permissions import may_register
from .selectors import disputes_linked


def _panel(request: HttpRequest, demand: Any) -> str:
    user: Any = request.user
    turned = DisputeDemand.objects.filter(demand=demand, direction=DisputeDemand.Direction.ORIGIN).exists()
    may_turn = may_register(user) and demand.town_id == getattr(user, "town_id", None) and not turned
    context = {
        "demand": demand,
        "links": disputes_linked(user=user, demand=demand),
        "may_turn": may_turn,
        "form": FromDemandForm(prefix=None) if may_turn else None,
        **csrf(request),
    }
    return render_to_string("disputes/_demand_links.html", context)


PANEL = Panel(name="disputes.links", on="demands.Demand", render=_panel, order=120)
