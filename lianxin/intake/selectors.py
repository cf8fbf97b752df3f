"""Reads of the intake: the suggestion for a text, the town's model in use, the decisions."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from lianxin.core import refcache
from lianxin.demands.models import Category, Demand
from lianxin.people.models import Department
from lianxin.territory.models import GridCell
from lianxin.territory.selectors import cell_at

from . import classifier, duplicates, rules, sealing
from .gazetteer import Gazetteer
from .models import IntakeDecision, IntakeModel, Method

logger = logging.getLogger(__name__)
_cache: dict[int, tuple[tuple[int, Any], classifier.Bundle | None]] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Choice:
    id: int
    name: str
    confidence: float
    words: tuple[str, ...] = ()
    # The model's lead department below ``classifier.UNSURE_BELOW``: shown as 不确定 with the candidates
    # (this one first, then the next most likely), never as one department to accept.
    uncertain: bool = False
    candidates: tuple[Choice, ...] = ()


@dataclass
class Suggestion:
    method: str
    model_version: int | None
    category: Choice | None = None
    department: Choice | None = None
    cell: Choice | None = None
    duplicates: list[duplicates.Duplicate] = field(default_factory=list)

    @property
    def by_rules(self) -> bool:
        return self.method == Method.RULES


def active_model(town_id: int) -> IntakeModel | None:
    return IntakeModel.objects.filter(town_id=town_id, active=True).defer("pipeline").first()


def bundle_of(model: IntakeModel) -> classifier.Bundle | None:
    """The model's pipeline, unpickled once per process and version, and only once its seal holds
    (``sealing.py``). A row without a good seal is never unpickled: None, a warning in the log, and the
    town's suggestions come from the keyword rules until the model is trained again."""
    key = (model.pk, model.trained_at)
    with _lock:
        cached = _cache.get(model.town_id)
        if cached is not None and cached[0] == key:
            return cached[1]
    data = IntakeModel.objects.values_list("pipeline", flat=True).get(pk=model.pk)
    bundle: classifier.Bundle | None = None
    try:
        payload = sealing.unseal(bytes(data), town_id=model.town_id, version=model.version)
    except sealing.Refused as refused:
        logger.warning(
            "intake model v%s of town %s refused, not unpickled (%s); keyword rules until "
            "`lianxin manage intake_train` makes a new one",
            model.version,
            model.town_id,
            refused,
        )
    else:
        bundle = classifier.Bundle.loads(payload)
    with _lock:
        _cache[model.town_id] = (key, bundle)
    return bundle


def department_label(department: Department) -> str:
    """As the department is called in the town, and in the training data: its short name (城管)."""
    return department.short_name or department.name


# --- the town's reference data, kept per process (``core/refcache.py``; watched in ``apps.py``) --------
REFERENCE = "intake"


@dataclass(frozen=True)
class Reference:
    categories: list[Category]
    departments: list[Department]
    by_cat: dict[str, Category]
    by_dept: dict[str, Department]
    gazetteer: Gazetteer
    cells: dict[int, GridCell]
    model: IntakeModel | None


def reference(town_id: int) -> Reference:
    """What a suggestion reads of the town: built once per process until one of its rows changes."""

    def build() -> Reference:
        categories = list(
            Category.objects.filter(town_id=town_id, active=True).select_related("default_department")
        )
        departments = list(Department.objects.filter(town_id=town_id, active=True))
        return Reference(
            categories=categories,
            departments=departments,
            by_cat={c.name: c for c in categories},
            by_dept={department_label(d): d for d in departments},
            gazetteer=Gazetteer.for_town(town_id),  # also teaches jieba the places before words are cut
            cells={c.pk: c for c in GridCell.objects.filter(town_id=town_id)},
            model=active_model(town_id),
        )

    return refcache.cached(REFERENCE, town_id, build)


def suggest_many(
    *,
    principal: Any,
    town_id: int,
    items: list[dict[str, Any]],
    with_duplicates: bool = True,
) -> list[Suggestion]:
    """Suggestions for several texts at once (the model runs once over all of them).

    Each item: ``text`` and optionally ``lat``/``lng``, ``cell`` (a GridCell or its id) and ``exclude``
    (a demand not to list as its own duplicate).
    """
    ref = reference(town_id)
    categories, departments, by_cat, by_dept = ref.categories, ref.departments, ref.by_cat, ref.by_dept
    gazetteer, cells, model = ref.gazetteer, ref.cells, ref.model
    texts = [str(i.get("text") or "") for i in items]
    guesses: list[tuple[classifier.Guess | None, classifier.Guess | None]]
    bundle = bundle_of(model) if model is not None else None
    if bundle is not None:
        guesses = list(
            classifier.guesses(bundle, texts, allowed_categories=by_cat, allowed_departments=by_dept)
        )
    else:
        model = None  # none in use, or its seal refused: the keyword rules answer
        guesses = [(None, None)] * len(items)
    out = []
    for item, content, (cat_guess, dept_guess) in zip(items, texts, guesses, strict=True):
        s = Suggestion(Method.MODEL if model else Method.RULES, model.version if model else None)
        if model is not None:
            if cat_guess is not None:
                c = by_cat[cat_guess.label]
                s.category = Choice(c.pk, c.name, cat_guess.confidence, cat_guess.words)
            if dept_guess is not None:
                s.department = _department_choice(dept_guess, by_dept)
        else:
            rc = rules.category(content, categories)
            if rc is not None:
                s.category = Choice(rc.obj.pk, str(rc.obj), rc.confidence, rc.words)
            chosen = rc.obj if rc is not None else None
            rd = rules.department(content, departments, chosen)  # type: ignore[arg-type]
            if rd is not None and isinstance(rd.obj, Department):
                s.department = Choice(rd.obj.pk, department_label(rd.obj), rd.confidence, rd.words)
        s.cell = _cell(item, content, gazetteer, cells, town_id)
        if with_duplicates and content.strip():
            s.duplicates = duplicates.similar(
                principal=principal,
                town_id=town_id,
                content=content,
                cell_id=s.cell.id if s.cell else None,
                exclude=item.get("exclude"),
            )
        out.append(s)
    return out


def _department_choice(guess: classifier.Guess, by_dept: dict[str, Department]) -> Choice:
    d = by_dept[guess.label]
    if not guess.unsure:
        return Choice(d.pk, department_label(d), guess.confidence, guess.words)
    candidates = tuple(
        Choice(o.pk, department_label(o), p)
        for label, p in [(guess.label, guess.confidence), *guess.others]
        for o in [by_dept[label]]
    )
    return Choice(d.pk, department_label(d), guess.confidence, guess.words, True, candidates)


def _cell(
    item: dict[str, Any], content: str, gazetteer: Gazetteer, cells: dict[int, GridCell], town_id: int
) -> Choice | None:
    given = item.get("cell")
    if given is not None:
        pk = given.pk if isinstance(given, GridCell) else int(given)
        if pk in cells:
            return Choice(pk, cells[pk].name, 1.0, ())
    lat, lng = item.get("lat"), item.get("lng")
    if lat is not None and lng is not None:
        cell = cell_at(town_id=town_id, lat=float(lat), lng=float(lng))
        if cell is not None:
            return Choice(cell.pk, cell.name, 1.0, ())
    hits = gazetteer.find(content)
    if hits and hits[0].cell_id in cells:
        hit = hits[0]
        return Choice(hit.cell_id, cells[hit.cell_id].name, hit.confidence, (hit.name,))
    return None


def suggest(
    *,
    principal: Any,
    town_id: int,
    text: str,
    lat: float | None = None,
    lng: float | None = None,
    cell: Any = None,
    exclude: int | None = None,
    with_duplicates: bool = True,
) -> Suggestion:
    item = {"text": text, "lat": lat, "lng": lng, "cell": cell, "exclude": exclude}
    return suggest_many(principal=principal, town_id=town_id, items=[item], with_duplicates=with_duplicates)[
        0
    ]


def demand_text(demand: Demand) -> str:
    return f"{demand.title}\n{demand.description}"


def for_demand(*, principal: Any, demand: Demand) -> Suggestion:
    """The suggestion for a recorded demand: its text and the cell it was placed in."""
    return suggest(
        principal=principal,
        town_id=demand.town_id,
        text=demand_text(demand),
        cell=demand.cell_id,
        exclude=demand.pk,
    )


def decisions(town_id: int) -> QuerySet[IntakeDecision]:
    return IntakeDecision.objects.filter(town_id=town_id).select_related("category", "department")
