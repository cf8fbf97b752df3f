"""Who may make which move on a shift, a visit or a hand-entered activity (capabilities, never roles)."""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability


def deputy_of(user: Any) -> Any:
    """The deputy a user keeps a duty record as, or None."""
    return getattr(user, "deputy", None) if can(user, Capability.KEEP_DUTY) else None


def _same_town(user: Any, obj: Any) -> bool:
    return getattr(user, "town_id", None) is not None and user.town_id == obj.town_id


@rules.predicate
def is_own(user: Any, obj: Any) -> bool:
    """The shift, visit or activity is the user's own (as a deputy)."""
    deputy = deputy_of(user)
    return deputy is not None and obj.deputy_id == deputy.pk


@rules.predicate
def manages_duty(user: Any, obj: Any) -> bool:
    return can(user, Capability.MANAGE_DUTY) and _same_town(user, obj)


def may_read_record(user: Any, deputy: Any) -> bool:
    """The full record: the deputy themselves, or who manages duty in their town."""
    own = deputy_of(user)
    return (own is not None and own.pk == deputy.pk) or (
        can(user, Capability.MANAGE_DUTY) and _same_town(user, deputy)
    )
