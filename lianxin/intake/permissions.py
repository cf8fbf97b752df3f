"""Who may ask for suggestions: whoever records demands for others or routes them, within their town."""

from __future__ import annotations

from typing import Any

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability


def may_suggest(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "town_id", None)
        and (
            can(user, Capability.RECORD_FOR_OTHERS)
            or can(user, Capability.REPORT_OBSERVATION)
            or can(user, Capability.ASSIGN_DEMAND)
        )
    )
