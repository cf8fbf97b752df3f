"""The gazetteer: the town's place names, their short forms, stations and aliases, found in a text."""

from __future__ import annotations

import pytest

from lianxin.intake import text
from lianxin.intake.gazetteer import ALIAS, FULL, STATION, Gazetteer, short_forms, station_names
from lianxin.intake.models import PlaceAlias

pytestmark = pytest.mark.django_db


def test_short_forms_and_station_names():
    assert short_forms("东关村") == ["东关"]
    assert short_forms("同盟社区") == ["同盟"]
    assert short_forms("李村") == []  # one character says too little
    assert station_names("东关邻里小院民情收集点") == ["东关"]
    assert station_names("人民广场民情收集点") == ["人民广场"]
    assert station_names("大辛庄村矛调室人大代表联络微站") == ["大辛庄村"]


def test_full_name_alias_station_and_none(itown):
    g = Gazetteer.for_town(itown.town.pk)
    [hit] = g.find("来电人反映东关村村口垃圾无人清运")
    assert (hit.cell_id, hit.name, hit.confidence) == (itown.cells["东关村"].pk, "东关村", FULL)
    [hit] = g.find("东关那边的公厕太脏了")
    assert (hit.cell_id, hit.confidence) == (itown.cells["东关村"].pk, ALIAS)
    [hit] = g.find("人民广场夜市卖的烤肠吃了拉肚子")
    assert (hit.cell_id, hit.confidence) == (itown.cells["西关村"].pk, STATION)
    assert g.find("路灯坏了一个月") == []


def test_the_longest_name_wins_its_stretch(itown):
    g = Gazetteer.for_town(itown.town.pk)
    hits = g.find("大辛庄村的机井坏了")
    assert [h.cell_id for h in hits] == [itown.cells["大辛庄村"].pk]  # not 小辛庄村 nor a bare 辛庄


def test_two_places_share_the_confidence(itown):
    hits = Gazetteer.for_town(itown.town.pk).find("东关村到西关村那段路全是坑")
    assert {h.cell_id for h in hits} == {itown.cells["东关村"].pk, itown.cells["西关村"].pk}
    assert all(h.confidence < FULL for h in hits)


def test_an_alias_the_presidium_keeps(itown):
    PlaceAlias.objects.create(town=itown.town, cell=itown.cells["同盟社区"], alias="城关一小")
    [hit] = Gazetteer.for_town(itown.town.pk).find("城关一小门口接孩子的车太乱")
    assert (hit.cell_id, hit.name) == (itown.cells["同盟社区"].pk, "城关一小")


def test_jieba_keeps_a_place_whole_and_leaves_it_out_of_the_words(itown):
    Gazetteer.for_town(itown.town.pk)
    import jieba

    assert "大辛庄村" not in text.words("大辛庄村的机井坏了")
    assert "大辛庄村" in jieba.lcut("大辛庄村的机井坏了")
    assert "机井" in text.words("大辛庄村的机井坏了")
