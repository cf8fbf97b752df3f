"""Links from each figure to the demands behind it, and rates as the pages print them."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.insight import selectors

register = template.Library()


@register.simple_tag
def figure_url(period: Any = None, dimension: str = "", key: Any = "", figure: str = "received") -> str:
    """``{% figure_url d.period "cell" row.key "overdue" %}``; no dimension: the whole period."""
    params: dict[str, Any] = {"figure": figure}
    if dimension == "month":
        start, end = selectors._month_bounds(str(key))
        period = selectors.Period(start, end)
    elif dimension:
        params[dimension] = key
    return selectors.items_url(period or None, **params)


@register.filter
def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def may(user: Any, capability: str) -> bool:
    """``{% if user|may:"view_insight" %}``: the navigation asks a capability, never a role."""
    return bool(getattr(user, "is_authenticated", False) and user.can(capability))


@register.inclusion_tag("insight/_item_demands.html", takes_context=True)
def item_demands(context: Any, item: Any) -> dict[str, Any]:
    """On a proactive item's page: the demands behind the warning it was raised from (those the reader may
    read)."""
    from lianxin.insight.models import WarningDemand

    ids = WarningDemand.objects.filter(item=item).values("demand_id")
    rows = selectors.visible_demands(context["request"].user).filter(pk__in=ids).select_related("cell")
    return {
        "demands": list(rows.order_by("created_at")[:50]),
        "linked": WarningDemand.objects.filter(item=item).count(),
    }
