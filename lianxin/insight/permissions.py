"""Who may decide on a warning (rules predicates named by the move table). Capabilities, never roles."""

from __future__ import annotations

from typing import Any

import rules

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability


@rules.predicate
def acts_on_insight(user: Any, warning: Any) -> bool:
    return (
        can(user, Capability.ACT_ON_INSIGHT)
        and warning is not None
        and getattr(user, "town_id", None) == warning.town_id
    )
