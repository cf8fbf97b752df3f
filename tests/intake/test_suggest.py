"""Suggestions: keyword rules when the town has no model (and saying so), the model when it has one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lianxin.accounts.principals import WORKER
from lianxin.intake.selectors import suggest

pytestmark = pytest.mark.django_db


def test_without_a_model_the_rules_answer_and_say_so(itown):
    s = suggest(principal=WORKER, town_id=itown.town.pk, text="东关村村口的垃圾好几天没人清运了")
    assert s.method == "rules" and s.model_version is None
    assert s.category.name == "环境卫生"
    assert "垃圾" in s.category.words
    assert s.department.name == "城管"
    assert s.cell.name == "东关村"


def test_rules_with_no_keyword_suggest_nothing_rather_than_guess(itown):
    s = suggest(principal=WORKER, town_id=itown.town.pk, text="这事说了好几回了还是那样")
    assert s.category is None


def test_the_model_answers_with_confidence_and_words(itown, trained):
    s = suggest(principal=WORKER, town_id=itown.town.pk, text="俺家宅基地被邻居多占了半米，地界说不清")
    assert s.method == "model" and s.model_version == 1
    assert s.category.name == "宅基地与土地"
    assert 0 < s.category.confidence <= 1
    assert "宅基地" in s.category.words
    assert s.department.name == "自然资源"


def test_the_model_keeps_to_the_towns_categories(itown, trained):
    itown.categories["宅基地与土地"].active = False
    itown.categories["宅基地与土地"].save()
    s = suggest(principal=WORKER, town_id=itown.town.pk, text="俺家宅基地被邻居多占了半米")
    assert s.category is not None and s.category.name != "宅基地与土地"


def test_a_location_names_the_cell(itown):
    s = suggest(principal=WORKER, town_id=itown.town.pk, text="路灯不亮", lat=35.265, lng=113.675)
    assert (s.cell.name, s.cell.confidence) == ("西关村", 1.0)


# --- the API -------------------------------------------------------------------------------------------
def _key(itown):
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Bearer {itown.key}")
    return c


def test_api_suggest_shape(itown, trained):
    r = _key(itown).post("/api/v1/intake/suggest", {"text": "西关村的自来水停了三天也没通知"}, format="json")
    assert r.status_code == 200, r.content
    body = r.json()
    assert set(body) >= {"category", "department", "cell", "duplicates"}
    assert body["category"]["name"] == "供水排水"
    assert set(body["category"]) >= {"id", "name", "confidence"}
    assert body["department"]["name"] == "住建"  # as the department is called in the town
    assert body["cell"]["name"] == "西关村"
    assert body["method"] == "model"


def test_api_batch_answers_in_order(itown):
    r = _key(itown).post(
        "/api/v1/intake/suggest/batch",
        [{"text": "低保被取消了没人通知"}, {"text": "东关村路灯不亮", "lat": 35.265, "long": 113.665}],
        format="json",
    )
    assert r.status_code == 200, r.content
    first, second = r.json()
    assert first["category"]["name"] == "社会救助" and first["method"] == "rules"
    assert second["cell"]["name"] == "东关村"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/intake/suggest", {"text": ""}),
        ("/api/v1/intake/suggest", {"text": "路灯", "lat": 35.2}),
        ("/api/v1/intake/suggest/batch", {"text": "路灯"}),
        ("/api/v1/intake/suggest/batch", []),
    ],
)
def test_api_bad_input_is_a_400_with_a_message(itown, path, payload):
    r = _key(itown).post(path, payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    assert r.json()


def test_api_needs_a_key_and_a_role_that_records_or_routes(itown):
    assert APIClient().post("/api/v1/intake/suggest", {"text": "路灯"}, format="json").status_code in (
        401,
        403,
    )
    c = APIClient()
    c.force_login(itown.citizen)
    assert c.post("/api/v1/intake/suggest", {"text": "路灯"}, format="json").status_code == 403
