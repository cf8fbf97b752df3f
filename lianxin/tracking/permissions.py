"""Who may make which move on a tracked item (the predicates the move table names)."""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.people.acting import department_id_of, deputy_of

from .models import TrackedItem


def _same_town(user: Any, item: TrackedItem) -> bool:
    return getattr(user, "town_id", None) is not None and user.town_id == item.town_id


@rules.predicate
def is_owner(user: Any, item: TrackedItem) -> bool:
    """The responsible person, or staff of the responsible department."""
    if not _same_town(user, item):
        return False
    if item.owner_id is not None and item.owner_id == getattr(user, "pk", None):
        return True
    dept = department_id_of(user)
    return dept is not None and dept == item.department_id


@rules.predicate
def is_office(user: Any, item: TrackedItem) -> bool:
    """The town's congress office (presidium): whoever supervises and accepts results."""
    return can(user, Capability.SUPERVISE) and _same_town(user, item)


@rules.predicate
def is_supervising_deputy(user: Any, item: TrackedItem) -> bool:
    deputy = deputy_of(user)
    return deputy is not None and item.supervisor_id == deputy.pk and _same_town(user, item)


may_report = is_owner | is_office
may_check = is_office | is_supervising_deputy


def may_open(user: Any) -> bool:
    """Raising a 督办 item by hand is the office's."""
    return can(user, Capability.SUPERVISE) and getattr(user, "town_id", None) is not None
