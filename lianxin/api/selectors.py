"""Reads for the API: the pages' scopes, and the town-wide read of a system key."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.accounts.scoping import scope_to_towns
from lianxin.demands.models import Category, Demand, DemandEvent
from lianxin.demands.permissions import demands_visible_to


def is_system(user: Any) -> bool:
    return bool(getattr(user, "is_system", False))


def demands_for(user: Any) -> QuerySet[Demand]:
    """A person: exactly what the pages show them. A system key: every demand of its town."""
    if is_system(user):
        qs = Demand.objects.filter(town_id=user.town_id) if user.is_active else Demand.objects.none()
    else:
        qs = demands_visible_to(user)
    return qs.select_related("category", "cell", "deputy", "assignment__department").order_by(
        "-created_at", "-pk"
    )


def categories_for(user: Any) -> QuerySet[Category]:
    return scope_to_towns(Category.objects.select_related("town"), user).filter(active=True)


def events_of(demand: Demand) -> QuerySet[DemandEvent]:
    return demand.events.select_related("actor").order_by("at", "pk")
