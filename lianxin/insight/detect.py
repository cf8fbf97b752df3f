"""Early warning (未诉先办): the statistics, free of the database, so generated scenarios can measure them.

Two detectors, both run by the daily scan (``services.warnings_scan``) on each town:

1. **Rising trend** of a cell against its own baseline. Counts: demands recorded in the cell in the last
   ``TREND_WINDOW_DAYS`` (the window) and in the ``TREND_BASELINE_DAYS`` before it (the baseline). Under
   "nothing changed", the window's count is Poisson with mean λ = baseline × window / baseline days (λ is
   floored at ``TREND_MIN_DAILY`` per day, so a cell with no history does not alarm at its first two
   demands). The cell warns when the window holds at least ``TREND_MIN_COUNT`` demands and the upper tail
   P(X ≥ observed | λ) is below ``TREND_ALPHA``.
2. **Recurring subject** in the same or neighbouring cells (cells whose boundaries touch) within
   ``CLUSTER_WINDOW_DAYS``:
   a. *similar text*: two demands are linked when their jieba tokens (search mode, two characters or
      more, fillers dropped) overlap with Jaccard ≥ ``TEXT_SIMILARITY``, or ≥ ``TEXT_SIMILARITY_SAME_CATEGORY``
      when they share a category; a connected group of at least ``CLUSTER_MIN_SIZE`` linked demands is one
      warning;
   b. *same category*: for each cell and category, the demands of that category in the cell and its
      neighbours in the window, tested against the same neighbourhood's own baseline with the Poisson
      test above (so a category that is always frequent there does not warn; one that suddenly recurs does).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

TREND_WINDOW_DAYS = 7
TREND_BASELINE_DAYS = 56
TREND_ALPHA = 0.01
TREND_MIN_COUNT = 3
TREND_MIN_DAILY = 1 / 14  # λ floor: one demand a fortnight
CLUSTER_WINDOW_DAYS = 14
CLUSTER_MIN_SIZE = 3
TEXT_SIMILARITY = 0.5
TEXT_SIMILARITY_SAME_CATEGORY = 0.25

PARAMETERS = {
    "trend_window_days": TREND_WINDOW_DAYS,
    "trend_baseline_days": TREND_BASELINE_DAYS,
    "trend_alpha": TREND_ALPHA,
    "trend_min_count": TREND_MIN_COUNT,
    "trend_min_daily": round(TREND_MIN_DAILY, 4),
    "cluster_window_days": CLUSTER_WINDOW_DAYS,
    "cluster_min_size": CLUSTER_MIN_SIZE,
    "text_similarity": TEXT_SIMILARITY,
    "text_similarity_same_category": TEXT_SIMILARITY_SAME_CATEGORY,
}


# --- the Poisson test -------------------------------------------------------------------------------
def poisson_upper_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(λ), summed in log space (no overflow for large k)."""
    if k <= 0:
        return 1.0
    if lam <= 0:
        return 0.0
    below = sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k))
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class Trend:
    observed: int
    expected: float
    p_value: float
    rising: bool


def rising(
    observed: int,
    baseline: int,
    *,
    window_days: int = TREND_WINDOW_DAYS,
    baseline_days: int = TREND_BASELINE_DAYS,
    alpha: float = TREND_ALPHA,
    min_count: int = TREND_MIN_COUNT,
) -> Trend:
    lam = max(baseline / baseline_days, TREND_MIN_DAILY) * window_days
    p = poisson_upper_tail(observed, lam)
    return Trend(observed, round(lam, 3), p, observed >= min_count and p < alpha)


# --- text ------------------------------------------------------------------------------------------
# Words that say nothing about the subject (fillers of complaints); punctuation and digits go too.
STOP_WORDS = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "一个",
        "没有",
        "不是",
        "就是",
        "还是",
        "已经",
        "现在",
        "问题",
        "反映",
        "希望",
        "请求",
        "要求",
        "解决",
        "情况",
        "进行",
        "相关",
        "有关",
        "部门",
        "一下",
        "能够",
        "可以",
        "时候",
        "今天",
        "昨天",
        "最近",
        "一直",
        "多次",
        "非常",
        "还有",
        "影响",
        "群众",
        "居民",
        "村民",
        "附近",
        "这里",
        "那里",
        "什么",
        "怎么",
        "为什么",
        "因为",
        "所以",
        "但是",
        "而且",
        "如果",
    ]
)
_KEEP = re.compile(r"^[\u4e00-\u9fffA-Za-z]{2,}$")
# Governance words jieba's own dictionary splits badly ("路灯不亮" → 路 / 灯不亮): kept whole.
TERMS = [
    "路灯",
    "不亮",
    "积水",
    "垃圾",
    "清运",
    "停水",
    "停电",
    "噪音",
    "扰民",
    "坑洼",
    "井盖",
    "下水道",
    "排水沟",
    "化粪池",
    "污水",
    "异味",
    "扬尘",
    "占道",
    "违建",
    "物业",
    "电梯",
    "停车",
    "拖欠",
    "工资",
    "补贴",
    "低保",
    "医保",
    "养老",
    "灌溉",
    "机井",
    "沟渠",
    "摊位",
    "宅基地",
    "网格",
    "代表",
]
_jieba_ready = False


def _jieba() -> Any:
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict…" on every worker's first scan
        for word in TERMS:
            jieba.add_word(word, freq=200000)
        _jieba_ready = True
    return jieba


@lru_cache(maxsize=4096)
def tokens(text: str) -> frozenset[str]:
    """The content words of a text (jieba; two characters or more, no fillers)."""
    return frozenset(t for t in _jieba().lcut_for_search(text) if _KEEP.match(t) and t not in STOP_WORDS)


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


# --- neighbouring cells ------------------------------------------------------------------------------
def neighbours(boundaries: dict[int, dict[str, Any]]) -> dict[int, set[int]]:
    """Cells whose GeoJSON boundaries touch or overlap (each cell is its own neighbour too)."""
    from shapely import STRtree
    from shapely.geometry import shape

    ids = [cid for cid, b in boundaries.items() if b]
    shapes = [shape(boundaries[cid]).buffer(1e-7) for cid in ids]
    out: dict[int, set[int]] = {cid: {cid} for cid in boundaries}
    if not shapes:
        return out
    tree = STRtree(shapes)
    for i, geom in enumerate(shapes):
        for j in tree.query(geom, predicate="intersects"):
            out[ids[i]].add(ids[int(j)])
    return out


# --- recurring subjects by text ------------------------------------------------------------------------
@dataclass
class Item:
    id: int
    cell: int | None
    category: int
    text: str
    words: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Cluster:
    items: list[Item]
    shared: list[str]

    @property
    def ids(self) -> list[int]:
        return sorted(i.id for i in self.items)


def text_clusters(
    items: Sequence[Item],
    near: dict[int, set[int]],
    *,
    threshold: float = TEXT_SIMILARITY,
    same_category: float = TEXT_SIMILARITY_SAME_CATEGORY,
    min_size: int = CLUSTER_MIN_SIZE,
) -> list[Cluster]:
    """Groups of demands linked by similar text in the same or neighbouring cells (union-find)."""
    for it in items:
        if not it.words:
            it.words = tokens(it.text)
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(items):
        if a.cell is None:
            continue
        close = near.get(a.cell, {a.cell})
        for j in range(i + 1, len(items)):
            b = items[j]
            if b.cell not in close:
                continue
            sim = similarity(a.words, b.words)
            if sim >= threshold or (a.category == b.category and sim >= same_category):
                parent[find(i)] = find(j)
    groups: dict[int, list[Item]] = {}
    for i, it in enumerate(items):
        groups.setdefault(find(i), []).append(it)
    out = []
    for members in groups.values():
        if len(members) >= min_size:
            counts: dict[str, int] = {}
            for m in members:
                for w in m.words:
                    counts[w] = counts.get(w, 0) + 1
            shared = sorted((w for w, n in counts.items() if n >= 2), key=lambda w: (-counts[w], -len(w), w))[
                :8
            ]
            out.append(Cluster(sorted(members, key=lambda m: m.id), shared))
    return out


def neighbourhood_counts(
    counts: Iterable[tuple[int, int, int, int]], near: dict[int, set[int]]
) -> dict[tuple[int, int], tuple[int, int]]:
    """From (cell, category, window, baseline) counts, each cell's neighbourhood totals per category."""
    by_cell: dict[int, dict[int, tuple[int, int]]] = {}
    for cell, cat, w, b in counts:
        by_cell.setdefault(cell, {})[cat] = (w, b)
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for cell in by_cell:
        for other in near.get(cell, {cell}):
            for cat, (w, b) in by_cell.get(other, {}).items():
                ow, ob = out.get((cell, cat), (0, 0))
                out[(cell, cat)] = (ow + w, ob + b)
    return out
