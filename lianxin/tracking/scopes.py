"""Who reads which tracked items (registered by ``ready()``)."""

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


@scopes.rule(m.TrackedItem)
def tracked_items(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The whole town for who reads every case (the office, the county, a system key, the worker); a
    department what it is responsible for; a deputy what they supervise; anyone what they own or raised."""
    if can(principal, Capability.READ_TOWN_CASES):
        return qs
    if not getattr(principal, "is_authenticated", False) or not getattr(principal, "pk", None):
        return qs.none()
    parts: list[Q] = [Q(owner=principal), Q(created_by=principal)]
    if (dept := department_id_of(principal)) is not None:
        parts.append(Q(department_id=dept))
    if (deputy := deputy_of(principal)) is not None:
        parts.append(Q(supervisor=deputy))
    return qs.filter(functools.reduce(operator.or_, parts))


@scopes.rule(m.TrackedItemEvent)
def tracked_item_events(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(item__in=m.TrackedItem.objects.restrict(principal).values("pk"))
