"""The panel supervision adds to the demand's page (registered in apps.py): the deputy's suggestion the
demand was carried into, with the higher level's reply, in the reader's scope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from lianxin.core.kit import Panel

from .models import Suggestion


def _panel(request: HttpRequest, demand: Any) -> str:
    user: Any = request.user
    suggestion = Suggestion.objects.restrict(user).filter(links__demand=demand).first()
    # The citizen behind it does not read the town's suggestions list; they read the reply on their demand.
    if suggestion is None and demand.requester_id and demand.requester_id == getattr(user, "pk", None):
        suggestion = Suggestion.objects.filter(links__demand=demand).first()
    context = {"suggestion": suggestion, "staff": Suggestion.objects.restrict(user).exists()}
    return render_to_string("supervision/_suggestion_for.html", context)


PANEL = Panel(name="supervision.suggestion", on="demands.Demand", render=_panel, order=110)
