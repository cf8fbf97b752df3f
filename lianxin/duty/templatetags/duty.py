"""Template tags: the duty links in the menu, the public part of a deputy's record, a station's hours."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability

from .. import selectors
from ..permissions import deputy_of

register = template.Library()


@register.filter
def manages_duty(user: Any) -> bool:
    return can(user, Capability.MANAGE_DUTY)


@register.filter
def keeps_duty(user: Any) -> bool:
    return deputy_of(user) is not None or can(user, Capability.MANAGE_DUTY)


@register.inclusion_tag("duty/_public_record.html", takes_context=True)
def duty_public(context: Any, deputy: Any) -> dict[str, Any]:
    """The public part of the year's duty record, for the public deputy page."""
    user = context.get("user")
    return {
        "deputy": deputy,
        "public": selectors.public_record(deputy=deputy, year=selectors.this_year()),
        "full": user is not None and user.is_authenticated and _may_read(user, deputy),
    }


def _may_read(user: Any, deputy: Any) -> bool:
    from ..permissions import may_read_record

    return may_read_record(user, deputy)


@register.simple_tag
def rota_hours(station: Any) -> str:
    """The opening hours the rota publishes for the coming weeks ("" when nobody is on the rota)."""
    return "、".join(selectors.opening_hours(station=station))
