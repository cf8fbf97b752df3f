"""What the public board shows: published, redacted demands that are in progress or done."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core import scopes
from lianxin.demands.models import Demand
from lianxin.demands.states import PUBLISHABLE

from .models import Publication

PUBLIC = "public"


@scopes.rule(Publication)
def publications(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The presidium reads drafts too; everyone else what is published."""
    if can(principal, Capability.SUPERVISE):
        return qs
    return qs.filter(published=True, demand__status__in=PUBLISHABLE)


@scopes.rule(Demand, PUBLIC)
def published_demands(principal: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """Demands anyone may read in the board's words (the board, Open311 without a key)."""
    return qs.filter(publication__published=True, status__in=PUBLISHABLE)
