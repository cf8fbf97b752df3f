"""Template helpers shared by every app: masking personal data by the viewer's capability."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.core import masking
from lianxin.core.access import Capability, can

register = template.Library()


def _may_see(user: Any) -> bool:
    return can(user, Capability.VIEW_PERSONAL_DATA)


@register.simple_tag(takes_context=True)
def phone(context: dict[str, Any], value: str | None) -> str:
    """The phone number in full for those who need it, masked for everyone else."""
    return (value or "") if _may_see(context.get("user")) else masking.mask_phone(value)


@register.simple_tag(takes_context=True)
def person(context: dict[str, Any], value: str | None) -> str:
    """A private person's name in full for those who need it, masked for everyone else."""
    return (value or "") if _may_see(context.get("user")) else masking.mask_name(value)
