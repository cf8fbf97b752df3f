"""Who may make which move on which demand: the predicates (rules) the move table in ``workflow.py`` names.

Which demands a principal may read at all is the scope in ``scopes.py``; these decide single moves and
ask capabilities, never role names.
"""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.access import may_reveal_in_town
from lianxin.people.acting import department_id_of, deputy_of

from .models import Demand
from .selectors import merged_in


def _same_town(user: Any, demand: Demand) -> bool:
    return getattr(user, "town_id", None) is not None and user.town_id == demand.town_id


@rules.predicate
def serves_cell(user: Any, demand: Demand) -> bool:
    deputy = deputy_of(user)
    if deputy is None or not _same_town(user, demand):
        return False
    return demand.cell_id is None or deputy.cell_links.filter(cell_id=demand.cell_id).exists()


@rules.predicate
def is_claiming_deputy(user: Any, demand: Demand) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and demand.deputy_id == deputy.pk


@rules.predicate
def is_presidium(user: Any, demand: Demand) -> bool:
    return can(user, Capability.SUPERVISE) and _same_town(user, demand)


@rules.predicate
def is_lead_department(user: Any, demand: Demand) -> bool:
    dept = department_id_of(user)
    assignment = getattr(demand, "assignment", None)
    return (
        dept is not None
        and assignment is not None
        and assignment.department_id == dept
        and _same_town(user, demand)
    )


@rules.predicate
def is_requester(user: Any, demand: Demand) -> bool:
    return demand.requester_id is not None and demand.requester_id == user.pk


@rules.predicate
def recorded_it_for_caller(user: Any, demand: Demand) -> bool:
    """A system (the hotline) evaluates, on the caller's behalf, a demand it recorded itself (回访)."""
    return (
        can(user, Capability.EVALUATE_FOR_CALLER)
        and _same_town(user, demand)
        and demand.recorded_by_id == user.pk
    )


@rules.predicate
def requested_a_merged_one(user: Any, demand: Demand) -> bool:
    """The citizen of a demand merged into this one: the same loop answers them."""
    pk = getattr(user, "pk", None)
    return pk is not None and any(m.requester_id == pk for m in merged_in(demand))


@rules.predicate
def recorded_a_merged_one_for_caller(user: Any, demand: Demand) -> bool:
    return (
        can(user, Capability.EVALUATE_FOR_CALLER)
        and _same_town(user, demand)
        and any(m.recorded_by_id == user.pk for m in merged_in(demand))
    )


@rules.predicate
def deputy_can_claim(user: Any, demand: Demand) -> bool:
    return can(user, Capability.CLAIM_DEMAND) and serves_cell(user, demand)


@rules.predicate
def handles_it(user: Any, demand: Demand) -> bool:
    return can(user, Capability.HANDLE_ASSIGNMENT) and is_lead_department(user, demand)


@rules.predicate
def unclaimed(user: Any, demand: Demand) -> bool:
    return demand.deputy_id is None


# Problem-list decisions (merge, decline, transfer) belong to the deputy who holds the item, or to a deputy
# of the cell while nobody holds it, and to the presidium.
holds_or_may_claim = is_claiming_deputy | (unclaimed & deputy_can_claim)
decides_problem = holds_or_may_claim | is_presidium
# The presidium records a verdict the citizen gave by phone. The citizens of demands merged into this one
# evaluate it too: one loop answers them all.
may_evaluate = (
    is_requester
    | is_presidium
    | recorded_it_for_caller
    | requested_a_merged_one
    | recorded_a_merged_one_for_caller
)
supervises = is_presidium | is_claiming_deputy
# An internal note: anyone handling the demand (never the citizen).
involved = supervises | handles_it


def _has_requester_details(demand: Demand) -> bool:
    return bool(demand.requester_name or demand.requester_phone or demand.requester_id_number)


@rules.predicate
def may_call_back(user: Any, demand: Demand) -> bool:
    """回访: the claiming deputy while the demand is open, the lead department while it is on its clock."""
    from .states import ON_THE_CLOCK, TERMINAL

    if demand.status in TERMINAL or not _has_requester_details(demand):
        return False
    return bool(
        is_claiming_deputy(user, demand) or (handles_it(user, demand) and demand.status in ON_THE_CLOCK)
    )


def may_reveal(user: Any, demand: Demand) -> bool:
    """Who may ask, with a reason, for the requester's name, phone and ID number in full (a reveal, audited):
    the presidium of the town (``view_personal_data``), and those who call back while they hold it."""
    if not getattr(user, "is_authenticated", False) or not _has_requester_details(demand):
        return False
    return bool(may_reveal_in_town(user, demand) or may_call_back(user, demand))


def may_see_personal_data(user: Any, demand: Demand) -> bool:
    """Unmasked without a reveal: only the requester themself, whose details they are. Everyone else, the
    presidium included, sees them masked until they reveal them (``may_reveal``)."""
    return bool(user.is_authenticated and is_requester(user, demand))
