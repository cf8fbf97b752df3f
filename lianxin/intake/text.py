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
# The fillers of northern Henan speech and of colloquial and hotline Chinese (issue 27): who is speaking, how
# much, how upset, how politely. They decided routes (a question about 基本农田 went to agriculture on 俺家),
# so they are left out of the words, and cut out of the text the character n-grams are taken from (``core``).
_FILLERS = (
    "俺家 俺们 俺们家 俺那 俺这 俺村 俺爹 俺娘 俺妈 俺爸 俺老婆 俺孩子 俺屋 咱家 咱们 咱村 咱这 咱那 恁 恁家 "
    "恁们 您 您好 你好 你们 他家 她家 人家 大家 有人 有个 有些 有的 几个 一些 好些 没个 没人 没法 "
    "中不中 不中 中 得劲 不得劲 可 可是 都 全 老是 老 总是 总 光 净 就是 还是 也是 到底 究竟 真是 真的 实在 "
    "特别 非常 相当 挺 怪 贼 忒 着急 急死 气人 烦 麻烦 麻烦你们 谢谢 谢谢你们 感谢 拜托 求求 "
    "帮忙 帮帮 帮俺 帮一下 给俺 给咱 管管 管一管 管一下 看看 看一下 问问 问一下 问下 一下 下 "
    "反映 反应 反映一下 投诉 举报 咨询 询问 诉求 诉求人 来电 来电人 来电称 来电反映 相关部门 大家伙 市民 群众 村民 老百姓 "
    "老汉 老太太 大爷 大娘 大妈 大叔 婶子 师傅 同志 领导 "
    "这个 那个 这些 那些 这样 那样 这么 那么 这里 那里 这边 那边 这儿 那儿 哪 哪个 哪里 咋办 咋弄 咋整 "
    "怎么办 怎么回事 为啥 为什么 啥时候 到底 能否 可以 可不可以 是不是 有没有 行不行 中不中 "
    "一直 一年 两年 好几年 好几个 好久 好长时间 很久 多年 多次 好几次 几次 好几回 几回 "
    "这事 那事 这件事 说了 说过 好几回 一回 "
    "今天 昨天 前天 今年 去年 最近 这几天 这两天 前几天 上个月 这个月 "
    "嗯 哎 唉 哎呀 哦 喂 哈 呗 啦 咧 哩 嘞 么 呐 昂 "
    "知道 不知道 觉得 感觉 想 想问 想问问 想知道 请问 请求 希望 要求 建议 需要 应该 必须 "
    "已经 还有 然后 结果 但是 而且 所以 因为 如果 就是说 反正 其实 另外 "
    "上面 下面 里面 外面 "
)
STOPWORDS = frozenset(_STOP.split()) | frozenset(_FILLERS.split())
# Cut out of the raw text before the character n-grams are taken, longest first (俺们家 goes whole). Of
# single characters only those that are never part of a matter's word (中, 可, 都 are parts of 中学, 可能,
# 首都); and not the fillers that begin a word of substance (居民楼, 村民组, 一下雨).
_CUT_SINGLE = frozenset(["俺", "恁", "咱", "啥", "咋", "哩", "嘞", "咧", "呗", "喽", "唉", "哎"])
_KEEP_IN_TEXT = frozenset(
    ["居民", "村民", "市民", "群众", "老百姓", "一下", "上面", "下面", "里面", "外面", "需要", "要求", "建议"]
)
_FILLER_RE = re.compile(
    "|".join(
        re.escape(w)
        for w in sorted(
            {w for w in _FILLERS.split() if len(w) >= 2 and w not in _KEEP_IN_TEXT} | _CUT_SINGLE,
            key=len,
            reverse=True,
        )
    )
)
_NOISE = re.compile(r"^[\s\W\d_]+$")


@cache
def _ready() -> bool:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    for line in _terms():
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
            _cut.cache_clear()


def words(text: str) -> list[str]:
    """The meaningful words of a text, in order: stop words, punctuation, numbers and the places
    (which say where, not what) left out."""
    _flush()
    return list(_cut(text or ""))


@lru_cache(maxsize=65536)
def _cut(text: str) -> tuple[str, ...]:
    """``words`` of one text, remembered: training cuts the same shipped examples for every town and every
    head (a quarter of a training's time); forgotten when new place names change the cut (``_flush``)."""
    return tuple(
        w
        for w in jieba.lcut(text)
        if w.strip() and w not in STOPWORDS and w not in _added and not _NOISE.match(w)
    )


def pieces(text: str) -> list[str]:
    """The words, and the dictionary words inside the longer ones (基本农田 → 基本农田, 基本, 农田), as jieba's
    search mode cuts them: a matter named in another compound (农田水利, 农田灌溉) still shares a feature. Cut
    from ``words``, so places and fillers stay out."""
    out: list[str] = []
    cut = words(text)
    freq = jieba.dt.FREQ  # after ``words``: jieba replaces its dictionary when it first loads
    for w in cut:
        for n in (2, 3):
            if len(w) > n:
                out.extend(
                    piece
                    for i in range(len(w) - n + 1)
                    if freq.get(piece := w[i : i + n]) and piece not in STOPWORDS
                )
        out.append(w)
    return out


def core(text: str) -> str:
    """The text with its fillers cut out, for the character n-grams: 俺家 or 有人 no longer make pieces
    of their own (俺家, 家宅) that outweigh the matter's."""
    return _FILLER_RE.sub(" ", text or "")


@cache
def _terms() -> frozenset[str]:
    return frozenset((DATA / "terms.txt").read_text(encoding="utf-8").split())


def terms(text: str) -> list[str]:
    """The governance terms of ``data/terms.txt`` the text names (基本农田, 低保, 窨井盖 …): a feature block
    of their own, weighted over the other words, so a named matter outweighs how it was said."""
    known = _terms()
    return [w for w in words(text) if w in known]


@lru_cache(maxsize=8192)
def joined(text: str) -> str:
    """Words joined by spaces: what rapidfuzz's token scorers expect (remembered: the duplicate search
    compares each new text with the same open demands again and again)."""
    return " ".join(words(text))
