"""The early-warning bench's regression test: realistic generated towns (bench/warnings_town.py), scanned
every day by the database-free detector as the daily job scans them.

What it holds on its fixed seeds: the false-alarm target (at most 2 a town and month), no warning ever on
a steady busy pair nor in a cell before it has the weeks of history a baseline needs, and the precision and
recall measured when this bench was written as floors (docs/insight.md, "Measured"; the issue's targets of
0.9 and 0.8 are not reached: see there); and two towns whose rise only the accumulated test (CUSUM)
finds."""

from __future__ import annotations

import pytest

from bench import insight_warnings, warnings_town
from lianxin.insight import detect

SEEDS = range(100, 104)


@pytest.fixture(scope="module")
def scanned():
    towns = [warnings_town.town(seed) for seed in SEEDS]
    return [(t, insight_warnings.scan_town(t)[0]) for t in towns]


def test_false_alarms_and_floors_on_the_fixed_seeds(scanned):
    r = insight_warnings.measure(SEEDS)
    assert r["false_alarms_per_town_month"] <= 2.0
    assert r["precision"] >= 0.5
    assert r["rises"]["2+"][0] >= 2  # rises of 2× or more found (of 7 planted)


def test_no_warning_on_a_steady_busy_pair_nor_a_cell_without_history(scanned):
    import numpy as np

    for t, episodes in scanned:
        counts = t.counts.reshape(t.cols * t.rows, t.categories, t.days).sum(axis=1)
        for e in episodes:
            assert not any((c, e.category) in t.steady for c in e.cells)
            for c in e.cells:
                first = int(np.argmax(counts[c] > 0))
                assert e.first_day - first >= detect.MIN_BASELINE_DAYS


def test_the_accumulated_test_finds_lasting_rises_the_windows_miss():
    """Two default-seed towns (22, 31) whose one found rise of 2× or more is found by the accumulated test
    (CUSUM) alone: the fixed 7/14/28-day windows let it pass; neither town gets a false alarm."""
    r = insight_warnings.measure([22, 31])
    assert r["rises"]["2+"][0] == 2
    assert r["precision"] == 1.0
