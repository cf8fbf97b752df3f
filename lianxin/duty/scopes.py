"""Who reads which duty rows (registered by ``ready()``): the presidium the town's, a deputy their own; the
rota is public (the stations' opening hours come from it), and so are the record's counts (``public``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes

from . import models as m
from .permissions import deputy_of


def _own(path: str) -> scopes.Rule:
    def rule(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
        if can(principal, Capability.MANAGE_DUTY) or can(principal, Capability.READ_TOWN_CASES):
            return qs
        deputy = deputy_of(principal)
        if deputy is None:
            return qs.none()
        return qs.filter(**{path: deputy.pk})

    return rule


for _model, _path in [
    (m.DutyEntry, "deputy_id"),
    (m.Reception, "shift__deputy_id"),
    (m.ManualActivity, "deputy_id"),
    (m.DutyReport, "deputy_id"),
]:
    scopes.rule(_model)(_own(_path))


@scopes.rule(m.Visit)
def visits(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Also the observer who went along."""
    if can(principal, Capability.MANAGE_DUTY) or can(principal, Capability.READ_TOWN_CASES):
        return qs
    parts = Q(observer__user_id=principal.pk) if getattr(principal, "pk", None) else Q(pk__in=[])
    if (deputy := deputy_of(principal)) is not None:
        parts |= Q(deputy_id=deputy.pk)
    return qs.filter(parts)


@scopes.rule(m.VisitMatter)
def matters(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(visit__in=m.Visit.objects.restrict(principal).values("pk"))


@scopes.rule(m.DutyEvent)
def duty_events(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if can(principal, Capability.MANAGE_DUTY):
        return qs
    deputy = deputy_of(principal)
    if deputy is None:
        return qs.none()
    return qs.filter(
        Q(shift__deputy_id=deputy.pk) | Q(visit__deputy_id=deputy.pk) | Q(activity__deputy_id=deputy.pk)
    )


scopes.rule(m.Shift)(scopes.public)
scopes.rule(m.PointWeight)(scopes.town_wide)
# The public deputy page shows counts per kind of activity (never a summary): every entry counts.
scopes.rule(m.DutyEntry, "public")(scopes.public)
