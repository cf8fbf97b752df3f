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


@register.simple_tag
def check_in_station(next_url: str) -> Any:
    """The station whose check-in the sign-in page will return to, or None. ``next_url`` is the login view's own
    ``next`` (already checked to be a safe address on this site); a station's name is public (the portal lists them)."""
    from urllib.parse import urlsplit

    from django.urls import Resolver404, resolve

    from lianxin.territory.models import Station

    if not next_url:
        return None
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return None
    if match.view_name != "duty:check_in":
        return None
    return Station.objects.select_related("town").filter(pk=match.kwargs["station_pk"]).first()
