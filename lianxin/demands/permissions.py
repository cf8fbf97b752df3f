"""Who may see and move which demand. Scopes for lists, predicates (rules) for single objects.

Views fetch a demand only through ``demands_visible_to(user)``, so one outside the user's town or role
is a 404. Services ask ``user.has_perm("demands.<action>", demand)`` before each move.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q, QuerySet

from lianxin.accounts.roles import Capability, Role
from lianxin.accounts.scoping import scope_to_towns

from .models import Demand


def _deputy(user: Any) -> Any:
    return getattr(user, "deputy", None) if user.role == Role.DEPUTY else None


def _department_id(user: Any) -> int | None:
    staff = getattr(user, "department_staff", None) if user.role == Role.DEPARTMENT else None
    return staff.department_id if staff else None


def demands_visible_to(user: Any) -> QuerySet[Demand]:
    """Presidium, mediators and county viewers: the town(s). A deputy: demands of their cells and their own.
    Department staff: what was assigned to their department (lead or co-handler). Everyone else: what they
    raised or recorded."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Demand.objects.none()
    qs = scope_to_towns(Demand.objects.all(), user)
    if user.role in (Role.PRESIDIUM, Role.MEDIATOR, Role.COUNTY_VIEWER):
        return qs
    if user.role == Role.DEPUTY:
        deputy = _deputy(user)
        if deputy is None:
            return qs.none()
        return qs.filter(
            Q(cell__deputy_links__deputy=deputy) | Q(deputy=deputy) | Q(cell__isnull=True)
        ).distinct()
    if user.role == Role.DEPARTMENT:
        dept = _department_id(user)
        if dept is None:
            return qs.none()
        return qs.filter(Q(assignment__department_id=dept) | Q(assignment__co_departments=dept)).distinct()
    if user.role in (Role.CITIZEN, Role.OBSERVER, Role.AGENT):
        return qs.filter(Q(requester=user) | Q(recorded_by=user))
    return qs.none()


# --- predicates -----------------------------------------------------------------------------------
def _same_town(user: Any, demand: Demand) -> bool:
    return user.town_id is not None and user.town_id == demand.town_id


@rules.predicate
def serves_cell(user: Any, demand: Demand) -> bool:
    deputy = _deputy(user)
    if deputy is None or not _same_town(user, demand):
        return False
    return demand.cell_id is None or deputy.cell_links.filter(cell_id=demand.cell_id).exists()


@rules.predicate
def is_claiming_deputy(user: Any, demand: Demand) -> bool:
    deputy = _deputy(user)
    return deputy is not None and demand.deputy_id == deputy.pk


@rules.predicate
def is_presidium(user: Any, demand: Demand) -> bool:
    return user.can(Capability.SUPERVISE) and _same_town(user, demand)


@rules.predicate
def is_lead_department(user: Any, demand: Demand) -> bool:
    dept = _department_id(user)
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
def deputy_can_claim(user: Any, demand: Demand) -> bool:
    return user.can(Capability.CLAIM_DEMAND) and serves_cell(user, demand)


@rules.predicate
def handles_it(user: Any, demand: Demand) -> bool:
    return user.can(Capability.HANDLE_ASSIGNMENT) and is_lead_department(user, demand)


# Problem-list decisions (merge, decline, transfer) belong to the deputy who holds the item, or to a deputy
# of the cell while nobody holds it, and to the presidium.
holds_or_may_claim = is_claiming_deputy | (
    rules.predicate(lambda u, d: d.deputy_id is None) & deputy_can_claim
)

rules.add_perm("demands.claim", deputy_can_claim)
rules.add_perm("demands.assign", is_claiming_deputy | is_presidium)
rules.add_perm("demands.bounce", handles_it)
rules.add_perm("demands.accept", handles_it)
rules.add_perm("demands.complete", handles_it)
rules.add_perm("demands.request_extension", handles_it)
rules.add_perm(
    "demands.evaluate", is_requester | is_presidium
)  # the presidium records a verdict given by phone
rules.add_perm("demands.check", is_claiming_deputy)
rules.add_perm("demands.return", is_presidium | is_claiming_deputy)
rules.add_perm("demands.close", is_presidium)
rules.add_perm("demands.merge", holds_or_may_claim | is_presidium)
rules.add_perm("demands.decline", holds_or_may_claim | is_presidium)
rules.add_perm("demands.transfer", holds_or_may_claim | is_presidium)
rules.add_perm("demands.decide_extension", is_presidium)
rules.add_perm("demands.remind", is_presidium | is_claiming_deputy)


def may_see_personal_data(user: Any, demand: Demand) -> bool:
    """Unmasked requester details: the presidium of the town, and the requester themself."""
    return bool(user.is_authenticated and (is_presidium(user, demand) or is_requester(user, demand)))
