"""The classifier: TF-IDF on jieba words and on character n-grams, then one logistic regression for the
category and one for the lead department. Pure functions; ``services.py`` stores what they make.

Labels are names (a category's name, a department's short name), so the data the project ships fits any
town that uses those names, and a town's own decisions add to them.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion

from . import text

SHIPPED = Path(__file__).parent / "data" / "demands.jsonl"
HELD_OUT_EVERY = 5  # every fifth example of each category (by id) is held out: a fixed split


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    department: str = ""
    id: str = ""


def shipped() -> list[Example]:
    rows = [json.loads(line) for line in SHIPPED.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(r["text"], r["category"], r["department"], f"s{r['id']}") for r in rows]


def split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(train, held out): per category, in file order, every fifth example is held out."""
    seen: Counter[str] = Counter()
    train: list[Example] = []
    held: list[Example] = []
    for ex in examples:
        seen[ex.category] += 1
        (held if seen[ex.category] % HELD_OUT_EVERY == 0 else train).append(ex)
    return train, held


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer=text.words, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 2), sublinear_tf=True)),
        ]
    )


def _head() -> SGDClassifier:
    """Logistic loss (so it gives probabilities), averaged SGD: a tenth of a second on the shipped data."""
    return SGDClassifier(loss="log_loss", alpha=2e-4, max_iter=50, average=True, random_state=0)


@dataclass
class Bundle:
    """What is pickled: the shared features and the two heads."""

    features: FeatureUnion
    category: SGDClassifier
    department: SGDClassifier | None
    names: list[str]

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()

    @staticmethod
    def loads(data: bytes) -> Bundle:
        """Unpickle (which runs code): only bytes whose seal ``sealing.unseal`` has confirmed."""
        bundle = joblib.load(io.BytesIO(data))
        if not isinstance(bundle, Bundle):
            raise TypeError("not an intake model")
        return bundle


def train(examples: Sequence[Example]) -> Bundle:
    texts = [e.text for e in examples]
    features = _features()
    x = features.fit_transform(texts)
    category = _head().fit(x, [e.category for e in examples])
    with_dept = [i for i, e in enumerate(examples) if e.department]
    department = None
    if len({examples[i].department for i in with_dept}) > 1:
        department = _head().fit(x[with_dept], [examples[i].department for i in with_dept])
    names = [str(n) for n in features.get_feature_names_out()]
    return Bundle(features, category, department, names)


@dataclass(frozen=True)
class Guess:
    label: str
    confidence: float
    words: tuple[str, ...]


def _explain(bundle: Bundle, row: Any, head: SGDClassifier, k: int, limit: int = 4) -> tuple[str, ...]:
    """The features that pushed the text toward class k most: words first, then character pieces."""
    coef = head.coef_[k] if head.coef_.shape[0] > 1 else head.coef_[0] * (1 if k == 1 else -1)
    names = bundle.names
    contributions = row.multiply(coef).tocsr()
    order = np.argsort(-contributions.data)
    words: list[str] = []
    pieces: list[str] = []
    for i in order:
        if contributions.data[i] <= 0:
            break
        kind, name = names[contributions.indices[i]].split("__", 1)
        (words if kind == "words" else pieces).append(name.strip())
    out: list[str] = []
    # Whole words read better than pieces of characters: pieces only when the words say too little.
    for name in [*words, *pieces] if len(words) < 2 else words:
        if len(out) >= limit:
            break
        if len(name) >= 2 and not any(name in w or w in name for w in out):
            out.append(name)
    return tuple(out)


def guesses(
    bundle: Bundle,
    texts: Sequence[str],
    *,
    allowed_categories: Iterable[str] | None = None,
    allowed_departments: Iterable[str] | None = None,
) -> list[tuple[Guess, Guess | None]]:
    """For each text, the best category and department among those the town has."""
    x = bundle.features.transform(list(texts))
    out: list[tuple[Guess, Guess | None]] = []
    cat_p = bundle.category.predict_proba(x)
    dept_p = bundle.department.predict_proba(x) if bundle.department is not None else None
    for i in range(len(texts)):
        row = x[i]
        cat = _best(bundle, row, bundle.category, cat_p[i], allowed_categories)
        dept = None
        if dept_p is not None and bundle.department is not None:
            dept = _best(bundle, row, bundle.department, dept_p[i], allowed_departments)
        out.append((cat, dept))  # type: ignore[arg-type]
    return out


def _best(
    bundle: Bundle, row: Any, head: SGDClassifier, probs: Any, allowed: Iterable[str] | None
) -> Guess | None:
    classes = list(head.classes_)
    keep = set(allowed) if allowed is not None else set(classes)
    order = [k for k in np.argsort(-probs) if classes[k] in keep]
    if not order:
        return None
    k = order[0]
    return Guess(str(classes[k]), round(float(probs[k]), 3), _explain(bundle, row, head, k))


def evaluate(bundle: Bundle, held: Sequence[Example]) -> dict[str, Any]:
    """Accuracy, macro-F1 and the confusion matrix of both heads on held-out examples."""
    results = guesses(bundle, [e.text for e in held])
    report: dict[str, Any] = {"held_out": len(held)}
    for key, truth, pred in (
        ("category", [e.category for e in held], [c.label for c, _ in results]),
        ("department", [e.department for e in held], [d.label if d else "" for _, d in results]),
    ):
        labels = sorted(set(truth) | set(pred))
        report[key] = {
            "accuracy": round(float(accuracy_score(truth, pred)), 4),
            "macro_f1": round(float(f1_score(truth, pred, average="macro", zero_division=0)), 4),
            "labels": labels,
            "confusion": confusion_matrix(truth, pred, labels=labels).tolist(),
        }
    return report


def confusion_text(block: dict[str, Any]) -> str:
    """A confusion matrix as text: rows are the truth, columns the guess (numbered by the row list)."""
    labels = block["labels"]
    width = max(len(str(len(labels))), 2)
    lines = ["    " + " ".join(f"{i + 1:>{width}}" for i in range(len(labels)))]
    for i, (label, row) in enumerate(zip(labels, block["confusion"], strict=True)):
        cells = " ".join(f"{n:>{width}}" if n else " " * (width - 1) + "·" for n in row)
        lines.append(f"{i + 1:>3} {cells}  {label}")
    return "\n".join(lines)


def first_per_category(examples: Iterable[Example], n: int) -> list[Example]:
    seen: Counter[str] = Counter()
    out = []
    for e in examples:
        seen[e.category] += 1
        if seen[e.category] <= n:
            out.append(e)
    return out
