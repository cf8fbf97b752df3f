"""``|percent``: a classifier's confidence as the suggestion shows it (the panel itself is intake/panels.py)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(value: float) -> str:
    return f"{round(value * 100)}%"
