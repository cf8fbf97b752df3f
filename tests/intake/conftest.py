"""A town set up like the demo town for the intake: its categories, departments and a few named cells.

Training is the slow part, so one model trained on the shipped data is kept for the whole test session and
stored as a fresh row in each test that asks for ``trained``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from lianxin.accounts.roles import Role
from lianxin.api.services import api_key_create
from lianxin.demands.models import Category
from lianxin.demo.data import DEPARTMENTS
from lianxin.demo.demand_texts import CATEGORIES
from lianxin.intake import classifier, sealing
from lianxin.intake.models import IntakeModel
from lianxin.people.models import Department

from ..factories import (
    DeputyCellFactory,
    DeputyFactory,
    GridCellFactory,
    StationFactory,
    TownFactory,
    UserFactory,
    square,
)

LAT, LNG = 35.26, 113.66


@dataclass
class IntakeTown:
    town: Any
    cells: dict[str, Any]
    categories: dict[str, Any]
    departments: dict[str, Any]
    presidium: Any
    deputy: Any
    citizen: Any
    key: str


@pytest.fixture
def itown(db) -> IntakeTown:
    town = TownFactory()
    departments = {
        short: Department.objects.create(town=town, name=name, short_name=short, kind=kind, duties=duties)
        for name, short, kind, duties in DEPARTMENTS
    }
    categories = {
        c.name: Category.objects.create(
            town=town,
            name=c.name,
            domain=c.domain,
            keywords=c.keywords,
            default_department=departments[c.department],
        )
        for c in CATEGORIES
    }
    # 东关村 and 西关村 touch; 大辛庄村 and 小辛庄村 lie far to the north.
    cells = {
        "东关村": GridCellFactory(town=town, name="东关村", boundary=square(LAT, LNG)),
        "西关村": GridCellFactory(town=town, name="西关村", boundary=square(LAT, LNG + 0.01)),
        "大辛庄村": GridCellFactory(town=town, name="大辛庄村", boundary=square(LAT + 0.1, LNG)),
        "小辛庄村": GridCellFactory(town=town, name="小辛庄村", boundary=square(LAT + 0.2, LNG)),
        "同盟社区": GridCellFactory(
            town=town, name="同盟社区", kind="community", boundary=square(LAT + 0.3, LNG)
        ),
    }
    StationFactory(town=town, name="人民广场民情收集点", kind="collection_point", cell=cells["西关村"])
    deputy = UserFactory(role=Role.DEPUTY, town=town)
    d = DeputyFactory(town=town, user=deputy)
    for name in ("东关村", "西关村"):
        DeputyCellFactory(town=town, cell=cells[name], deputy=d)
    _, raw = api_key_create(town=town, name="12345 热线")
    return IntakeTown(
        town=town,
        cells=cells,
        categories=categories,
        departments=departments,
        presidium=UserFactory(role=Role.PRESIDIUM, town=town),
        deputy=deputy,
        citizen=UserFactory(role=Role.CITIZEN, town=town, phone="13900005678"),
        key=raw,
    )


@cache
def _shipped_model() -> tuple[bytes, dict[str, Any]]:
    train, held = classifier.split(classifier.shipped())
    bundle = classifier.train(train)
    return bundle.dumps(), classifier.evaluate(bundle, held)


@pytest.fixture
def trained(itown) -> IntakeModel:
    """The town's model in use: trained once per session on the shipped data's training part, sealed for
    the town as training seals it."""
    pipeline, metrics = _shipped_model()
    sealed = sealing.seal(pipeline, town_id=itown.town.pk, version=1)
    return IntakeModel.objects.create(
        town=itown.town, version=1, pipeline=sealed, metrics=metrics, shipped_examples=356, active=True
    )


@cache
def _full_model() -> classifier.Bundle:
    """Trained once per session on all of the shipped data: what a separate test set is measured against."""
    return classifier.train(classifier.shipped())
