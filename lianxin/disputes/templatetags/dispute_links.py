"""``{% dispute_links demand %}``: the demand's page shows the dispute ledger's side of the link."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.disputes.forms import FromDemandForm
from lianxin.disputes.models import DisputeDemand
from lianxin.disputes.permissions import may_register
from lianxin.disputes.selectors import disputes_linked

register = template.Library()


@register.inclusion_tag("disputes/_demand_links.html", takes_context=True)
def dispute_links(context: dict[str, Any], demand: Any) -> dict[str, Any]:
    user = context["request"].user
    turned = DisputeDemand.objects.filter(demand=demand, direction=DisputeDemand.Direction.ORIGIN).exists()
    may_turn = may_register(user) and demand.town_id == getattr(user, "town_id", None) and not turned
    return {
        "demand": demand,
        "links": disputes_linked(user=user, demand=demand),
        "may_turn": may_turn,
        "form": FromDemandForm(prefix=None) if may_turn else None,
        "csrf_token": context.get("csrf_token"),
    }
