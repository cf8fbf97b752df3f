"""Which disputes, hearings and the rows hanging on them each principal reads (registered by ``ready()``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes
from lianxin.people.acting import deputy_of

from . import models as m


def _reads_all(principal: Any) -> bool:
    return can(principal, Capability.READ_TOWN_CASES) or can(principal, Capability.MEDIATE)


@scopes.rule(m.Dispute)
def disputes(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The whole town for who reads every case (presidium, county viewer, a system key, the worker) and for
    the mediators; a deputy the disputes of their cells and those where they sat on the supervision seat or
    at a hearing. Nobody else (a party is not an account)."""
    if _reads_all(principal):
        return qs
    if (deputy := deputy_of(principal)) is not None:
        return qs.filter(
            Q(cell__deputy_links__deputy=deputy)
            | Q(sessions__supervisor=deputy)
            | Q(hearings__deputies=deputy)
        ).distinct()
    return qs.none()


@scopes.rule(m.Hearing)
def hearings(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Every hearing of the town for who reads every dispute; a deputy those of their cells, those they
    attended and those on a dispute they read."""
    if _reads_all(principal):
        return qs
    if (deputy := deputy_of(principal)) is not None:
        seen = m.Dispute.objects.restrict(principal).values("pk")
        return qs.filter(
            Q(cell__deputy_links__deputy=deputy) | Q(deputies=deputy) | Q(dispute__in=seen)
        ).distinct()
    return qs.none()


def _of_visible(model: type[Any], path: str) -> scopes.Rule:
    def rule(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.filter(**{f"{path}__in": model.objects.restrict(principal).values("pk")})

    return rule


for _model, _path in [
    (m.Party, "dispute"),
    (m.DisputeEvent, "dispute"),
    (m.Session, "dispute"),
    (m.Agreement, "dispute"),
    (m.DisputeDemand, "dispute"),
]:
    scopes.rule(_model)(_of_visible(m.Dispute, _path))
scopes.rule(m.HearingRecord)(_of_visible(m.Hearing, "hearing"))
# The risk rule is the town's reference: its staff read it (the presidium edits it).
scopes.rule(m.RiskRule)(scopes.staff)
