"""Who reads warnings: who reads the dashboards, who reads every case of the town (an API key), and a
deputy the warnings of the cells they serve (a warning's cell, or a cell of a demand behind it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes
from lianxin.people.acting import deputy_of

from .models import EarlyWarning, EarlyWarningEvent, WarningDemand


def served_cells(principal: Any) -> list[int]:
    deputy = deputy_of(principal)
    return list(deputy.cell_links.values_list("cell_id", flat=True)) if deputy is not None else []


@scopes.rule(EarlyWarning)
def warnings(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if can(principal, Capability.VIEW_INSIGHT) or can(principal, Capability.READ_TOWN_CASES):
        return qs
    cells = served_cells(principal)
    if cells:
        behind = WarningDemand.objects.filter(demand__cell_id__in=cells).values("warning_id")
        return qs.filter(town_id=principal.town_id).filter(Q(cell_id__in=cells) | Q(pk__in=behind))
    return qs.none()


@scopes.rule(EarlyWarningEvent)
def warning_events(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(warning__in=EarlyWarning.objects.restrict(principal).values("pk"))
