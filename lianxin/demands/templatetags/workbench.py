"""Small helpers for the workbench templates."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.accounts.roles import Capability

from ..states import ON_THE_CLOCK

register = template.Library()

WORKBENCH_CAPABILITIES = (Capability.VIEW_TOWN, Capability.RECORD_FOR_OTHERS, Capability.REPORT_OBSERVATION)


@register.filter
def on_clock(demand: Any) -> bool:
    """Whether the demand runs on a department's clock (its light means something now)."""
    return getattr(demand, "status", None) in ON_THE_CLOCK


@register.filter
def has_workbench(user: Any) -> bool:
    """Whether the staff workbench has something for this user (an inbox, the lists, or the record form)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(user.can(c) for c in WORKBENCH_CAPABILITIES)


@register.filter
def can_view_town(user: Any) -> bool:
    """Whether the town at a glance (grid statistics) is for this user."""
    return bool(getattr(user, "is_authenticated", False) and user.can(Capability.VIEW_TOWN))


@register.filter
def serves_cells(user: Any) -> bool:
    """Whether the user reads the cases of the cells they serve (a deputy): their map and warnings."""
    return bool(getattr(user, "is_authenticated", False) and user.can(Capability.READ_CELL_CASES))
