"""``{% tracked_items_for obj %}``: the tracked items raised from an object, in the reader's scope, for any
app's detail page (a hearing, an inquiry session…)."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.tracking.selectors import items_of_source

register = template.Library()


@register.inclusion_tag("tracking/_items_for.html", takes_context=True)
def tracked_items_for(context: dict[str, Any], source: Any) -> dict[str, Any]:
    return {"items": list(items_of_source(user=context["request"].user, source=source))}
