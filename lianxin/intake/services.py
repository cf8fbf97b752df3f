"""Writes of the intake: training a town's model, and keeping what people decided on a suggestion."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from lianxin.core import clock
from lianxin.core.models import Town
from lianxin.demands.models import Demand
from lianxin.people.models import Department

from . import classifier, sealing
from .gazetteer import Gazetteer
from .models import IntakeDecision, IntakeModel
from .selectors import demand_text, department_label, suggest


def town_examples(town_id: int) -> list[classifier.Example]:
    """The town's own decisions as labelled examples: the category people kept or chose, and the lead
    department they assigned (when the demand got that far)."""
    rows = IntakeDecision.objects.filter(town_id=town_id).select_related("category", "department")
    return [
        classifier.Example(
            d.text,
            d.category.name,
            department_label(d.department) if d.department is not None else "",
            f"d{d.demand_id}",
            classifier.TOWN_WEIGHT,  # a hundred decisions beside two thousand shipped examples must still count
        )
        for d in rows.order_by("pk")
    ]


def model_train(
    *,
    town: Town,
    actor: Any = None,
    per_category: int | None = None,
    with_decisions: bool = True,
) -> IntakeModel:
    """Train on the shipped examples' training part and the town's decisions; measure on the shipped
    held-out part (never trained on); store the new version and put it in use.

    ``per_category`` keeps only the first N shipped training examples of each category (a learning
    curve: the tests and the benchmark use it); the held-out part stays the same.
    """
    Gazetteer.for_town(town.pk)  # jieba learns the places first, so they are left out of the words
    train, held = classifier.split(classifier.shipped())
    if per_category is not None:
        train = classifier.first_per_category(train, per_category)
    own = town_examples(town.pk) if with_decisions else []
    bundle = classifier.train([*train, *own])
    metrics = classifier.evaluate(bundle, held)
    with transaction.atomic():
        last = IntakeModel.objects.select_for_update().filter(town=town)
        version = (last.aggregate(v=Max("version"))["v"] or 0) + 1
        last.filter(active=True).update(active=False)
        return IntakeModel.objects.create(
            town=town,
            version=version,
            trained_at=clock.now(),
            trained_by=actor,
            shipped_examples=len(train),
            town_examples=len(own),
            metrics=metrics,
            pipeline=sealing.seal(bundle.dumps(), town_id=town.pk, version=version),
            active=True,
        )


def decision_record(*, demand: Demand, principal: Any) -> IntakeDecision:
    """The category a person chose when recording, beside the one the intake suggested."""
    s = suggest(
        principal=principal,
        town_id=demand.town_id,
        text=demand_text(demand),
        cell=demand.cell_id,
        with_duplicates=False,
    )
    # One decision per demand, made when it is recorded (or, for a demand recorded before the intake
    # existed, when it is assigned): one INSERT, no look-up first; an event replayed finds the row there and
    # leaves it (ON CONFLICT DO NOTHING), as every subscriber must.
    decision = IntakeDecision(
        demand=demand,
        town_id=demand.town_id,
        text=demand_text(demand),
        method=s.method,
        model_version=s.model_version,
        suggested_category_id=s.category.id if s.category else None,
        category_confidence=s.category.confidence if s.category else 0,
        category_id=demand.category_id,
        at=clock.now(),
    )
    IntakeDecision.objects.bulk_create([decision], ignore_conflicts=True)
    return decision


def decision_assign(*, demand: Demand, department: Department, principal: Any) -> IntakeDecision:
    """The lead department a person assigned, beside the one the intake suggested."""
    decision = IntakeDecision.objects.filter(demand=demand).first()
    if decision is None:
        decision_record(demand=demand, principal=principal)
        decision = IntakeDecision.objects.get(demand=demand)
    s = suggest(
        principal=principal,
        town_id=demand.town_id,
        text=decision.text,
        cell=demand.cell_id,
        with_duplicates=False,
    )
    decision.suggested_department_id = s.department.id if s.department else None
    decision.department_confidence = s.department.confidence if s.department else 0
    decision.department = department
    decision.category_id = demand.category_id
    decision.save(update_fields=["suggested_department", "department_confidence", "department", "category"])
    return decision
