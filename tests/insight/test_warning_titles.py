"""Early-warning titles in words (issue 26, point 18): what rose, where and how much against the usual; a
recurring text is named by one of its demands' own titles, never by fragments of words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from lianxin.insight import services
from lianxin.insight.models import EarlyWarning

from ..factories import DemandFactory
from .test_warnings import AT, flat_history, rising_history, town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_rising_title_names_the_category_the_cell_and_the_counts(town):  # noqa: F811
    rising_history(town)
    with translation.override("zh-hans"):
        services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get()
    cat, cell = town.categories[0].name, town.cells[0].name
    usual = round(w.expected)
    assert w.title == f"{cat}：{cell}近7天{w.observed}件（平常约{usual}件）"
    with translation.override("en"):
        services.warnings_scan(at=AT + dt.timedelta(hours=6))  # the same episode, its title refreshed
    w.refresh_from_db()
    assert w.title == f"{cat}: {w.observed} in {cell} in the last 7 days (usually about {usual})"


def test_a_recurring_title_is_a_demands_own_title(town):  # noqa: F811
    flat_history(town)
    a, b, _far = town.cells
    cat = town.categories[0]
    texts = ["村东头路灯不亮，晚上看不见路", "路灯坏了不亮", "晚上路灯不亮看不见，很危险"]
    for cell, t, d in [(a, texts[0], 9), (b, texts[1], 5), (a, texts[2], 2)]:
        DemandFactory(
            town=town, cell=cell, category=cat, title=t, description=t, created_at=AT - dt.timedelta(days=d)
        )
    with translation.override("zh-hans"):
        services.warnings_scan(at=AT)
    w = EarlyWarning.objects.get(evidence__method="text")
    subject = w.title.split("（")[0]
    assert subject in texts, w.title  # a sentence a villager wrote, not "看不见、不亮"
    assert w.title.startswith(f"{subject}（{cat.name}）：")
    assert f"近14天{w.observed}件" in w.title and a.name in w.title and b.name in w.title


def test_many_cells_are_counted_not_listed():
    with translation.override("zh-hans"):
        title = services.warning_title(
            subject="",
            category="路灯",
            cells=["甲村", "乙村", "丙村", "丁村", "戊村"],
            n=9,
            days=7,
            expected=0.2,
        )
    assert title == "路灯：甲村、乙村、丙村等5个网格近7天9件（平常约0件）"
