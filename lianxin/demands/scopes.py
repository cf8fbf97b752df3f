"""Which demands, and which rows hanging on them, each principal reads (registered by ``ready()``)."""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.db.models import Q, QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes
from lianxin.people.acting import department_id_of, deputy_of

from . import models as m


@scopes.rule(m.Demand)
def demands(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The whole town for who reads every case (presidium, county viewer, a system key, the worker); a
    deputy the demands of their cells, their own and those not yet placed in a cell; department staff what
    was assigned to their department (lead or co-handler); citizens, observers, agents and mediators what
    they raised or recorded. The anonymous visitor reads none (the board's ``public`` rule says what is
    published)."""
    if can(principal, Capability.READ_TOWN_CASES):
        return qs
    parts: list[Q] = []
    joins = False
    if (deputy := deputy_of(principal)) is not None:
        parts.append(Q(cell__deputy_links__deputy=deputy) | Q(deputy=deputy) | Q(cell__isnull=True))
        joins = True
    if (dept := department_id_of(principal)) is not None:
        parts.append(Q(assignment__department_id=dept) | Q(assignment__co_departments=dept))
        joins = True
    if can(principal, Capability.READ_OWN_CASES):
        parts.append(Q(requester=principal) | Q(recorded_by=principal))
    if not parts:
        return qs.none()
    qs = qs.filter(functools.reduce(operator.or_, parts))
    return qs.distinct() if joins else qs


def _of_visible_demands(path: str) -> scopes.Rule:
    def rule(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(**{f"{path}__in": m.Demand.objects.restrict(principal).values("pk")})

    return rule


for _model, _path in [
    (m.Assignment, "demand"),
    (m.Evaluation, "demand"),
    (m.DemandEvent, "demand"),
    (m.Attachment, "demand"),
    (m.Extension, "assignment__demand"),
    (m.Reminder, "assignment__demand"),
]:
    scopes.rule(_model)(_of_visible_demands(_path))


@scopes.rule(m.PersonalDataAccess)
def personal_data_accesses(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The record of call-backs: the presidium reads its town's (of demands it reads); others their own."""
    if can(principal, Capability.SUPERVISE):
        return qs.filter(demand__in=m.Demand.objects.restrict(principal).values("pk"))
    return qs.filter(user_id=getattr(principal, "pk", None)) if getattr(principal, "pk", None) else qs.none()


# Categories are public: the citizen's page and Open311's service list show them.
scopes.rule(m.Category)(scopes.public)
