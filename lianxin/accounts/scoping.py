"""Which towns a principal may read. Every scope (``Model.objects.restrict``) starts here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.core.models import Town

from .principals import can, is_signed_in
from .roles import Capability


def towns_visible_to(user: Any) -> QuerySet[Town]:
    """A town user sees their town; a county viewer the county's towns; a platform administrator and the
    worker every town; anyone else none."""
    if not is_signed_in(user):
        return Town.objects.none()
    if user.town_id is not None:
        return Town.objects.filter(pk=user.town_id)
    if can(user, Capability.VIEW_COUNTY) and getattr(user, "county_id", None) is not None:
        return Town.objects.filter(county_id=user.county_id)
    if getattr(user, "is_superuser", False) or can(user, Capability.READ_ALL_TOWNS):
        return Town.objects.all()
    return Town.objects.none()
