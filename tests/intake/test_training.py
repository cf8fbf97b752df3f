"""Training: versions, figures on the fixed held-out split, the town's decisions as training data, and the
commands."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from lianxin.demands import services as demands
from lianxin.demands.models import Demand
from lianxin.intake import classifier
from lianxin.intake.models import IntakeDecision, IntakeModel
from lianxin.intake.services import model_train

pytestmark = pytest.mark.django_db


def test_the_shipped_data_covers_every_category_and_department():
    from lianxin.demo.data import DEPARTMENTS
    from lianxin.demo.demand_texts import CATEGORIES

    rows = classifier.shipped()
    assert len(rows) >= 400
    # demands_more.jsonl adds 村务与便民服务, a category the demo town does not have (its README says why)
    assert {r.category for r in rows} >= {c.name for c in CATEGORIES}
    assert {r.department for r in rows} == {d[1] for d in DEPARTMENTS}
    assert len({r.text for r in rows}) == len(rows)
    train, held = classifier.split(rows)
    assert {r.category for r in held} >= {c.name for c in CATEGORIES}  # every category is measured
    assert not {r.id for r in train} & {r.id for r in held}


def _corrections(itown, examples):
    """People's decisions, as the demand's events leave them: a demand and the category and department
    a person kept or chose for it."""
    for i, ex in enumerate(e for e in examples if e.category in itown.categories):
        demand = Demand.objects.create(
            town=itown.town,
            code=f"COR{i:06d}",
            channel="hotline",
            category=itown.categories[ex.category],
            title=ex.text[:80],
            description=ex.text,
        )
        IntakeDecision.objects.create(
            town=itown.town,
            demand=demand,
            text=ex.text,
            method="model",
            category=itown.categories[ex.category],
            department=itown.departments[ex.department],
        )


def test_accuracy_on_the_fixed_split_rises_when_corrections_are_added(itown):
    few = model_train(town=itown.town, per_category=3)
    assert (few.version, few.active, few.town_examples) == (1, True, 0)
    train, _held = classifier.split(classifier.shipped())
    _corrections(itown, [e for e in train if e not in classifier.first_per_category(train, 3)])
    more = model_train(town=itown.town, per_category=3)
    assert (more.version, more.town_examples) == (
        2,
        len(
            [
                e
                for e in train
                if e not in classifier.first_per_category(train, 3) and e.category in itown.categories
            ]
        ),
    )
    assert more.metrics["held_out"] == few.metrics["held_out"]  # the same split
    for head in ("category", "department"):
        assert more.metrics[head]["accuracy"] > few.metrics[head]["accuracy"] + 0.1
        assert more.metrics[head]["macro_f1"] > few.metrics[head]["macro_f1"]
    few.refresh_from_db()
    assert not few.active and IntakeModel.objects.get(town=itown.town, active=True) == more


def test_recording_and_assigning_keep_what_people_chose(itown, trained):
    demand = demands.demand_record(
        town=itown.town,
        recorded_by=itown.presidium,
        channel="station",
        category=itown.categories["道路交通"],  # the person chose otherwise than the suggestion
        title="东关村路灯不亮",
        description="村口那一片路灯坏了一个礼拜，晚上黑得看不见路",
        cell=itown.cells["东关村"],
    )
    decision = IntakeDecision.objects.get(demand=demand)
    assert decision.method == "model" and decision.model_version == 1
    assert decision.suggested_category == itown.categories["路灯与公共设施"]
    assert decision.category == itown.categories["道路交通"] and not decision.category_accepted
    demands.demand_claim(demand=demand, actor=itown.deputy)
    demands.demand_assign(
        demand=Demand.objects.get(pk=demand.pk),
        actor=itown.deputy,
        department=itown.departments["城管"],
        matter="修复路灯",
        standard="路灯亮",
    )
    decision.refresh_from_db()
    assert decision.department == itown.departments["城管"]
    assert decision.suggested_department is not None
    # ... and the next training reads it
    from lianxin.intake.services import town_examples

    [example] = town_examples(itown.town.pk)
    assert (example.category, example.department) == ("道路交通", "城管")


def test_the_commands_print_the_figures_and_say_when_rules_are_used(itown, capsys):
    call_command("intake_evaluate", town=itown.town.code)
    assert "keyword rules" in capsys.readouterr().out
    call_command("intake_train", town=itown.town.code)
    out = capsys.readouterr().out
    assert "model v1" in out and "accuracy" in out and "macro-F1" in out and "confusion matrix" in out
    call_command("intake_evaluate", town=itown.town.code)
    out = capsys.readouterr().out
    assert "model v1" in out and "category: accuracy" in out and "宅基地与土地" in out
