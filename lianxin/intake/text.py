"""Chinese text for the intake: jieba with a user dictionary of the town's places and governance terms.

jieba keeps one global dictionary; place names of every town are added to it (``add_places``). Never call
``jieba.enable_paddle()``: it tries to install packages.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

import jieba

DATA = Path(__file__).parent / "data"
_lock = threading.Lock()
_added: set[str] = set()
_pending: set[str] = set()

# Words that say nothing about the matter: particles, fillers, the hotline's formulas.
_STOP = (
    "的 了 是 在 和 也 就 都 还 又 很 太 啊 吧 呢 吗 嘛 呀 着 给 把 被 让 说 要 有 没 没有 不 这 那 这个 那个 "
    "一个 一下 我 我们 俺 俺们 你 他 她 他们 人 咱 啥 咋 怎么 什么 能 能不能 希望 请 帮忙 反映 来电 "
    "来电人 市民 群众 村民 称 要求 尽快 处理 问题 情况 事 事情 现在 已经 好几 几天 好多 天天 一直"
)
STOPWORDS = frozenset(_STOP.split())
_NOISE = re.compile(r"^[\s\W\d_]+$")


@cache
def _ready() -> bool:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for line in (DATA / "terms.txt").read_text(encoding="utf-8").split():
        jieba.add_word(line, freq=20000)
    return True


def add_places(names: Iterable[str]) -> None:
    """Teach jieba the town's place names, so that 东关村 or 人民广场 stays one word. Recorded at once,
    given to jieba when text is next cut (the keyword rules never load jieba's dictionary)."""
    with _lock:
        fresh = {n for n in names if n and n not in _added}
        if fresh:
            _added.update(fresh)
            _pending.update(fresh)


def _flush() -> None:
    _ready()
    if _pending:
        with _lock:
            for name in sorted(_pending):
                jieba.add_word(name, freq=50000, tag="ns")
            _pending.clear()
            joined.cache_clear()  # texts cut before these names were known


def words(text: str) -> list[str]:
    """The meaningful words of a text, in order: stop words, punctuation, numbers and the places
    (which say where, not what) left out."""
    _flush()
    return [
        w
        for w in jieba.lcut(text or "")
        if w.strip() and w not in STOPWORDS and w not in _added and not _NOISE.match(w)
    ]


@lru_cache(maxsize=8192)
def joined(text: str) -> str:
    """Words joined by spaces: what rapidfuzz's token scorers expect (remembered: the duplicate search
    compares each new text with the same open demands again and again)."""
    return " ".join(words(text))
