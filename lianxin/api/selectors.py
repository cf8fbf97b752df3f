"""Reads for the API, through the same scopes as the pages (a system key reads its town's demands)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.demands.models import Category, Demand, DemandEvent


def is_system(user: Any) -> bool:
    return bool(getattr(user, "is_system", False))


def demands_for(user: Any) -> QuerySet[Demand]:
    """Exactly what the pages would show this principal; a system key's scope is its town."""
    return (
        Demand.objects.restrict(user)
        .select_related("category", "cell", "deputy", "assignment__department")
        .order_by("-created_at", "-pk")
    )


def categories_for(user: Any) -> QuerySet[Category]:
    return Category.objects.restrict(user).select_related("town").filter(active=True)


def events_of(demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor").order_by("at", "pk")
