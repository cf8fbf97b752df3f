"""Which towns a principal may read. Every scope (``Model.objects.restrict``) starts here."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.core.models import Town

from .principals import can, is_signed_in
from .roles import Capability


def towns_visible_to(user: Any) -> QuerySet[Town]:
    """A town user sees their town; a county viewer the county's towns; the platform's administrators (system
    and security, without a town) and the worker every town; anyone else none."""
    if not is_signed_in(user):
        return Town.objects.none()
    if user.town_id is not None:
        return Town.objects.filter(pk=user.town_id)
    if can(user, Capability.VIEW_COUNTY) and getattr(user, "county_id", None) is not None:
        return Town.objects.filter(county_id=user.county_id)
    # The security administrator grants roles in every town (accounts only: it reads no case or reference).
    if getattr(user, "is_superuser", False) or any(
        can(user, c) for c in (Capability.READ_ALL_TOWNS, Capability.GRANT_ROLES)
    ):
        return Town.objects.all()
    return Town.objects.none()
