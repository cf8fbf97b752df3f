"""One scope for every town-owned model: ``Model.objects.restrict(principal, action)``.

Each app registers, in its ``scopes.py`` (imported by its ``ready()``), one rule per model and action:
a function that narrows a queryset already cut down to the principal's towns. Views, selectors, the API,
the admin and exports all read through ``restrict``; a model or action without a rule reads nothing
(default deny), and a test fails when a town-owned model has no rule.

The anonymous visitor is the one principal not cut down to towns: public pages name their town
themselves, and the ``public`` rules decide what of it may be shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

from django.db import models

from .access import Capability, can, is_signed_in, towns_visible_to
from .kit import kit

M = TypeVar("M", bound=models.Model)
Rule = Callable[[Any, "models.QuerySet[Any]"], "models.QuerySet[Any]"]

VIEW = "view"
_RULES: dict[tuple[type[models.Model], str], Rule] = {}


def rule(model: type[models.Model], *actions: str) -> Callable[[Rule], Rule]:
    """Register the decorated function as ``model``'s scope for each action (``view`` by default)."""

    def register(func: Rule) -> Rule:
        for action in actions or (VIEW,):
            _RULES[(model, action)] = func
            # The app's registry lists what it scoped, so "what does this app add" is answered in one place.
            kit(model._meta.app_label).add("scopes", (model, action))
        return func

    return register


def has_rule(model: type[models.Model], action: str = VIEW) -> bool:
    return (model, action) in _RULES


def restrict(queryset: models.QuerySet[M], principal: Any, action: str = VIEW) -> models.QuerySet[M]:
    found = _RULES.get((queryset.model, action))
    if found is None:
        return queryset.none()
    if is_signed_in(principal):
        queryset = queryset.filter(town__in=towns_visible_to(principal))
    elif getattr(principal, "is_authenticated", False):  # a disabled account reads nothing, not the public
        return queryset.none()
    return found(principal, queryset)


class TownQuerySet(models.QuerySet[M, M]):
    """The queryset of every town-owned model."""

    def restrict(self, principal: Any, action: str = VIEW) -> Self:
        return restrict(self, principal, action)  # type: ignore[return-value]


TownManager = models.Manager.from_queryset(TownQuerySet)


# --- rules shared by many models --------------------------------------------------------------------
def town_wide(principal: Any, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Reference data: everyone signed in reads their towns' rows; the anonymous visitor none."""
    return qs if is_signed_in(principal) else qs.none()


def public(principal: Any, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows the public pages show (cells, stations, deputies): every visitor, signed in or not."""
    return qs


def nobody(principal: Any, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    return qs.none()


def staff(principal: Any, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows only the town's staff and its administrators read (observers, agents, department staff)."""
    keep = any(
        can(principal, c)
        for c in (Capability.VIEW_TOWN, Capability.MANAGE_REFERENCE, Capability.MANAGE_ACCOUNTS)
    )
    return qs if keep else qs.none()


def managers(principal: Any, qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Rows of the town's set-up (API keys, webhooks): who manages the town's reference data or accounts."""
    keep = can(principal, Capability.MANAGE_REFERENCE) or can(principal, Capability.MANAGE_ACCOUNTS)
    return qs if keep else qs.none()
