"""Routing that holds on what people really say (issue 27): fillers do not decide the lead department, an
unsure model says 不确定 and lists its candidates, the town's corrections move the model, the model is loaded
before the first request, and the figures on the shipped split and on the separate test set.

The models are trained once per session (``conftest._shipped_model``, ``conftest._full_model``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from lianxin.accounts.principals import WORKER
from lianxin.demands import services as demands
from lianxin.demands.models import Demand
from lianxin.intake import classifier, selectors, text, warm
from lianxin.intake.models import IntakeDecision
from lianxin.intake.selectors import suggest
from lianxin.intake.services import model_train

from .conftest import _full_model, _shipped_model

TESTSET = Path(__file__).parent / "data" / "routing_testset.jsonl"
FILLERS = ["俺家", "有人", "几个", "没个", "恁", "中不中", "俺们", "咱"]
# (a text that names its matter, the lead department)
MATTERS = [
    ("那块地是不是基本农田，能不能盖房", "自然资源"),
    ("村里机井坏了浇不上地", "水利"),
    ("路边小广告贴得到处都是", "城管"),
    ("家庭医生签约了一次都没来过", "卫健"),
    ("在工地干活被拖欠工资", "人社"),
    ("低保被取消了没人通知", "民政"),
    ("占道经营的摊子把路堵了", "城管"),
    ("河道里的排涝泵站一直没修", "水利"),
]
NO_MATTER = "恁中不中管管，俺们咋办"  # fillers only: nothing in it speaks for any department


def _dept(bundle, content: str) -> classifier.Guess:
    [(_, dept)] = classifier.guesses(bundle, [content])
    assert dept is not None
    return dept


# --- fillers -------------------------------------------------------------------------------------------
def test_fillers_are_not_words_and_are_cut_from_the_character_pieces():
    said = "俺家有人说几个人都没个办法，恁中不中管管，俺们咋办"
    assert not set(text.words(said)) & {"俺家", "有人", "几个", "没个", "恁", "中不中", "俺们", "咋办"}
    core = text.core(said)
    assert not any(f in core for f in ("俺家", "有人", "几个", "没个", "中不中", "俺们"))
    assert "居民楼" in text.core("居民楼的电梯坏了")  # a filler that begins a word of substance stays
    assert {"基本", "农田", "基本农田"} <= set(text.pieces("俺家那块地是不是基本农田"))


def test_fillers_do_not_change_the_lead_department():
    bundle = classifier.Bundle.loads(_shipped_model()[0])
    for matter, lead in MATTERS:
        assert _dept(bundle, matter).label == lead, matter
        said = [f"{f}{matter}" for f in FILLERS] + [f"{matter}，{f}" for f in FILLERS]
        said.append(f"俺家有人说{matter}，几个人都没个办法，恁中不中管管")
        assert {_dept(bundle, s).label for s in said} == {lead}, matter


# --- confidence ----------------------------------------------------------------------------------------
def test_an_unsure_model_says_so_and_lists_the_candidates(itown, trained):
    s = suggest(principal=WORKER, town_id=itown.town.pk, text=NO_MATTER)
    d = s.department
    assert d.uncertain  # nothing in the text speaks for any department: no single one is offered
    assert len(d.candidates) == classifier.CANDIDATES
    assert d.candidates[0].id == d.id
    assert [c.confidence for c in d.candidates] == sorted((c.confidence for c in d.candidates), reverse=True)
    sure = suggest(principal=WORKER, town_id=itown.town.pk, text="低保被取消了，家里老人生病没钱看")
    assert sure.department.name == "民政" and not sure.department.uncertain and not sure.department.candidates


def test_the_api_says_uncertain_with_candidates(itown, trained):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {itown.key}")
    body = c.post("/api/v1/intake/suggest", {"text": NO_MATTER}, format="json").json()
    assert body["department"]["uncertain"] is True
    names = [o["name"] for o in body["department"]["candidates"]]
    assert len(names) == 3 and names[0] == body["department"]["name"]
    assert set(names) <= set(itown.departments)
    body = c.post("/api/v1/intake/suggest", {"text": "低保被取消了没人通知"}, format="json").json()
    assert body["department"]["uncertain"] is False and body["department"]["candidates"] == []


def _selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="(\d+)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def test_the_demand_page_says_uncertain_and_the_assign_form_does_not_start_from_it(itown, trained, client):
    demand = demands.demand_record(
        town=itown.town,
        recorded_by=itown.presidium,
        channel="hotline",
        category=itown.categories["邻里纠纷"],
        title="反映",
        description=NO_MATTER,
        cell=itown.cells["东关村"],
    )
    demands.demand_claim(demand=demand, actor=itown.deputy)
    client.force_login(itown.deputy)
    html = client.get(f"/demands/{demand.code}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "data-intake-uncertain" in html and "不确定" in html
    listed = re.search(r"<span data-intake-candidates>(.*?)</span>\s*</dd>", html, re.S)
    assert listed and listed.group(1).count("%") == classifier.CANDIDATES  # each with its probability
    # The assign form starts from the category's usual department, not from the unsure guess.
    assert _selected(html, "assign-department") == str(itown.categories["邻里纠纷"].default_department_id)


def test_calibration_the_confidence_means_what_it_says_on_the_split():
    """On the held-out split: the sure answers are right far more often than the unsure ones."""
    _train, held = classifier.split(classifier.shipped())
    bundle = classifier.Bundle.loads(_shipped_model()[0])
    bands = classifier.bands(bundle, held, edges=(classifier.UNSURE_BELOW, 0.8))
    (_, n_low, low), (_, _n_mid, mid), (_, n_high, high) = bands
    assert n_low and n_high
    assert low < 0.6 < mid < high and high >= 0.9


# --- figures -------------------------------------------------------------------------------------------
def test_own_split_lead_department():
    """The shipped held-out split (every fifth example of each category of both files, never trained on)."""
    metrics = _shipped_model()[1]["department"]
    assert metrics["accuracy"] >= 0.84
    assert metrics["top3"] >= 0.95
    assert _shipped_model()[1]["held_out"] >= 400


def _testset_top1() -> float:
    if not TESTSET.exists():
        pytest.skip(f"the separate routing test set is not in this checkout ({TESTSET}); the lead merges it")
    report = classifier.evaluate(_full_model(), classifier.read_jsonl(TESTSET))
    return report["department"]["accuracy"]


def test_separate_test_set_reaches_the_target():
    assert _testset_top1() >= 0.85  # issue 27's target; measured 0.867 (docs/intake.md, Routing)


def test_routing_eval_prints_the_figures(itown, trained, tmp_path, capsys):
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"text": "低保被取消了没人通知", "department": "民政"}\n'
        '{"text": "村里机井坏了浇不上地", "department": "水利"}\n',
        encoding="utf-8",
    )
    call_command("routing_eval", town=itown.town.code, testset=str(path), bands=True)
    out = capsys.readouterr().out
    assert "2 examples" in out and "top-1 1.000" in out and "top-3 1.000" in out
    assert "confusion matrix" in out and "民政" in out and "confidence band" in out


# --- the town's corrections ----------------------------------------------------------------------------
LIGHTS = [
    "村口路灯坏了好几天",
    "小区门口的路灯一到晚上就不亮",
    "主街上路灯一闪一闪的",
    "广场那边路灯全黑了",
    "学校门口路灯杆子歪了",
    "路灯白天亮着晚上反而灭了",
    "新修的路上没装路灯",
    "桥头那盏路灯灯泡烧了",
    "巷子里的路灯线被风刮断了",
    "东头路灯坏了一半",
    "路灯开关坏了一直亮着",
    "俺们那条街路灯老是不亮",
]


def test_the_towns_corrections_move_the_model(itown):
    """A town where the town government, not 城管, looks after street lights: a dozen of its decisions
    carry the lights to 镇政府 against two thousand shipped examples that say otherwise."""
    base = classifier.Bundle.loads(_shipped_model()[0])
    new_text = "十字路口的路灯坏了没人修"
    assert _dept(base, new_text).label != "镇政府"
    for i, said in enumerate(LIGHTS):
        demand = Demand.objects.create(
            town=itown.town,
            code=f"LGT{i:06d}",
            channel="hotline",
            category=itown.categories["路灯与公共设施"],
            title=said,
            description=said,
        )
        IntakeDecision.objects.create(
            town=itown.town,
            demand=demand,
            text=said,
            method="model",
            category=itown.categories["路灯与公共设施"],
            department=itown.departments["镇政府"],
        )
    model = model_train(town=itown.town)
    assert model.town_examples == len(LIGHTS)
    s = suggest(principal=WORKER, town_id=itown.town.pk, text=new_text)
    assert s.department.name == "镇政府"


# --- start-up ------------------------------------------------------------------------------------------
def test_warm_loads_the_towns_model_before_the_first_suggestion(itown, trained, monkeypatch):
    selectors._cache.clear()
    assert warm.warm() == 1
    assert itown.town.pk in selectors._cache

    def refuse(data):
        raise AssertionError("the first suggestion unpickled the model: it was not loaded at start-up")

    monkeypatch.setattr(classifier.Bundle, "loads", staticmethod(refuse))
    assert suggest(principal=WORKER, town_id=itown.town.pk, text=NO_MATTER).method == "model"


def test_warm_at_start_only_when_the_setting_asks(settings, monkeypatch):
    ran = []
    monkeypatch.setattr(warm, "warm", lambda: ran.append(1) or 0)
    monkeypatch.setattr(warm, "_started", type(warm._started)())
    settings.INTAKE_WARM_AT_START = False
    assert warm.start() is None
    settings.INTAKE_WARM_AT_START = True
    thread = warm.start()
    assert thread is not None
    thread.join()
    assert ran == [1]
    assert warm.start() is None  # once per process
