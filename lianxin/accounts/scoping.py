"""Which towns a user may read. Every ``…_visible_to(user)`` scope starts here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.core.models import Town

from .roles import Capability, Role


def towns_visible_to(user: Any) -> QuerySet[Town]:
    """A town user sees their town; a county viewer the county's towns; an account administrator (system or
    security, without a town) every town."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Town.objects.none()
    if user.town_id is not None:
        return Town.objects.filter(pk=user.town_id)
    if user.role == Role.COUNTY_VIEWER and user.can(Capability.VIEW_COUNTY):
        return Town.objects.filter(county_id=user.county_id)
    if user.is_superuser or user.can(Capability.MANAGE_ACCOUNTS) or user.can(Capability.GRANT_ROLES):
        return Town.objects.all()  # platform administrators without a town: accounts of every town
    return Town.objects.none()


def scope_to_towns(queryset: QuerySet[Any], user: Any, field: str = "town") -> QuerySet[Any]:
    """Restrict any town-owned queryset to the towns the user may read."""
    return queryset.filter(**{f"{field}__in": towns_visible_to(user)})
