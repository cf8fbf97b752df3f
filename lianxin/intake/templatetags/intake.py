"""``{% intake_panel demand %}``: the intake's suggestion and similar open demands on a demand's page."""

from __future__ import annotations

from typing import Any

from django import template

from ..views import demand_suggestion

register = template.Library()


@register.inclusion_tag("intake/_panel.html", takes_context=True)
def intake_panel(context: dict[str, Any], demand: Any) -> dict[str, Any]:
    user = context["request"].user
    s = demand_suggestion(user, demand)
    may_merge = bool(s and s.duplicates and user.has_perm("demands.merge", demand))
    return {"s": s, "demand": demand, "may_merge": may_merge, "csrf_token": context.get("csrf_token")}


@register.filter
def percent(value: float) -> str:
    return f"{round(value * 100)}%"
