"""Early warning (未诉先办): the statistics, free of the database, so generated towns can measure them.

The daily scan (``services.warnings_scan``) hands this module, for each town, the daily counts of demands
of every (cell, category) pair over the last weeks, the first day each cell had a demand, the cells'
neighbours and the warnings still open; it answers which pairs rise today, and which open warnings ended.

1. **Rising (cell, category)** — the last ``WINDOW_DAYS`` (the window) against the pair's own baseline:
   the whole weeks before the window, up to ``BASELINE_DAYS`` (EARS C1–C3 compare a short window with
   the weeks just before it; whole weeks make the weekday pattern cancel out). The baseline's rate is
   scaled by the season: the same category's change, window against baseline, in the town's cells
   *outside* the pair's neighbourhood (a wet month raises 积水 everywhere; that is no local rise). Under
   "nothing changed" the window's count is negative binomial (Farrington's overdispersed baseline):
   mean m = season × baseline × window / baseline days, variance m + m² (α + 1 / (baseline + ½) +
   1 / (season's counts + 5)): α, the extra-Poisson variation of weekly counts, is estimated over the
   whole town each day (method of moments); the other two terms are the uncertainty of the two rates.
   An accumulated test runs beside the windows: each pair's one-sided CUSUM of the day-by-day
   log-likelihood ratio of a doubling (``cusum_signals``), so a rise that lasts is found from its own
   start instead of a fixed window's.
2. **Rising in a neighbourhood** — the same test on the sums over a cell and the cells that touch it
   (a rise spread thin over two or three cells, none of them alone enough); the warning names the cells
   whose own counts exceed their expectation (where the rise is), not the centre of the sum.
3. Each day's tests of a town (pairs and neighbourhoods) are **one family**: Benjamini–Hochberg
   (statsmodels ``multipletests``) at ``FDR``. A pair warns only when also at least ``MIN_COUNT``
   demands on at least ``MIN_DAYS`` different days are in the window, and the window holds at least
   ``MIN_RATIO`` × its expectation (a steady high-volume pair is never "significantly" 10 % up).
   No pair is tested before its cell has ``MIN_BASELINE_DAYS`` of history (cold start).
4. **Episodes** — a warning is one rise of one category in one or more cells. While it is open, its
   baseline stays the weeks before it began (the rise does not become its own baseline); a day's
   signal of the same category on a cell it names updates it; it ends when no signal has come for
   ``CLOSE_AFTER_DAYS``.
5. **Recurring text** — demands with similar words in the same or neighbouring cells within
   ``CLUSTER_WINDOW_DAYS`` (jieba tokens, Jaccard), which must also rise over their own baseline: the
   demands of the same cells in the baseline weeks that carry the cluster's words, tested as in 1.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

WINDOW_DAYS = 7
WINDOWS = (7, 14, 28)  # each pair is tested over the last week, fortnight and four weeks
AREA_WINDOWS = (7, 14)
PRIOR_DAYS = 14  # a pair's rate is shrunk toward its category's rate in the town, as if 14 days of it
SEASON_CAP = 3.0
DAY_CAP = 1
NOT_NOW = 1.5
ALPHA_MAX = 0.001
RECENT_DAYS = 28
BASELINE_DAYS = 56
MIN_BASELINE_DAYS = 28
FALSE_ALARMS = 1.0  # the expected false alarms per town and month the threshold is set for
FDR = 0.0  # Benjamini–Hochberg over the day's tests as well (0: the calibrated threshold alone)
MIN_COUNT = 4
MIN_DAYS = 3
MIN_RATIO = 1.5
SEASON_PRIOR = 10.0
CUSUM_SHIFT = 2.0  # the rise the accumulated test is tuned for: twice the usual rate
CUSUM_H = 4.0  # it speaks when the log-likelihood ratio of that rise reaches this
CUSUM_ALPHA = 0.0001  # and the demands since it last restarted are that unlikely under no change
CLOSE_AFTER_DAYS = 7
FROZEN_MAX_DAYS = 56
CLUSTER_WINDOW_DAYS = 14
CLUSTER_MIN_SIZE = 3
TEXT_SIMILARITY = 0.5
TEXT_SIMILARITY_SAME_CATEGORY = 0.25
TEXT_ALPHA = 0.01
TEXT_MATCH = 0.6  # a baseline demand carries the cluster's words: at least this share of them
LOOKBACK_DAYS = 28 + BASELINE_DAYS + FROZEN_MAX_DAYS

PARAMETERS = {
    "window_days": WINDOW_DAYS,
    "baseline_days": BASELINE_DAYS,
    "min_baseline_days": MIN_BASELINE_DAYS,
    "fdr": FDR,
    "min_count": MIN_COUNT,
    "min_days": MIN_DAYS,
    "min_ratio": MIN_RATIO,
    "close_after_days": CLOSE_AFTER_DAYS,
    "cluster_window_days": CLUSTER_WINDOW_DAYS,
    "cluster_min_size": CLUSTER_MIN_SIZE,
    "text_similarity": TEXT_SIMILARITY,
    "text_similarity_same_category": TEXT_SIMILARITY_SAME_CATEGORY,
    "text_alpha": TEXT_ALPHA,
}


# --- the count test ---------------------------------------------------------------------------------
def nb_upper_tail(k: Any, mean: Any, size: Any) -> Any:
    """P(X ≥ k) for X negative binomial of the given mean and size (variance mean + mean² / size)."""
    import numpy as np
    from scipy.stats import nbinom

    k, mean, size = np.asarray(k, float), np.maximum(np.asarray(mean, float), 1e-9), np.asarray(size, float)
    return np.where(k <= 0, 1.0, nbinom.sf(k - 1, size, size / (size + mean)))


def nb_size(dispersion: float, baseline: Any, season_counts: Any = math.inf) -> Any:
    """The size of the predictive negative binomial: extra-Poisson variation plus the uncertainty of the
    baseline's rate and of the season's factor."""
    import numpy as np

    inv = (
        dispersion
        + 1 / (np.asarray(baseline, float) + 0.5)
        + 1 / (np.asarray(season_counts, float) + SEASON_PRIOR)
    )
    return 1 / inv


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
    window_days: int = WINDOW_DAYS,
    baseline_days: int = BASELINE_DAYS,
    dispersion: float = 0.0,
    alpha: float = TEXT_ALPHA,
    min_count: int = CLUSTER_MIN_SIZE,
) -> Trend:
    """One test on its own (the text detector's): the window against a baseline of the same place."""
    mean = max(baseline, 0.5) * window_days / baseline_days
    p = float(nb_upper_tail(observed, mean, nb_size(dispersion, baseline)))
    return Trend(observed, round(mean, 3), p, observed >= min_count and p < alpha)


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
def hood_matrix(near: dict[int, set[int]], cells: Sequence[int]) -> Any:
    """The neighbours as a cells × cells matrix of 0 and 1, by position in ``cells``."""
    import numpy as np

    pos = {c: i for i, c in enumerate(cells)}
    out = np.eye(len(cells))
    for c, others in near.items():
        for o in others:
            if c in pos and o in pos:
                out[pos[c], pos[o]] = 1.0
    return out


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


def baseline_matches(words: Sequence[str], texts: Iterable[frozenset[str]]) -> int:
    """How many of ``texts`` (token sets of the baseline's demands) carry the cluster's words."""
    sig = set(words)
    if not sig:
        return 0
    need = max(1, math.ceil(TEXT_MATCH * len(sig)))
    return sum(1 for t in texts if len(sig & t) >= need)


def signature(cluster: Cluster) -> list[str]:
    """The words most members of a cluster share (at least half of them), longest first among equals."""
    counts: dict[str, int] = {}
    for m in cluster.items:
        for w in m.words:
            counts[w] = counts.get(w, 0) + 1
    half = max(2, math.ceil(len(cluster.items) / 2))
    return sorted((w for w, n in counts.items() if n >= half), key=lambda w: (-counts[w], -len(w), w))[:6]


def headline(cluster: Cluster, words: Sequence[str] | None = None) -> str:
    """The cluster's subject as whole words: the shared words that are not part of a longer shared word,
    and two of them joined when most texts say them one after the other ("路灯" + "不亮" → "路灯不亮")."""
    words = list(words if words is not None else signature(cluster))
    whole = [w for w in words if not any(w != o and w in o for o in words)]
    whole.sort(key=lambda w: w not in TERMS)  # stable: governance words first
    if not whole:
        return ""
    texts = [m.text for m in cluster.items]
    best, seen = "", (False, 0)
    terms = set(TERMS)
    for a in whole[:6]:
        for b in whole[:6]:
            if a != b:
                # governance words first (路灯不亮 over 晚上看不见), then how many texts say it
                score = (a in terms or b in terms, sum((a + b) in t for t in texts))
                if score[1] * 2 >= len(texts) and score > seen:
                    best, seen = a + b, score
    if best:
        return best
    return "、".join(whole[:2])


def representative(cluster: Cluster, words: Sequence[str], titles: dict[int, str]) -> str:
    """The title of the demand that says the cluster's subject best: the one whose title carries the most
    of the shared words (then whose text does, then the shorter title, then the earliest): a sentence a
    person wrote, not fragments of words."""

    def score(item: Item) -> tuple[int, int, int, int]:
        title = titles.get(item.id, "")
        return (
            sum(w in title for w in words),
            sum(w in item.text for w in words),
            -len(title),
            -item.id,
        )

    best = max(cluster.items, key=score, default=None)
    return titles.get(best.id, "").strip() if best is not None else ""


# --- rising counts: the daily family of tests ------------------------------------------------------------
@dataclass
class Signal:
    """One rise found on one day: a pair (one cell) or a neighbourhood (the cells where the rise is)."""

    kind: str  # "pair" or "area"
    category: int
    cells: tuple[int, ...]
    observed: int
    expected: float
    p_value: float
    baseline: int
    baseline_days: int
    season: float
    centre: int
    window_days: int = 7
    words: tuple[str, ...] = ()  # a text cluster's: its shared words, its subject, its demands
    headline: str = ""
    ids: tuple[int, ...] = ()

    @property
    def ratio(self) -> float:
        return self.observed / max(self.expected, 1e-9)


def dispersion_of(cs: Any, late: Any, length: int, weeks: int = 12) -> float:
    """The extra-Poisson variation of the test itself, measured on the town's own recent history: at each
    of the last ``weeks`` weeks' ends, every pair's ``length``-day window against its baseline before it,
    pooled over pairs and weeks (method of moments: what the variance of window − expectation holds beyond
    Poisson and the baseline's own uncertainty, over the squared expectations). Slow drifts of busy pairs
    show here, where weekly counts inside one baseline would miss them."""

    end = cs.shape[2] - 1
    num = den = 0.0
    for j in range(1, weeks + 1):
        e = end - 7 * j
        b0 = e - length - BASELINE_DAYS
        if b0 < 0:
            break
        w = cs[:, :, e] - cs[:, :, e - length]
        b = cs[:, :, e - length] - cs[:, :, b0]
        ok = (late <= b0) & (b > 0)
        m = b * length / BASELINE_DAYS
        num += float((((w - m) ** 2 - m - m * m / (b + 0.5)) * ok).sum())
        den += float((m * m * ok).sum())
    return min(max(num / den, 0.01), 1.0) if den > 0 else 0.1


def scan_counts(
    counts: Any,
    *,
    history: Sequence[int],
    hood: Any,
    frozen: dict[tuple[int, int], int] | None = None,
    false_alarms: float | None = None,
    fdr: float = FDR,
) -> tuple[list[Signal], dict[str, Any]]:
    """The day's rises. ``counts`` is an array cells × categories × days of daily counts (by position),
    its last column the day scanned; ``history`` the column of each cell's first demand (negative:
    before the array; past the end: none yet); ``hood`` the cells × cells matrix of neighbours (a cell
    is its own); ``frozen`` the column where the baseline of a (cell, category) position with an open
    warning stops. Returns the signals (strongest first, one per category and cells, cells and
    categories by position) and the day's figures (the family's size, the dispersion)."""
    import numpy as np

    counts = np.asarray(counts, dtype=float)
    info: dict[str, Any] = {"tests": 0, "dispersion": 0.0}
    if counts.ndim != 3 or counts.shape[2] < max(WINDOWS) + MIN_BASELINE_DAYS or not counts.size:
        return [], info
    n_cells, n_cats, end = counts.shape
    hood = np.asarray(hood, dtype=float)
    first = np.maximum(np.asarray(history, dtype=int), 0)[:, None]
    late = (np.asarray(history, dtype=int))[:, None]
    cs = np.concatenate([np.zeros((n_cells, n_cats, 1)), np.cumsum(counts, axis=2)], axis=2)
    fz = np.full((n_cells, n_cats), end, dtype=int)
    for (c, k), col in (frozen or {}).items():
        fz[c, k] = col

    def at(cols: Any) -> Any:
        return np.take_along_axis(cs, cols[:, :, None], axis=2)[:, :, 0]

    dispersions: dict[int, float] = {}
    for length in WINDOWS:
        dispersions[length] = dispersion_of(cs, late, length)
    info["dispersion"] = {k: round(v, 4) for k, v in dispersions.items()}

    p_all: list[Any] = []
    meta: list[tuple[str, int, Any, Any, Any, Any, Any, Any, Any]] = []
    for length in WINDOWS:
        ws = end - length
        b_end = np.minimum(np.maximum(np.minimum(fz, ws), ws - FROZEN_MAX_DAYS), ws)
        span = np.minimum(b_end - first, BASELINE_DAYS) // 7 * 7
        ready = (span >= MIN_BASELINE_DAYS) & (late <= b_end - MIN_BASELINE_DAYS)
        span = np.where(ready, span, 0)
        base = np.where(ready, at(b_end) - at(np.maximum(b_end - span, 0)), 0.0)
        raw = np.where(ready, base / np.maximum(span, 1), 0.0) * length
        # the prior of a pair's rate: its category's usual rate per cell in the town (each cell's rate
        # capped at the category's upper quartile, so one busy pair does not lift every other cell's)
        rates = np.where(ready, base / np.maximum(span, 1), np.nan)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a category no ready cell has: no prior
            upper = np.nan_to_num(np.nanpercentile(rates, 75, axis=0))
            prior = np.nan_to_num(np.nanmean(np.minimum(rates, upper[None, :]), axis=0))
        # and never below one demand in the baseline weeks (a pair's first demands are not a rise)
        rate = np.where(ready, np.maximum(base + PRIOR_DAYS * prior, 1.0) / (span + PRIOR_DAYS), 0.0)
        # a pair already climbing before the window (a season of its own) is held to its latest four weeks
        recent = np.where(ready, at(b_end) - at(np.maximum(b_end - RECENT_DAYS, 0)), 0.0) / RECENT_DAYS
        rate = np.maximum(rate, recent)
        exp_raw = rate * length
        # a day counts at most max(1, 6 × the usual day): one incident told by several callers the same
        # day is not a rise (the office merges such duplicates; the ones left are capped here)
        day_cap = np.maximum(DAY_CAP, np.ceil(6 * rate))
        window = np.minimum(counts[:, :, ws:], day_cap[:, :, None]).sum(axis=2)
        # the season: the category's change, window against baseline, outside the cell's neighbourhood
        w_ready = np.where(ready, window, 0.0)
        hood_w = hood @ w_ready
        out_w = w_ready.sum(axis=0) - hood_w
        out_e = raw.sum(axis=0) - hood @ raw
        # (it only ever raises the expectation: a quiet month elsewhere is no reason to alarm here)
        season = np.clip((out_w + SEASON_PRIOR) / (out_e + SEASON_PRIOR), 1.0, SEASON_CAP)
        hood_e = hood @ exp_raw
        expected = exp_raw * season
        days_with = counts[:, :, ws:] > 0
        dispersion = dispersions[length]
        # the season's own uncertainty counts only where it raised the expectation
        season_n = np.where(season > 1.0, out_w, np.inf)
        size = nb_size(dispersion, base, season_n)
        p = nb_upper_tail(window, expected, size)
        if length == WINDOWS[0]:
            week_w, week_e = np.where(ready, window, 0.0), np.where(ready, expected, 0.0)
        if length == max(WINDOWS):
            cusum_in = (ready, rate * season, day_cap, ws, base, span, season)
        # a longer window speaks of a rise only while it lasts: its last week above the week's expectation
        # (NOT_NOW: a test of the family, counted in the threshold, not eligible today; 2: no test)
        p_all.append(np.where(ready, np.where(week_w > week_e, p, NOT_NOW), 2.0).ravel())
        meta.append(("pair", length, window, expected, base, span, season, days_with.sum(axis=2), None))
        if length in AREA_WINDOWS:
            members = hood @ ready.astype(float)
            area_ok = (members >= 2) & ready
            a_obs, a_exp = hood_w, hood_e * season
            a_base = hood @ base
            a_days = (
                np.einsum("ij,jkd->ikd", hood, np.where(ready[:, :, None], counts[:, :, ws:], 0)) > 0
            ).sum(axis=2)
            p = nb_upper_tail(a_obs, a_exp, nb_size(dispersion, a_base, season_n))
            going = hood @ week_w > hood @ week_e
            p_all.append(np.where(area_ok, np.where(going, p, NOT_NOW), 2.0).ravel())
            meta.append(
                ("area", length, a_obs, a_exp, a_base, span, season, a_days, (window, expected, ready))
            )
    cusum = cusum_signals(counts, cusum_in, dispersions[max(WINDOWS)])
    info["cusum"] = len(cusum)
    p_flat = np.concatenate(p_all)
    counted = p_flat <= NOT_NOW
    tested = p_flat <= 1.0
    info["tests"] = int(counted.sum())
    if not tested.any():
        return cusum, info
    # the month's roughly independent tests: each test of an L-day window stands for 30 / L of them
    per = n_cells * n_cats
    weight = np.concatenate([np.full(per, 30 / m[1]) for m in meta])
    # (never above ALPHA_MAX: in a town of a few pairs, a false alarm a month would be a lax test)
    alpha = min(
        (FALSE_ALARMS if false_alarms is None else false_alarms) / float((weight * counted).sum()), ALPHA_MAX
    )
    info["alpha"] = alpha
    reject = tested & (p_flat < alpha)
    if fdr:
        from statsmodels.stats.multitest import multipletests

        bh = np.zeros_like(tested)
        bh[tested] = multipletests(p_flat[tested], alpha=fdr, method="fdr_bh")[0]
        reject |= bh
    found: list[Signal] = []
    for flat in sorted(np.flatnonzero(reject), key=lambda f: p_flat[f]):
        kind, length, obs, exp, base, span, season, days_with, parts = meta[flat // per]
        c, k = divmod(int(flat % per), n_cats)
        o, e = float(obs[c, k]), float(exp[c, k])
        if o < MIN_COUNT * math.sqrt(length / WINDOWS[0]) or o < MIN_RATIO * e or days_with[c, k] < MIN_DAYS:
            continue
        if kind == "pair":
            named: tuple[int, ...] = (c,)
        else:
            window, expected, ready = parts
            excess = sorted(
                (
                    (float(window[j, k] - expected[j, k]), j)
                    for j in np.flatnonzero(hood[c])
                    if ready[j, k] and window[j, k] - expected[j, k] >= 1
                ),
                reverse=True,
            )
            total = sum(x for x, _j in excess)
            chosen: list[int] = []
            got = 0.0
            for x, j in excess:
                if got >= 0.8 * total:
                    break
                chosen.append(int(j))
                got += x
            if not chosen:
                continue
            named = tuple(sorted(chosen))
        if any(f.category == k and set(f.cells) & set(named) for f in found):
            continue  # the same rise, already said by a stronger test
        found.append(
            Signal(
                kind=kind,
                category=k,
                cells=named,
                observed=int(o),
                expected=round(e, 3),
                p_value=float(p_flat[flat]),
                baseline=int(base[c, k]),
                baseline_days=int(span[c, k]),
                season=round(float(season[c, k]), 3),
                centre=c,
                window_days=length,
            )
        )
    for sig in cusum:
        if not any(f.category == sig.category and set(f.cells) & set(sig.cells) for f in found):
            found.append(sig)
    found.sort(key=lambda f: f.p_value)
    return found, info


def cusum_signals(counts: Any, cusum_in: Any, dispersion: float) -> list[Signal]:
    """The accumulated test: each pair's one-sided CUSUM over the last four weeks of the log-likelihood
    ratio of a rise to ``CUSUM_SHIFT`` × its expected day against no change (negative binomial days, the
    day-to-day variation measured on the town; each day's count capped as in the window tests; the sum
    restarts from 0 whenever it falls below), so the test's own window starts where the rise does. A pair
    signals when the sum reaches ``CUSUM_H``, the days since it last restarted hold at least ``MIN_COUNT``
    demands on ``MIN_DAYS`` days and ``MIN_RATIO`` × expected, and that count is below ``CUSUM_ALPHA``
    against its expectation with the baseline's uncertainty (the windows' negative binomial). The
    expectation is the four-week window's: its baseline (frozen under an open warning) and season."""
    import numpy as np

    ready, daily, day_cap, ws, base, span, season = cusum_in
    end = counts.shape[2]
    m = CUSUM_SHIFT
    # the day-to-day variation beyond Poisson, pooled over the town's ready pairs in the weeks before
    # (method of moments on the capped daily counts against each pair's mean there)
    before = np.minimum(counts[:, :, max(ws - BASELINE_DAYS, 0) : ws], day_cap[:, :, None])
    mu = before.mean(axis=2, keepdims=True)
    ok = ready[:, :, None] & (mu > 0)
    num = float((((before - mu) ** 2 - mu) * ok).sum())
    den = float((mu * mu * ok).sum())
    day_alpha = min(max(num / den, 0.0), 2.0) if den > 0 else 0.0
    size = 1 / max(day_alpha, 1e-6)
    mu_d = np.maximum(daily, 1e-9)
    # the negative binomial log-likelihood ratio of a day's count x: mean m·μ against μ, size k
    slope = np.log(m * (size + mu_d) / (size + m * mu_d))
    offset = size * np.log((size + mu_d) / (size + m * mu_d))
    s = np.zeros(ready.shape)
    since = np.full(ready.shape, ws)
    obs = np.zeros(ready.shape)
    days = np.zeros(ready.shape)
    for d in range(ws, end):
        x = np.minimum(counts[:, :, d], day_cap)
        s = s + x * slope + offset
        reset = s <= 0
        s = np.where(reset, 0.0, s)
        since = np.where(reset, d + 1, since)
        obs = np.where(reset, 0.0, obs + x)
        days = np.where(reset, 0.0, days + (x > 0))
    run = end - since
    exp = daily * run
    hit = ready & (s >= CUSUM_H) & (obs >= MIN_COUNT) & (days >= MIN_DAYS) & (obs >= MIN_RATIO * exp)
    # the run's count against its expectation, the baseline's own uncertainty counted (as the windows')
    p_run = nb_upper_tail(obs, exp, nb_size(dispersion, base))
    hit &= p_run < CUSUM_ALPHA
    out = []
    for c, k in zip(*np.nonzero(hit), strict=True):
        out.append(
            Signal(
                kind="pair",
                category=int(k),
                cells=(int(c),),
                observed=int(obs[c, k]),
                expected=round(float(exp[c, k]), 3),
                p_value=float(p_run[c, k]),
                baseline=int(base[c, k]),
                baseline_days=int(span[c, k]),
                season=round(float(season[c, k]), 3),
                centre=int(c),
                window_days=int(run[c, k]),
            )
        )
    return out


# --- episodes ----------------------------------------------------------------------------------------------
@dataclass
class Episode:
    """A warning as the scan follows it: one rise of one category in some cells, from its first to its
    last signal; ``ended`` once no signal has come for ``CLOSE_AFTER_DAYS``."""

    key: Any
    category: int | None
    cells: set[int]
    first_day: int
    last_day: int
    days: int = 1
    peak: float = 0.0
    ended: bool = False
    baseline_until: int = 0  # the day its baseline stops: the start of the first signal's window


def follow(
    episodes: Sequence[Episode], signals: Sequence[Any], day: int
) -> tuple[list[tuple[Episode, Any]], list[Any], list[Episode]]:
    """Which open episode each of the day's signals continues (same category, a cell in common), which
    signals begin a new one, and which open episodes end today (no signal for ``CLOSE_AFTER_DAYS``)."""
    live = [e for e in episodes if not e.ended]
    updates: list[tuple[Episode, Any]] = []
    new: list[Any] = []
    touched: set[int] = set()
    for s in signals:
        match = next(
            (e for e in live if e.category == s.category and e.cells & set(s.cells) and id(e) not in touched),
            None,
        )
        if match is None:
            new.append(s)
        else:
            touched.add(id(match))
            updates.append((match, s))
    ended = [e for e in live if id(e) not in touched and day - e.last_day >= CLOSE_AFTER_DAYS]
    return updates, new, ended


def frozen_baselines(episodes: Iterable[Episode]) -> dict[tuple[int, int], int]:
    """For each (cell, category) of an open episode, the day its baseline stops."""
    out: dict[tuple[int, int], int] = {}
    for e in episodes:
        if e.ended or e.category is None:
            continue
        for c in e.cells:
            out[(c, e.category)] = e.baseline_until
    return out
