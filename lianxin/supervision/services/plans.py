"""The year's supervision plan (年度监督计划): draft, items, adopt, reports heard, done or dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianxin.core.models import Town
from lianxin.core.workflow import TransitionError, Workflow, workflow_of
from lianxin.people.models import Department, Deputy

from ..events import (
    PlanItemKind,
    PlanKind,
)
from ..models import (
    PlanItem,
    PlanItemKindChoice,
    PlanItemStatus,
    PlanStatus,
    SupervisionPlan,
    Theme,
)
from ._common import _require, others
from .industry import _presidium_of

PLK = PlanKind
PIK = PlanItemKind


def _plans() -> Workflow:
    return workflow_of(SupervisionPlan)


def _plan_items() -> Workflow:
    return workflow_of(PlanItem)


@transaction.atomic
def plan_draft(*, town: Town, actor: Any, year: int, title: str) -> SupervisionPlan:
    """The presidium drafts the year's plan (one per town and year); items are added, then it is adopted."""
    _presidium_of(actor, town)
    errors = {}
    if not title.strip():
        errors["title"] = _("Give the plan a title.")
    if SupervisionPlan.objects.filter(town=town, year=year).exists():
        errors["year"] = _("This year already has a supervision plan.")
    _require(errors)
    plan = SupervisionPlan.objects.create(town=town, year=year, title=title.strip())
    _plans().step(plan, PLK.DRAFT_PLAN, actor, note=plan.title)
    return plan


@transaction.atomic
def plan_add_item(
    *,
    plan: SupervisionPlan,
    actor: Any,
    kind: str,
    subject: str,
    month: int,
    planned_on: dt.date | None = None,
    department: Department | None = None,
    theme: Theme | None = None,
) -> PlanItem:
    """An item of the plan (before or after adoption: the presidium may add to an adopted plan)."""
    _presidium_of(actor, plan.town)
    errors = {}
    if kind not in PlanItemKindChoice.values:
        errors["kind"] = _("Choose the kind of item.")
    if not subject.strip():
        errors["subject"] = _("Say what the item is about.")
    if not 1 <= month <= 12:
        errors["month"] = _("Choose a month from 1 to 12.")
    if planned_on is not None and (planned_on.year != plan.year or planned_on.month != month):
        errors["planned_on"] = _("The planned date must fall in the planned month of the plan's year.")
    if department is not None and department.town_id != plan.town_id:
        errors["department"] = _("Choose a department of this town.")
    if theme is not None and (kind != PlanItemKindChoice.THEME or theme.town_id != plan.town_id):
        errors["theme"] = _("Only a themed supervision item links a themed supervision of this town.")
    _require(errors)
    item = PlanItem.objects.create(
        town_id=plan.town_id,
        plan=plan,
        kind=kind,
        subject=subject.strip(),
        month=month,
        planned_on=planned_on,
        department=department,
        theme=theme,
    )
    _plans().step(plan, PLK.ADD_ITEM, actor, note=item.subject)
    return item


@transaction.atomic
def plan_adopt(*, plan: SupervisionPlan, actor: Any, adopted_on: dt.date) -> SupervisionPlan:
    """The presidium adopts the plan: from then on the public reads it and its progress."""
    flow = _plans()
    flow.check(actor, PLK.ADOPT_PLAN, plan)
    errors = {}
    if not plan.items.exists():
        errors["adopted_on"] = _("Add the plan's items before adopting it.")
    elif adopted_on.year not in (plan.year - 1, plan.year):
        errors["adopted_on"] = _("A plan is adopted in its year or the year before.")
    _require(errors)
    return flow.transition(plan, PLK.ADOPT_PLAN, actor, checked=True, adopted_on=adopted_on)


def _in_adopted_plan(item: PlanItem) -> None:
    if item.plan.status != PlanStatus.ADOPTED:
        raise TransitionError(_("The plan is not adopted yet; its items wait for the adoption."))


@transaction.atomic
def plan_item_hear_report(
    *, item: PlanItem, actor: Any, heard_on: dt.date, opinions: str, deputies: Iterable[Deputy]
) -> PlanItem:
    """The report is heard and deliberated: the deputies' opinions are recorded and the item is done."""
    flow = _plan_items()
    flow.check(actor, PIK.HEAR_REPORT, item)
    _in_adopted_plan(item)
    present = list(deputies)
    errors = {}
    if item.kind != PlanItemKindChoice.REPORT:
        errors["opinions"] = _("Only a report item is heard and deliberated.")
    if not opinions.strip():
        errors["opinions"] = _("Record the deputies' deliberation opinions.")
    if not present or any(d.town_id != item.town_id for d in present):
        errors["deputies"] = _("Choose the deputies of this town who deliberated.")
    _require(errors)
    return flow.transition(
        item,
        PIK.HEAR_REPORT,
        actor,
        checked=True,
        note=opinions.strip(),
        data={"deputies": others(actor, present)},
        done_on=heard_on,
        opinions=opinions.strip(),
    )


@transaction.atomic
def plan_item_mark_done(*, item: PlanItem, actor: Any, done_on: dt.date, outcome: str) -> PlanItem:
    """A themed supervision or an inspection carried out, with what came of it."""
    flow = _plan_items()
    flow.check(actor, PIK.MARK_DONE, item)
    _in_adopted_plan(item)
    errors = {}
    if item.kind == PlanItemKindChoice.REPORT:
        errors["outcome"] = _("A report is done when it is heard and deliberated.")
    elif not outcome.strip():
        errors["outcome"] = _("Say what came of it.")
    _require(errors)
    return flow.transition(
        item,
        PIK.MARK_DONE,
        actor,
        checked=True,
        note=outcome.strip(),
        done_on=done_on,
        outcome=outcome.strip(),
    )


@transaction.atomic
def plan_item_drop(*, item: PlanItem, actor: Any, reason: str) -> PlanItem:
    flow = _plan_items()
    flow.check(actor, PIK.DROP_ITEM, item)
    _in_adopted_plan(item)
    return flow.transition(
        item, PIK.DROP_ITEM, actor, checked=True, note=reason.strip(), drop_reason=reason.strip()
    )


def plan_items_of_concluded_theme(*, theme: Theme, actor: Any) -> None:
    """When a themed supervision concludes, the planned items of adopted plans that name it are done."""
    flow = _plan_items()
    for item in PlanItem.objects.filter(
        theme=theme, status=PlanItemStatus.PLANNED, plan__status=PlanStatus.ADOPTED
    ):
        flow.transition(
            item,
            PIK.MARK_DONE,
            actor,
            checked=True,
            note=theme.outcome,
            done_on=theme.ends_on,
            outcome=theme.outcome,
        )
