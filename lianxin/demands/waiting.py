"""What waits for a person among the demands, for the daily digest (registered in ``kit("demands")``'s
``waiting`` slot; notify's digest reads it): a deputy's unclaimed and own demands (the deputy's inbox), a
department's assignments to accept, in hand and returned (the department's inbox), and for the presidium the
results to review and the extensions to decide. Each with its deadline; past it, overdue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.notices import Waiting

from . import selectors
from .models import Demand, Extension, ExtensionStatus
from .states import ON_THE_CLOCK, Status

LIMIT = 50  # per list: a digest names the first fifty and the inbox has the rest

DEPUTY_TABS = ("unclaimed", "mine")
DEPARTMENT_TABS = ("to_accept", "in_progress", "returned")


def _item(demand: Demand, at: dt.datetime, prefix: str = "") -> Waiting:
    assignment = getattr(demand, "assignment", None) if demand.status in ON_THE_CLOCK else None
    due = assignment.due_at if assignment is not None else None
    return Waiting(
        title=f"{prefix}{demand.code} {demand.title}",
        url=reverse("demands:detail", args=[demand.code]),
        due_at=due,
        overdue=due is not None and due < at,
    )


def waiting_demands(user: Any, at: dt.datetime) -> list[Waiting]:
    found: dict[int, Waiting] = {}
    tabs = []
    if selectors._deputy(user) is not None:
        tabs += [t for t in selectors.deputy_inbox(user=user) if t.key in DEPUTY_TABS]
    if selectors._department_id(user) is not None:
        tabs += [t for t in selectors.department_inbox(user=user) if t.key in DEPARTMENT_TABS]
    for tab in tabs:
        for demand in tab.demands[:LIMIT]:
            found.setdefault(demand.pk, _item(demand, at))
    if can(user, Capability.SUPERVISE):
        review = Demand.objects.restrict(user).filter(status=Status.COMPLETED).order_by("pk")[:LIMIT]
        for demand in review:
            found.setdefault(demand.pk, _item(demand, at, _("To review: ")))
        pending = (
            Extension.objects.restrict(user)
            .filter(status=ExtensionStatus.PENDING)
            .select_related("assignment__demand")
            .order_by("requested_at")[:LIMIT]
        )
        for ext in pending:
            demand = ext.assignment.demand
            found.setdefault(demand.pk, _item(demand, at, _("Extension to decide: ")))
    return list(found.values())
