"""``|sees_supervision``: whether the staff's supervision pages are open to a user (the portal's home asks).
The panel on a demand's page is supervision/panels.py."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability

register = template.Library()


@register.filter
def sees_supervision(user: Any) -> bool:
    """Whether the staff's supervision pages are open to this user (the town's staff)."""
    return bool(getattr(user, "town_id", None)) and can(user, Capability.VIEW_TOWN)
