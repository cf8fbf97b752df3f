"""Who reads warnings: who reads the dashboards, and who reads every case of the town (an API key)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes

from .models import EarlyWarning, EarlyWarningEvent


@scopes.rule(EarlyWarning)
def warnings(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if can(principal, Capability.VIEW_INSIGHT) or can(principal, Capability.READ_TOWN_CASES):
        return qs
    return qs.none()


@scopes.rule(EarlyWarningEvent)
def warning_events(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(warning__in=EarlyWarning.objects.restrict(principal).values("pk"))
