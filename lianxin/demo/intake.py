"""The demo town's intake: a few landmarks people name instead of their village, and a trained model.

Only the first town gets a model, so the other towns of a ``--scale`` county show the keyword-rule
fallback. Idempotent: a second run finds the aliases and the model and changes nothing, unless the model
in use is refused (written before models were sealed, or under another key): then it is trained again.
"""

from __future__ import annotations

from typing import Any

from lianxin.core.models import Town
from lianxin.intake.models import IntakeModel, PlaceAlias
from lianxin.intake.selectors import active_model, bundle_of
from lianxin.intake.services import model_train

from .generator import Stats, upsert

# Landmarks and old names → the cell they lie in.
ALIASES = [
    ("城关一小", "育才社区"),
    ("产业园区", "马厂村"),
    ("镇养老服务中心", "北关村"),
    ("新华日间照料中心", "新华社区"),
    ("老东关", "东关村"),
]


def build_intake(*, town: Town, index: int, cells: dict[str, Any]) -> Stats:
    stats = Stats()
    for alias, cell in ALIASES:
        if cell in cells:
            upsert(stats, PlaceAlias, {"town": town, "alias": alias}, {"cell": cells[cell]})
    if index == 0:
        in_use = active_model(town.pk)
        refused = in_use is not None and bundle_of(in_use) is None
        if refused or not IntakeModel.objects.filter(town=town).exists():
            model_train(town=town)  # the shipped examples and the year of demands just replayed
            stats.created += 1
    return stats
