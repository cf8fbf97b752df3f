"""What intake adds to the demand's pages, registered in its kit (apps.py): the demand page's panel (the
suggestion and similar open demands) and the suggester the recording and assigning forms ask."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.context_processors import csrf
from django.template.loader import render_to_string

from lianxin.core.kit import Panel

from .views import demand_suggestion, record_suggestion, suggested_department_id


def _panel(request: HttpRequest, demand: Any) -> str:
    user: Any = request.user
    s = demand_suggestion(user, demand)
    may_merge = bool(s and s.duplicates and user.has_perm("demands.merge", demand))
    context = {"s": s, "demand": demand, "may_merge": may_merge, **csrf(request)}
    return render_to_string("intake/_panel.html", context)


# Above the page's actions (order below 100): the suggestion is what the router acts on.
PANEL = Panel(name="intake.suggestion", on="demands.Demand", render=_panel, order=10)


class Suggester:
    """What the demand's forms ask of intake: the recording form filled from the text, and the department
    the assigning form offers first. The demands app reads it from the kit and never imports intake."""

    @staticmethod
    def record(request: HttpRequest) -> tuple[dict[str, Any], Any]:
        return record_suggestion(request)

    @staticmethod
    def department_id(user: Any, demand: Any) -> int | None:
        return suggested_department_id(user, demand)


SUGGESTER = Suggester()
