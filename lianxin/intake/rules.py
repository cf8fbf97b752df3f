"""The fallback when a town has no trained model: keyword rules from the town's own reference data.

A category scores the characters of its keywords (and its name) found in the text; the department is the
one whose duties the text names most, else the category's usual department.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lianxin.demands.models import Category
from lianxin.people.models import Department


@dataclass(frozen=True)
class RuleGuess:
    obj: Category | Department
    confidence: float
    words: tuple[str, ...]


def _terms(*fields: str) -> list[str]:
    return sorted({t for f in fields for t in f.replace("、", " ").replace("，", " ").split() if len(t) >= 2})


def _score(content: str, terms: Sequence[str]) -> tuple[int, tuple[str, ...]]:
    found = tuple(t for t in terms if t in content)
    return sum(len(t) for t in found), found


def _pick(content: str, rows: Sequence[tuple[Category | Department, list[str]]]) -> RuleGuess | None:
    scored = [(s, found, obj) for obj, terms in rows for s, found in [_score(content, terms)] if s]
    if not scored:
        return None
    scored.sort(key=lambda r: -r[0])
    total = sum(s for s, _, _ in scored)
    best, found, obj = scored[0]
    # The share of the evidence, damped: rules are never as sure as a trained model.
    return RuleGuess(obj, round(0.8 * best / total, 3), found[:4])


def category(content: str, categories: Sequence[Category]) -> RuleGuess | None:
    return _pick(content, [(c, _terms(c.keywords, c.name)) for c in categories])


def department(content: str, departments: Sequence[Department], chosen: Category | None) -> RuleGuess | None:
    by_duties = _pick(content, [(d, _terms(d.duties, d.short_name)) for d in departments])
    usual = chosen.default_department if chosen is not None else None
    if by_duties is not None and (usual is None or by_duties.obj == usual or by_duties.confidence >= 0.5):
        return by_duties
    if usual is not None:
        return RuleGuess(usual, 0.5, (chosen.name,) if chosen else ())
    return by_duties
