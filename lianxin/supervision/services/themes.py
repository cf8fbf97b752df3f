"""Themed supervision (专题督导): launch, linked demands, inspections, findings."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.accounts.principals import can
from lianxin.accounts.roles import Capability
from lianxin.core.models import Town
from lianxin.core.workflow import Workflow, workflow_of
from lianxin.demands.models import Demand
from lianxin.people.models import Department, Deputy

from ..events import (
    ThemeKind,
)
from ..models import (
    Theme,
)
from ._common import _require, others

TK = ThemeKind


def _themes() -> Workflow:
    return workflow_of(Theme)


@transaction.atomic
def theme_launch(
    *,
    town: Town,
    actor: Any,
    title: str,
    topic: str,
    starts_on: dt.date,
    ends_on: dt.date,
    departments: Iterable[Department],
    neighbours: str = "",
) -> Theme:
    """Plan a themed supervision: the theme, the period, the departments and neighbouring towns."""
    if not (can(actor, Capability.SUPERVISE) and actor.town_id == town.pk):
        raise PermissionDenied(_("Your role does not allow this."))
    chosen = list(departments)
    errors = {}
    if not title.strip():
        errors["title"] = _("Name the theme.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The period ends before it starts.")
    if not chosen or any(d.town_id != town.pk for d in chosen):
        errors["departments"] = _("Choose the departments of this town involved.")
    _require(errors)
    theme = Theme.objects.create(
        town=town,
        title=title.strip(),
        topic=topic.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        neighbours=neighbours.strip(),
    )
    theme.departments.set(chosen)
    _themes().step(theme, TK.LAUNCH, actor, note=theme.topic)
    return theme


@transaction.atomic
def theme_link_demands(*, theme: Theme, actor: Any, demands: Iterable[Demand]) -> Theme:
    """The demands (and through them the disputes) the theme answers."""
    flow = _themes()
    flow.check(actor, TK.LINK_DEMANDS, theme)
    chosen = [d for d in demands if d.town_id == theme.town_id]
    if not chosen:
        raise ValidationError({"demands": _("Name at least one demand of this town.")})
    theme.demands.add(*chosen)
    return flow.transition(
        theme, TK.LINK_DEMANDS, actor, checked=True, to=theme.status, note="、".join(d.code for d in chosen)
    )


@transaction.atomic
def theme_begin(*, theme: Theme, actor: Any, deputies: Iterable[Deputy]) -> Theme:
    flow = _themes()
    flow.check(actor, TK.BEGIN, theme)
    chosen = list(deputies)
    if not chosen or any(d.town_id != theme.town_id for d in chosen):
        raise ValidationError({"deputies": _("Choose the deputies of this town who take part.")})
    theme.deputies.set(chosen)
    return flow.transition(theme, TK.BEGIN, actor, checked=True, data={"deputies": others(actor, chosen)})


@transaction.atomic
def theme_finish(
    *,
    theme: Theme,
    actor: Any,
    outcome: str,
    mechanism: str,
    tonnes_cleared: decimal.Decimal | int = 0,
    problems_solved: int = 0,
) -> Theme:
    """The outcome in words and figures, and the standing mechanism agreed (长效机制)."""
    flow = _themes()
    flow.check(actor, TK.FINISH, theme)
    errors = {}
    if not outcome.strip():
        errors["outcome"] = _("Say what the supervision achieved.")
    if not mechanism.strip():
        errors["mechanism"] = _("Say what standing mechanism was agreed.")
    if decimal.Decimal(tonnes_cleared) < 0 or problems_solved < 0:
        errors["tonnes_cleared"] = _("Figures cannot be negative.")
    _require(errors)
    return flow.transition(
        theme,
        TK.FINISH,
        actor,
        checked=True,
        note=outcome.strip(),
        data={"deputies": others(actor, theme.deputies.all())},
        outcome=outcome.strip(),
        mechanism=mechanism.strip(),
        tonnes_cleared=tonnes_cleared,
        problems_solved=problems_solved,
    )
