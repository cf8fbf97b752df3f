"""A realistic town's demand counts, generated for the early-warning bench (bench/insight_warnings.py).

Written from what a town's ledger looks like, not from the detector: nothing here reads
lianxin/insight/detect.py. One town is a grid of cells (touching cells are neighbours) and a list of
categories; each (cell, category) pair has a daily rate made of

* the cell's size (log-normal: a market street and a hamlet differ tenfold) × the category's share
  (a few categories carry most demands) × the pair's own affinity (gamma): most pairs are quiet, a few
  are busy, and several are **steady high-volume** pairs (1–4 a day: the market's stalls, a housing
  estate's property company);
* a **weekday** pattern (Monday heavy, weekends light; each town its own), a **season** per category
  (a yearly wave of ±0–50 % with its own peak), a slow drift of the town's volume (±20 % a year);
* **noise** beyond Poisson: each pair's rate wanders (a log AR(1) walk over days), each day's count is
  Poisson of a gamma-distributed rate, and now and then one incident is reported by several people the
  same day (a burst of 2–4);
* town-wide shocks: the Spring Festival week (a third of the usual), a storm (one category doubles or
  triples in every cell for 2–4 days);
* **cold start**: a few cells (new estates) have demands only from some day of the scanned months;
* **imported history**: the first ``history`` days are the old ledger imported before the scan began.

Planted **rises**: a subject of the town — a pair of 4 to 45 demands a month (its rate drawn
log-uniformly from 0.15 to 1.5 a day) — gets from a given day an extra rate of (m − 1) × its usual
rate, m drawn from 1.5, 2, 3, 4, for 3 to 8 weeks; in 40 % of them the rise spreads
to a neighbouring cell (same category) some days later, at half the extra rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Rise:
    cell: int
    category: int
    start: int
    end: int  # exclusive
    multiple: float
    spread_from: int | None = None  # the cell it spread from


@dataclass
class Town:
    cols: int
    rows: int
    categories: int
    days: int
    history: int  # days imported before the scan's first day
    counts: np.ndarray  # (cells × categories) × days
    pairs: list[tuple[int, int]]
    first_day: dict[int, int]  # each cell's first day of demands (cold-start cells: late)
    rises: list[Rise]
    steady: list[tuple[int, int]]
    near: dict[int, set[int]] = field(default_factory=dict)


def grid(cols: int, rows: int) -> dict[int, set[int]]:
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


def town(
    seed: int,
    *,
    cols: int = 6,
    rows: int = 5,
    categories: int = 12,
    history: int = 120,
    scanned: int = 182,
    rises: int = 4,
    steady: int = 5,
    cold: int = 3,
) -> Town:
    rng = np.random.default_rng(seed)
    days = history + scanned
    n_cells = cols * rows
    near = grid(cols, rows)
    size = rng.lognormal(0.0, 0.8, n_cells)
    share = rng.dirichlet(np.full(categories, 0.8))
    affinity = rng.gamma(0.7, 1 / 0.7, (n_cells, categories))
    volume = rng.uniform(8, 20)  # demands a day in the town
    rate = volume * (size / size.sum())[:, None] * share[None, :] * affinity
    # steady high-volume pairs: 1–4 a day
    busy = rng.choice(n_cells * categories, steady, replace=False)
    steady_pairs = []
    for b in busy:
        c, k = divmod(int(b), categories)
        rate[c, k] = rng.uniform(1.0, 4.0)
        steady_pairs.append((c, k))

    day = np.arange(days)
    weekday = np.array([1.3, 1.15, 1.1, 1.05, 1.0, 0.75, 0.6]) * rng.uniform(0.9, 1.1, 7)
    weekday /= weekday.mean()
    phase0 = rng.integers(0, 7)
    week_f = weekday[(day + phase0) % 7]
    drift = 1 + rng.uniform(-0.2, 0.2) * day / 365
    amp = rng.uniform(0.0, 0.5, categories)
    peak = rng.uniform(0, 365, categories)
    season = 1 + amp[:, None] * np.cos(2 * math.pi * (day[None, :] - peak[:, None]) / 365)  # cat × day
    shock = np.ones((categories, days))
    festival = int(rng.integers(0, days - 7))
    shock[:, festival : festival + 7] *= 0.35
    for _s in range(rng.integers(1, 3)):
        k, d0 = int(rng.integers(categories)), int(rng.integers(0, days - 4))
        shock[k, d0 : d0 + int(rng.integers(2, 5))] *= rng.uniform(2, 3)

    # the planted rises, on pairs of at least ~4 a month, away from the steady ones and from each other
    planted: list[Rise] = []
    used: set[int] = set()
    extra = np.zeros((n_cells, categories, days))
    steady_cells = {c for c, _k in steady_pairs}
    for _attempt in range(1000):
        if len(planted) >= rises:
            break
        c, k = int(rng.integers(n_cells)), int(rng.integers(categories))
        if near[c] & used or c in steady_cells:
            continue
        used |= near[c]
        rate[c, k] = math.exp(rng.uniform(math.log(0.15), math.log(1.5)))
        m = float(rng.choice([1.5, 2.0, 3.0, 4.0]))
        start = history + int(rng.integers(14, scanned - 50))
        end = min(days, start + int(rng.integers(21, 57)))
        extra[c, k, start:end] += (m - 1) * rate[c, k]
        planted.append(Rise(c, k, start, end, m))
        if rng.random() < 0.4:
            n = int(rng.choice(sorted(near[c] - {c})))
            s2 = start + int(rng.integers(3, 11))
            if s2 < end:
                extra[n, k, s2:end] += 0.5 * (m - 1) * rate[c, k]
                planted.append(Rise(n, k, s2, end, 1 + 0.5 * (m - 1) * rate[c, k] / max(rate[n, k], 1e-9), c))

    # cold-start cells: no demands before a day of the scanned months
    first_day = {c: 0 for c in range(n_cells)}
    free = [c for c in range(n_cells) if c not in used and not any(c == s[0] for s in steady_pairs)]
    for c in rng.choice(free, min(cold, len(free)), replace=False):
        first_day[int(c)] = history + int(rng.integers(0, scanned - 30))

    # the wandering of each pair's rate (log AR(1)), the gamma day noise, the bursts
    walk = np.zeros((n_cells, categories, days))
    sd = rng.uniform(0.1, 0.3, (n_cells, categories))
    for d in range(1, days):
        walk[:, :, d] = 0.97 * walk[:, :, d - 1] + rng.normal(0, 1, (n_cells, categories)) * sd * 0.25
    mean = rate[:, :, None] * np.exp(walk) * (week_f * drift)[None, None, :] * (season * shock)[None, :, :]
    mean = mean + extra * (week_f * drift)[None, None, :]
    shape = rng.uniform(3, 10, (n_cells, categories))
    lam = rng.gamma(shape[:, :, None], mean / shape[:, :, None])
    counts = rng.poisson(lam)
    bursts = (rng.random(counts.shape) < 0.004) & (mean > 0.02)
    counts = counts + bursts * rng.integers(2, 5, counts.shape)
    for c, d0 in first_day.items():
        counts[c, :, :d0] = 0
    pairs = [(c, k) for c in range(n_cells) for k in range(categories)]
    return Town(
        cols,
        rows,
        categories,
        days,
        history,
        counts.reshape(n_cells * categories, days),
        pairs,
        first_day,
        planted,
        steady_pairs,
        near,
    )
