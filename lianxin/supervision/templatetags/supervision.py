"""``{% suggestion_for demand %}``: on a demand's page, the deputy's suggestion it was carried into (upward),
with the higher level's reply, in the reader's scope."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.supervision.models import Suggestion

register = template.Library()


@register.inclusion_tag("supervision/_suggestion_for.html", takes_context=True)
def suggestion_for(context: dict[str, Any], demand: Any) -> dict[str, Any]:
    user = context["request"].user
    suggestion = Suggestion.objects.restrict(user).filter(links__demand=demand).first()
    # The citizen behind it does not read the town's suggestions list; they read the reply on their demand.
    if suggestion is None and demand.requester_id and demand.requester_id == getattr(user, "pk", None):
        suggestion = Suggestion.objects.filter(links__demand=demand).first()
    return {"suggestion": suggestion, "staff": Suggestion.objects.restrict(user).exists()}


@register.filter
def sees_supervision(user: Any) -> bool:
    """Whether the staff's supervision pages are open to this user (the town's staff)."""
    return bool(getattr(user, "town_id", None)) and can(user, Capability.VIEW_TOWN)
