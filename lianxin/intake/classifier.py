"""The classifier: TF-IDF on jieba words and on character n-grams, then one logistic regression for the
category and one for the lead department. Pure functions; ``services.py`` stores what they make.

Labels are names (a category's name, a department's short name), so the data the project ships fits any
town that uses those names, and a town's own decisions add to them.
"""

from __future__ import annotations

import io
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import joblib
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion

from . import text

DATA = Path(__file__).parent / "data"
SHIPPED = DATA / "demands.jsonl"
# Written for the project by another hand and in more voices (elderly villagers, dialect, hotline operators,
# WeChat messages, typos, two matters in one text): trained on with the first file, split the same way.
MORE = DATA / "demands_more.jsonl"
HELD_OUT_EVERY = 5  # every fifth example of each category (by id) is held out: a fixed split
# A town's own decisions count this many times a shipped example: they are few beside the shipped data
# (a hundred against two thousand) and they are the town's own words and its own way of routing.
TOWN_WEIGHT = 4.0
# Below this probability the lead department is "uncertain": the page and the API say so and list the
# candidates instead of one department. Chosen on the held-out split (``routing_eval --bands``; docs/intake.md,
# Routing): below 0.5 the first guess was right about half the time (52%, 11% of the split), above it 89%.
UNSURE_BELOW = 0.5
CANDIDATES = 3
CALIBRATION_FOLDS = 3
# How much each block of features counts. Measured on the held-out split and on a cross-writer check (trained
# on demands.jsonl, measured on demands_more.jsonl): a heavier block of terms made both worse (the data now
# names the matters in many words of its own), a light one (0.3) left them as they were.
WEIGHTS = {"words": 1.0, "chars": 1.0, "terms": 0.3}


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    department: str = ""
    id: str = ""
    weight: float = 1.0  # a town's decision counts TOWN_WEIGHT times a shipped example


def _read(path: Path, prefix: str) -> list[Example]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Example(r["text"], r.get("category", ""), r["department"], f"{prefix}{r.get('id', n + 1)}")
        for n, r in enumerate(rows)
    ]


def shipped() -> list[Example]:
    """Both shipped files, the first one first (so its split stays as it was)."""
    return [*_read(SHIPPED, "s"), *_read(MORE, "m")]


def read_jsonl(path: Path) -> list[Example]:
    """A file of the same shape (text, department, and category if it has one): a test set."""
    return _read(path, "t")


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
            ("words", TfidfVectorizer(analyzer=text.pieces, sublinear_tf=True)),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    preprocessor=text.core,
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                ),
            ),
            ("terms", TfidfVectorizer(analyzer=text.terms, sublinear_tf=True, use_idf=False)),
        ],
        transformer_weights=WEIGHTS,
    )


def _linear() -> SGDClassifier:
    """Logistic loss, averaged SGD: a fraction of a second on two thousand examples."""
    return SGDClassifier(loss="log_loss", alpha=2e-4, max_iter=50, average=True, random_state=0)


Head: TypeAlias = SGDClassifier | CalibratedClassifierCV


def _fit(x: Any, y: Sequence[str], weights: Any) -> Head:
    """The linear model, its probabilities calibrated (Platt's sigmoid, one-vs-rest, fitted on 3-fold
    predictions: ``ensemble=False`` keeps one linear model, trained on all the data, whose weights say
    which words decided). Without three examples of every label there is nothing to calibrate on."""
    counts = Counter(y)
    if min(counts.values()) < CALIBRATION_FOLDS:
        return _linear().fit(x, y, sample_weight=weights)
    head = CalibratedClassifierCV(_linear(), method="sigmoid", cv=CALIBRATION_FOLDS, ensemble=False)
    return head.fit(x, y, sample_weight=weights)


def _coef(head: Head) -> Any:
    if isinstance(head, CalibratedClassifierCV):
        return head.calibrated_classifiers_[0].estimator.coef_
    return head.coef_


@dataclass
class Bundle:
    """What is pickled: the shared features and the two heads."""

    features: FeatureUnion
    category: Head
    department: Head | None
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
    weights = np.array([e.weight for e in examples], dtype=float)
    category = _fit(x, [e.category for e in examples], weights)
    with_dept = [i for i, e in enumerate(examples) if e.department]
    department = None
    if len({examples[i].department for i in with_dept}) > 1:
        department = _fit(x[with_dept], [examples[i].department for i in with_dept], weights[with_dept])
    names = [str(n) for n in features.get_feature_names_out()]
    return Bundle(features, category, department, names)


@dataclass(frozen=True)
class Guess:
    label: str
    confidence: float
    words: tuple[str, ...]
    # The next best labels after this one, with their probabilities (most likely first).
    others: tuple[tuple[str, float], ...] = ()
    # Below ``UNSURE_BELOW``, or nothing in the text speaks for it (a text of fillers only, 这事说了好几回了,
    # falls back on the labels' priors, with a probability that says nothing about the text).
    unsure: bool = False


def _explain(bundle: Bundle, row: Any, head: Head, k: int, limit: int = 4) -> tuple[str, ...]:
    """The features that pushed the text toward class k most: words first, then character pieces."""
    weights = _coef(head)
    coef = weights[k] if weights.shape[0] > 1 else weights[0] * (1 if k == 1 else -1)
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
    # A word's dictionary sub-words (宅基地 → 宅基, 基地) give way to the word itself.
    words = [w for w in words if not any(w != o and w in o for o in words)]
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


def _best(bundle: Bundle, row: Any, head: Head, probs: Any, allowed: Iterable[str] | None) -> Guess | None:
    classes = list(head.classes_)
    keep = set(allowed) if allowed is not None else set(classes)
    order = [k for k in np.argsort(-probs) if classes[k] in keep]
    if not order:
        return None
    k = order[0]
    others = tuple((str(classes[j]), round(float(probs[j]), 3)) for j in order[1:CANDIDATES])
    p, words = float(probs[k]), _explain(bundle, row, head, k)
    return Guess(str(classes[k]), round(p, 3), words, others, p < UNSURE_BELOW or not words)


def evaluate(bundle: Bundle, held: Sequence[Example]) -> dict[str, Any]:
    """Accuracy, macro-F1, top-3, accuracy per label and the confusion matrix of both heads on held-out
    examples; for the department also how often it was uncertain and how right it was when it was not."""
    results = guesses(bundle, [e.text for e in held])
    report: dict[str, Any] = {"held_out": len(held)}
    for key, truth, got in (
        ("category", [e.category for e in held], [c for c, _ in results]),
        ("department", [e.department for e in held], [d for _, d in results]),
    ):
        pred = [g.label if g else "" for g in got]
        labels = sorted(set(truth) | set(pred))
        top3 = [
            t in ([g.label, *(o for o, _ in g.others)] if g else []) for t, g in zip(truth, got, strict=True)
        ]
        per_label = {
            label: round(float(np.mean([p == t for t, p in zip(truth, pred, strict=True) if t == label])), 4)
            for label in sorted(set(truth))
        }
        report[key] = {
            "accuracy": round(float(accuracy_score(truth, pred)), 4),
            "macro_f1": round(float(f1_score(truth, pred, average="macro", zero_division=0)), 4),
            "top3": round(float(np.mean(top3)), 4) if top3 else 0.0,
            "per_label": per_label,
            "labels": labels,
            "confusion": confusion_matrix(truth, pred, labels=labels).tolist(),
        }
        if key == "department":
            sure = [
                p == t for t, p, g in zip(truth, pred, got, strict=True) if g is not None and not g.unsure
            ]
            report[key]["uncertain"] = round(1 - len(sure) / len(truth), 4) if truth else 0.0
            report[key]["accuracy_when_sure"] = round(float(np.mean(sure)), 4) if sure else 0.0
    return report


def bands(
    bundle: Bundle, held: Sequence[Example], edges: Sequence[float] = (0.2, 0.35, 0.5, 0.7, 0.9)
) -> list[tuple[str, int, float]]:
    """How right the lead department's first guess is in each band of its confidence: what the threshold
    ``UNSURE_BELOW`` is chosen from (``routing_eval --bands``)."""
    results = guesses(bundle, [e.text for e in held])
    cuts = [0.0, *edges, 1.01]
    out = []
    for lo, hi in itertools.pairwise(cuts):
        hits = [
            d.label == e.department
            for e, (_, d) in zip(held, results, strict=True)
            if d and lo <= d.confidence < hi
        ]
        out.append((f"{lo:.2f}–{min(hi, 1):.2f}", len(hits), round(float(np.mean(hits)), 3) if hits else 0.0))
    return out


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
