"""Measure the early-warning detectors (lianxin/insight/detect.py) on generated scenarios.

    .venv/bin/python bench/insight_warnings.py [--scenarios 2000] [--seed 14]

Not a test: it prints precision and recall, which docs/insight.md quotes. Deterministic for a seed.

1. Rising trend. Each scenario is one cell: a daily rate r drawn from 0.05–1.0, a baseline count drawn
   from Poisson(56 r), and a window count drawn from Poisson(7 r) (flat) or Poisson(7 m r) (a rise of m×,
   m = 2, 3 or 4; half of the scenarios). A detection on a risen cell is a true positive.
2. Recurring subject by text. Each scenario is a 14-day window of a town of 6 × 5 cells (neighbours:
   adjacent cells, diagonals included) with 40 background demands, each one of the demo's 77 stories
   (any category) in a random cell; in half of the scenarios 3–5 reports of one story (its title, its
   description, or both, cut at a random clause) are added in a cell and its neighbours. A detected
   cluster holding at least two injected reports is a true positive; any other detected cluster is a
   false positive (even when it is in fact the same story told twice by chance in neighbouring cells).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lianxin.demo.demand_texts import STORIES
from lianxin.insight import detect


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method (small λ) or a normal approximation (large λ)."""
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def trends(n: int, rng: random.Random) -> None:
    tp = fp = fn = tn = 0
    by_m: dict[int, list[int]] = {2: [0, 0], 3: [0, 0], 4: [0, 0]}
    for i in range(n):
        r = rng.uniform(0.05, 1.0)
        base = poisson(rng, 56 * r)
        risen = i % 2 == 0
        m = rng.choice((2, 3, 4)) if risen else 1
        window = poisson(rng, 7 * r * m)
        found = detect.rising(window, base).rising
        if risen:
            by_m[m][1] += 1
            by_m[m][0] += found
            tp += found
            fn += not found
        else:
            fp += found
            tn += not found
    print(f"rising trend: {n} cells, half risen")
    print(
        f"  precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}  false alarms on flat cells {fp}/{fp + tn}"
    )
    for m, (hit, total) in by_m.items():
        print(f"  recall at {m}× the baseline: {hit / max(total, 1):.3f} ({hit}/{total})")


def grid(cols: int = 6, rows: int = 5) -> dict[int, set[int]]:
    near: dict[int, set[int]] = {}
    for c in range(cols * rows):
        y, x = divmod(c, cols)
        near[c] = {
            (y + dy) * cols + (x + dx)
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
            if 0 <= y + dy < rows and 0 <= x + dx < cols
        }
    return near


def variant(rng: random.Random, title: str, description: str) -> str:
    clauses = [c for c in description.replace("。", "，").split("，") if c]
    cut = "，".join(clauses[: rng.randint(1, len(clauses))])
    return rng.choice([f"{title} {cut}", cut, f"{title} {description}", title + " " + clauses[0]])


def texts(n: int, rng: random.Random) -> None:
    near = grid()
    stories = [(cat, s) for cat, rows in STORIES.items() for s in rows]
    cats = {cat: i for i, cat in enumerate(STORIES)}
    tp = fp = found_injected = injected = 0
    for i in range(n):
        items = []
        for k in range(40):
            cat, s = rng.choice(stories)
            items.append(detect.Item(k, rng.randrange(30), cats[cat], f"{s.title} {s.description}"))
        planted: set[int] = set()
        if i % 2 == 0:
            injected += 1
            cat, s = rng.choice(stories)
            centre = rng.randrange(30)
            for k in range(rng.randint(3, 5)):
                pk = 100 + k
                planted.add(pk)
                cell = rng.choice(sorted(near[centre]))
                items.append(detect.Item(pk, cell, cats[cat], variant(rng, s.title, s.description)))
        hit = False
        for cluster in detect.text_clusters(items, near):
            if len(set(cluster.ids) & planted) >= 2:
                tp += 1
                hit = True
            else:
                fp += 1
        found_injected += hit
    print(f"recurring text: {n} windows of 40 background demands, half with a planted cluster of 3–5")
    print(
        f"  precision {tp / max(tp + fp, 1):.3f}  recall {found_injected / max(injected, 1):.3f}  false clusters {fp}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    trends(args.scenarios, random.Random(args.seed))
    texts(max(args.scenarios // 10, 20), random.Random(args.seed))


if __name__ == "__main__":
    main()
