"""The intake's parts of the staff's pages: the suggestion on the recording page and on a demand's page.

They only read (``selectors.py``); what a person then keeps or changes is recorded by the demand's own
services, and the intake learns it from their events (``subscribers.py``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lianxin.demands.states import PROBLEM_LIST

from .permissions import may_suggest
from .selectors import Suggestion, for_demand, suggest

# The recording form's fields the suggestion fills when the person left them empty.
FILLED = {"category": "category", "cell": "cell"}


def record_suggestion(request: HttpRequest) -> tuple[dict[str, Any], Suggestion | None]:
    """The recording form's input, kept, with the suggested category and cell filled in where empty:
    the person accepts them by recording, or changes them first."""
    user: Any = request.user
    initial: dict[str, Any] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    if not may_suggest(user):
        return initial, None
    content = f"{request.POST.get('title', '')}\n{request.POST.get('description', '')}".strip()
    if not content:
        return initial, None
    lat, lng = _float(request.POST.get("lat")), _float(request.POST.get("lng"))
    cell = request.POST.get("cell") or None
    s = suggest(
        principal=user,
        town_id=user.town_id,
        text=content,
        lat=lat if lng is not None else None,
        lng=lng if lat is not None else None,
        cell=int(cell) if cell and cell.isdigit() else None,
    )
    for field, attr in FILLED.items():
        choice = getattr(s, attr)
        if not initial.get(field) and choice is not None:
            initial[field] = choice.id
    return initial, s


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def demand_suggestion(user: Any, demand: Any) -> Suggestion | None:
    """The suggestion shown while a demand waits to be routed (recorded or claimed), once per request."""
    if demand.status not in PROBLEM_LIST or not may_suggest(user):
        return None
    cached = getattr(demand, "_intake_suggestion", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, for_demand(principal=user, demand=demand))
        demand._intake_suggestion = cached
    return cached[1]


def suggested_department_id(user: Any, demand: Any) -> int | None:
    """The department the assign form starts from; none when the model is uncertain (the form then starts
    from the category's usual department, and the panel lists the candidates)."""
    s = demand_suggestion(user, demand)
    if s is None or s.department is None or s.department.uncertain:
        return None
    return s.department.id
