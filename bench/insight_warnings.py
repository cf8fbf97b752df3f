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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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


# --- a realistic town, scanned every day (bench/warnings_town.py) ----------------------------------------
def scan_town(t: Any) -> tuple[list[detect.Episode], dict[str, Any]]:
    """Scan every day of the town's scanned months as the daily job does; the episodes it raised."""
    import numpy as np

    n_cells = t.cols * t.rows
    counts = t.counts.reshape(n_cells, t.categories, t.days)
    by_cell = counts.sum(axis=1)
    first = [int(np.argmax(by_cell[c] > 0)) if by_cell[c].any() else 10**9 for c in range(n_cells)]
    hood = detect.hood_matrix(t.near, list(range(n_cells)))
    episodes: list[detect.Episode] = []
    tests = 0
    dispersion = []
    for day in range(t.history, t.days):
        frozen = detect.frozen_baselines(episodes)
        signals, info = detect.scan_counts(counts[:, :, : day + 1], history=first, hood=hood, frozen=frozen)
        tests += info["tests"]
        dispersion.append(info["dispersion"].get(7, 0.0) if info["dispersion"] else 0.0)
        updates, new, ended = detect.follow(episodes, signals, day)
        for e, s in updates:
            e.cells |= set(s.cells)
            e.last_day = day
            e.days += 1
            e.peak = max(e.peak, s.ratio)
        for s in new:
            episodes.append(
                detect.Episode(
                    (s.category, s.cells, day),
                    s.category,
                    set(s.cells),
                    day,
                    day,
                    peak=s.ratio,
                    baseline_until=day + 1 - s.window_days,
                )
            )
        for e in ended:
            e.ended = True
    return episodes, {"tests": tests, "dispersion": float(np.median(dispersion)) if dispersion else 0.0}


def rule_day(t: Any, rise: Any, *, count: int = 10, days: int = 30) -> int | None:
    """The day the fixed rule ("10 in 30 days" of the pair) fires during the rise (or 30 days after it);
    None when it never does, or when it was firing already the day before the rise."""
    row = t.counts[t.pairs.index((rise.cell, rise.category))]
    if row[max(0, rise.start - days) : rise.start].sum() >= count:
        return None
    for d in range(rise.start, min(t.days, rise.end + 30)):
        if row[max(0, d - days + 1) : d + 1].sum() >= count:
            return d
    return None


def measure(seeds: Sequence[int], **town_kw: Any) -> dict[str, Any]:
    """Precision, recall, false alarms per town-month and lead over the fixed rule, over the towns."""
    import statistics

    from bench import warnings_town

    tp = fp = 0
    found: dict[str, list[int]] = {"1.5": [0, 0], "2+": [0, 0], "spread": [0, 0]}
    leads: list[int] = []
    months = 0.0
    for seed in seeds:
        t = warnings_town.town(seed, **town_kw)
        months += (t.days - t.history) / 30.44
        episodes, _info = scan_town(t)
        caught: dict[int, int] = {}
        for e in episodes:
            hit = [
                i
                for i, r in enumerate(t.rises)
                if r.category == e.category and r.cell in e.cells and r.start <= e.first_day < r.end + 14
            ]
            if hit:
                tp += 1
                for i in hit:
                    caught[i] = min(caught.get(i, 10**9), e.first_day)
            else:
                fp += 1
        for i, r in enumerate(t.rises):
            group = "spread" if r.spread_from is not None else ("2+" if r.multiple >= 2 else "1.5")
            found[group][1] += 1
            if i in caught:
                found[group][0] += 1
                rd = rule_day(t, r)
                if r.spread_from is None and rd is not None:
                    leads.append(rd - caught[i])
    return {
        "towns": len(seeds),
        "town_months": round(months, 1),
        "episodes": tp + fp,
        "precision": tp / max(tp + fp, 1),
        "recall_2x": found["2+"][0] / max(found["2+"][1], 1),
        "recall_1_5x": found["1.5"][0] / max(found["1.5"][1], 1),
        "recall_spread": found["spread"][0] / max(found["spread"][1], 1),
        "rises": {k: tuple(v) for k, v in found.items()},
        "false_alarms_per_town_month": fp / max(months, 1e-9),
        "median_lead_days": statistics.median(leads) if leads else None,
        "leads": leads,
    }


def realistic(towns: int, seed: int) -> None:
    r = measure(range(seed, seed + towns))
    print(f"realistic towns: {r['towns']} towns × 6 months ({r['town_months']} town-months), scanned daily")
    print(
        f"  episodes {r['episodes']}  precision {r['precision']:.3f}  recall (≥2×) {r['recall_2x']:.3f} "
        f"{r['rises']['2+']}  recall (1.5×) {r['recall_1_5x']:.3f} {r['rises']['1.5']}  "
        f"spread to a neighbour {r['recall_spread']:.3f} {r['rises']['spread']}"
    )
    print(
        f"  false alarms per town-month {r['false_alarms_per_town_month']:.2f}  "
        f"median lead over '10 in 30 days' {r['median_lead_days']} days (over {len(r['leads'])} rises)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--towns", type=int, default=20)
    args = parser.parse_args()
    parser_towns = args.towns
    realistic(parser_towns, args.seed)
    trends(args.scenarios, random.Random(args.seed))
    texts(max(args.scenarios // 10, 20), random.Random(args.seed))


if __name__ == "__main__":
    main()
